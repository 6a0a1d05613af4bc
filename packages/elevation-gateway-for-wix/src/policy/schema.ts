// The policy language, as a zod schema: the one source of the policy's TypeScript types and of the
// JSON Schema that editors use (`elevate schema`). Build-time only: the backend never parses YAML.
import { z } from 'zod';
import { SUBJECT_TYPES } from '../contract/compiled-policy.ts';
import { obligationKinds, type ObligationKind } from '../contract/obligation-kind.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CALL = /^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const CALL_PATTERN = /^(\*|[a-z][A-Za-z0-9]*\.\*|[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.(\*|[A-Za-z][A-Za-z0-9]*))$/;
const ARG_PATH = /^args\.(0|[1-9][0-9]*)(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const RATE = /^([1-9][0-9]*)\/(second|minute|hour|day)$/;

const roleName = z.string().regex(NAME, 'role names are lower-case words joined by "-" (e.g. wix-user)');
const ruleId = z.string().regex(NAME, 'rule ids are lower-case words joined by "-" (e.g. member-reads-own-orders)');
const conditions = z
  .record(z.string(), z.unknown())
  .describe(
    'CASL conditions in MongoDB syntax, matched strictly; values may be ${caller.id}, ${caller.subjectType}, ${caller.siteId}, ${caller.instanceId} or ${caller.<name>} of a declared caller attribute',
  );

export const limitsSchema = z.strictObject({
  bodyBytes: z
    .number()
    .int()
    .min(256)
    .max(1024 * 1024)
    .optional()
    .describe('Largest request body in bytes (413 above). Default 65536.'),
  jsonDepth: z.number().int().min(2).max(64).optional().describe('Deepest nesting of the JSON body. Default 12.'),
  args: z.number().int().min(0).max(16).optional().describe('Most positional arguments. Default 4.'),
  stringLength: z
    .number()
    .int()
    .min(16)
    .max(1024 * 1024)
    .optional()
    .describe('Longest string anywhere in the body. Default 4096.'),
  arrayLength: z.number().int().min(1).max(100_000).optional().describe('Longest array / most keys in one object. Default 200.'),
});

export const roleSchema = z.strictObject({
  description: z.string().optional(),
  subjects: z.array(z.enum(SUBJECT_TYPES)).default([]).describe('Wix subject types that hold this role.'),
  inherits: z.array(roleName).default([]).describe('Roles whose rules this role also gets.'),
});

const fieldRule = z
  .strictObject({
    allow: z.array(z.string().regex(FIELD_PATH, 'field paths are dotted names, e.g. variantsInfo.variants.revenueDetails')).min(1).optional(),
    deny: z.array(z.string().regex(FIELD_PATH, 'field paths are dotted names, e.g. variantsInfo.variants.revenueDetails')).min(1).optional(),
  })
  .refine((f) => (f.allow === undefined) !== (f.deny === undefined), 'a field rule has exactly one of allow or deny');

const ATTRIBUTE_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;

/**
 * A caller attribute derived from the verified identity: an elevated read the policy fixes, keyed
 * only by the built-in attributes (`${caller.id}`, …), whose result gives `${caller.<name>}`.
 */
export const callerAttributeSchema = z.strictObject({
  description: z.string().min(1, 'say what the attribute is and where it comes from'),
  subjects: z
    .array(z.enum(SUBJECT_TYPES))
    .min(1)
    .describe('The subject types the attribute is read for (e.g. [MEMBER]); for anyone else it is absent and matches nothing.'),
  read: z
    .string()
    .regex(CALL, 'a call is package.namespace.method, e.g. members.members.getMember')
    .describe('The elevated read that loads it (a read of one object, or a read).'),
  args: z
    .array(z.unknown())
    .default([])
    .describe(
      'Its arguments: constants and ${caller.id}, ${caller.siteId}, ${caller.instanceId}, ${caller.subjectType} only, so nothing in a request can change it.',
    ),
  value: z
    .string()
    .regex(FIELD_PATH, "the value is a dotted path into the read's result, e.g. contactId")
    .describe("Where in the read's result the attribute is (a non-empty string there, else the call is refused with 503)."),
});

/** The built-in rule keys (contract/obligation-kind.ts lists the same, so a registered kind cannot take one). */
export const ruleShape = {
  id: ruleId,
  description: z.string().min(1, 'say what the rule grants and why'),
  roles: z.array(roleName).min(1),
  allow: z.string().regex(CALL, 'a call is package.namespace.method, e.g. ecom.orders.getOrder').optional(),
  deny: z.string().regex(CALL_PATTERN, 'a deny names a call or a pattern: ecom.orders.*, ecom.*, *').optional(),
  when: conditions.optional().describe('Conditions on { args }: the positional arguments as sent.'),
  resource: conditions.optional().describe('Conditions on the object the call returns or touches.'),
  preload: z
    .string()
    .regex(CALL, 'a call is package.namespace.method')
    .optional()
    .describe('For writes addressed by id: the elevated read that loads the target before the write.'),
  fields: fieldRule.optional().describe('Which fields of the result (or of each item) this role receives.'),
  cap: z.number().int().min(1).max(1000).optional().describe('Largest page size; larger or missing sizes become the cap.'),
  writable: z
    .array(z.string().regex(ARG_PATH, 'writable paths look like args.1.customMessage'))
    .optional()
    .describe('Argument paths a write may set; any other key is refused.'),
  presets: z
    .record(z.string().regex(ARG_PATH, 'preset paths look like args.0.memberId'), z.unknown())
    .optional()
    .describe('Argument values forced by the gateway, whatever the client sent.'),
  rateLimit: z.string().regex(RATE, 'a rate limit looks like 10/minute').optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
  allowOptions: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'an option is named as the SDK spells it, e.g. suppressHooks'))
    .min(1)
    .optional()
    .describe('Options that turn a Wix protection off (suppressHooks, …) which this rule lets a caller set; needs a justification.'),
  justification: z.string().min(1).optional().describe('Why a risk warning on this rule is accepted.'),
};

/** A rule: the built-in keys and one optional key per registered obligation kind. */
function ruleSchemaWith(kinds: readonly ObligationKind[]) {
  const registered = Object.fromEntries(kinds.map((k) => [k.key, z.optional(k.schema).describe(k.description)]));
  return z
    .strictObject({ ...ruleShape, ...registered })
    .refine((r) => (r.allow === undefined) !== (r.deny === undefined), 'a rule has exactly one of allow or deny');
}

function policyFileSchemaWith(kinds: readonly ObligationKind[]) {
  return z.strictObject({
    version: z.literal(1),
    limits: limitsSchema.optional(),
    defaults: z.strictObject({ timeoutMs: z.number().int().min(100).max(60_000).optional() }).optional(),
    roles: z.record(roleName, roleSchema).optional(),
    callerAttributes: z
      .record(z.string().regex(ATTRIBUTE_NAME, 'attribute names are camelCase words, e.g. contactId'), callerAttributeSchema)
      .optional()
      .describe('Caller attributes derived from the verified identity by an elevated read, used as ${caller.<name>}.'),
    rules: z.array(ruleSchemaWith(kinds)).optional(),
  });
}

let cached: { kinds: string; schema: ReturnType<typeof policyFileSchemaWith> } | undefined;

/** The policy file schema, with the obligation kinds registered now. */
export function policyFileSchema(): ReturnType<typeof policyFileSchemaWith> {
  const kinds = obligationKinds();
  const key = kinds.map((k) => k.key).join();
  if (cached?.kinds !== key || kinds.length) cached = { kinds: key, schema: policyFileSchemaWith(kinds) };
  return cached.schema;
}

/** A policy file as parsed; a rule's registered obligations are under their own keys. */
export type PolicyFile = z.infer<ReturnType<typeof policyFileSchemaWith>>;

export function parseRate(text: string): { count: number; windowSeconds: number } | undefined {
  const m = RATE.exec(text);
  if (!m) return undefined;
  const seconds = { second: 1, minute: 60, hour: 3600, day: 86400 }[m[2] as 'second'];
  return { count: Number(m[1]), windowSeconds: seconds };
}
