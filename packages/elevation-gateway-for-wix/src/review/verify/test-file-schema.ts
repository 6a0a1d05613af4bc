// The policy-test language (policies/tests/*.yaml), as a zod schema: the one source of its types
// and of schema/policy-tests.schema.json. A file holds cases, matrices (callers × calls, one
// allow/deny per cell) and the named fixtures both may reuse; the loader resolves the fixtures, so
// the runner only ever sees plain cases (testCaseSchema).
import { z } from 'zod';

const CALL = /^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const CALLER = /^[A-Za-z]+(:[A-Za-z0-9][A-Za-z0-9_.@-]{0,199})?$/;
const FIELD_PATH = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;
/** A fixture's name: a word, with "-" and "_" (never ":", so it cannot be read as a caller with an id). */
const FIXTURE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** What `as:` and a matrix's callers take: a caller (member:m-1, visitor) or a caller fixture's name. */
const CALLER_OR_FIXTURE = new RegExp(`^(?:${CALLER.source.slice(1, -1)}|${FIXTURE_NAME.source.slice(1, -1)})$`);

const fieldPaths = z.array(z.string().regex(FIELD_PATH, 'field paths are dotted names, e.g. buyerInfo.email')).min(1);
const fixtureName = z.string().regex(FIXTURE_NAME, 'a fixture name is a word of letters, digits, "-" and "_", starting with a letter, e.g. own-order');

/**
 * `value`, or the name of a `fixtures.<kind>` entry holding one. The two are told apart by their
 * JSON type, so the JSON Schema says it with one `type` list (each branch's keywords apply to its
 * own type) rather than anyOf, which editors report less plainly.
 */
function orFixture<T extends z.ZodType>(value: T, type: 'array' | 'object', kind: string, what: string) {
  const { $schema: _, ...json } = z.toJSONSchema(value, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return z
    .union([value, fixtureName], { error: `expected ${what} or the name of a fixtures.${kind} entry` })
    .meta({ ...json, anyOf: undefined, type: [type, 'string'], pattern: FIXTURE_NAME.source });
}

const positionalArgs = z.array(z.unknown());
const sampleObject = z.record(z.string(), z.unknown());
const sampleItems = z.array(z.record(z.string(), z.unknown()));

/** A plain case, every fixture resolved: what the runner takes. */
export const testCaseSchema = z.strictObject({
  name: z.string().min(1, 'say what the case checks').describe('What the case checks, in a sentence.'),
  as: z
    .string()
    .regex(CALLER, 'a caller is a subject type and an optional id, e.g. member:m-1 or visitor')
    .describe('The caller: visitor, member, user, app or unknown, optionally with an id (member:m-1).'),
  site: z.string().min(1).optional().describe("The caller's siteId, for rules that use ${caller.siteId}."),
  instance: z.string().min(1).optional().describe("The caller's instanceId, for rules that use ${caller.instanceId}."),
  attributes: z
    .record(z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, 'attribute names are camelCase words, e.g. contactId'), z.string().min(1).max(256))
    .optional()
    .describe("The caller's derived attributes (the policy's callerAttributes), as their reads would load them, e.g. { contactId: c-1 }."),
  call: z
    .string()
    .regex(CALL, 'a call is package.namespace.method, e.g. ecom.orders.getOrder')
    .describe('The SDK method the client calls, as package.namespace.method, e.g. ecom.orders.getOrder.'),
  args: positionalArgs.default([]).describe('The positional arguments as the client sends them.'),
  resource: sampleObject
    .optional()
    .describe('Calls addressed by id: the object Wix would return (the preloaded target of a write). Left out: Wix answers 404.'),
  items: sampleItems.optional().describe('List calls: the items Wix would return.'),
  result: z.unknown().optional().describe('Writes: what Wix would answer to the write itself (default: the resource).'),
  expect: z.enum(['allow', 'deny']).describe('The outcome: allow (the call goes through) or deny (the gateway refuses it).'),
  rule: z.string().optional().describe('allow: the rule expected to decide; deny: the deny rule expected to refuse (if any).'),
  count: z.number().int().min(0).optional().describe('List calls: how many items the caller receives after the resource re-check.'),
  fields: z
    .strictObject({
      present: fieldPaths.optional().describe('Paths every returned object (or item) has.'),
      absent: fieldPaths.optional().describe('Paths no returned object (or item) has.'),
    })
    .optional()
    .describe('Checked on the result after the field mask.'),
});

export type PolicyTestCase = z.infer<typeof testCaseSchema>;

const callerReference = z
  .string()
  .regex(CALLER_OR_FIXTURE, 'a caller is a subject type and an optional id (member:m-1, visitor) or the name of a fixtures.callers entry (alice)');

/** A case as written: its caller, arguments and sample data may name fixtures. */
const writtenCaseSchema = testCaseSchema.extend({
  as: callerReference.describe(
    'The caller: visitor, member, user, app or unknown, optionally with an id (member:m-1); or the name of a fixtures.callers entry, whose site, instance and attributes the case then gets (its own keys override them).',
  ),
  args: orFixture(positionalArgs, 'array', 'args', 'a list of positional arguments, e.g. [o-1],')
    .default([])
    .describe('The positional arguments as the client sends them, or the name of a fixtures.args entry.'),
  resource: orFixture(sampleObject, 'object', 'resources', 'the object Wix would return, e.g. { _id: o-1 },')
    .optional()
    .describe(
      'Calls addressed by id: the object Wix would return (the preloaded target of a write), or the name of a fixtures.resources entry. Left out: Wix answers 404.',
    ),
  items: orFixture(sampleItems, 'array', 'items', 'a list of the items Wix would return, e.g. [{ _id: o-1 }],')
    .optional()
    .describe('List calls: the items Wix would return, or the name of a fixtures.items entry.'),
});

export type WrittenTestCase = z.infer<typeof writtenCaseSchema>;

const fixturesSchema = z
  .strictObject({
    callers: z
      .record(
        fixtureName,
        testCaseSchema
          .pick({ as: true, site: true, instance: true, attributes: true })
          .describe('A caller cases and matrices name instead of writing it out: its subject type and id, and its site, instance and attributes.'),
      )
      .optional()
      .describe('Named callers, e.g. alice: { as: member:m-1 }. A name may not be a subject type (visitor, member, user, app, unknown).'),
    args: z
      .record(fixtureName, positionalArgs.describe('The positional arguments as the client sends them.'))
      .optional()
      .describe('Named argument lists, e.g. own-order: [o-1]; a case or matrix call names one as its args.'),
    resources: z
      .record(fixtureName, sampleObject.describe('The object Wix would return.'))
      .optional()
      .describe(
        'Named objects Wix would return, e.g. order-of-m-1: { _id: o-1, buyerInfo: { memberId: m-1 } }; a case or matrix call names one as its resource.',
      ),
    items: z
      .record(fixtureName, sampleItems.describe('The items Wix would return.'))
      .optional()
      .describe('Named item lists Wix would return; a case or matrix call names one as its items.'),
  })
  .describe('Named callers, arguments and sample data that cases and matrices reuse by name. A fixture no case uses is allowed.');

const matrixCallSchema = writtenCaseSchema
  .pick({ call: true, args: true, resource: true, items: true, result: true, site: true, instance: true, attributes: true })
  .describe("One call of a matrix, made by every caller; site, instance and attributes override a caller fixture's.");

const MATRIX_LABEL = z.string().min(1, 'a call label is a non-empty word, e.g. read-own-order');

const matrixSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, 'say what the matrix checks')
      .describe("What the matrix checks, in a sentence; each cell's case is named <matrix name>: <call label> × <caller>."),
    callers: z
      .array(callerReference, { error: 'callers is a list of caller fixture names or callers, e.g. [visitor, alice, member:m-2]' })
      .min(1, 'list at least one caller')
      .describe('The callers, one column each: names of fixtures.callers entries or callers written out (member:m-1, visitor).'),
    calls: z
      .record(MATRIX_LABEL, matrixCallSchema)
      .refine((calls) => Object.keys(calls).length > 0, 'give at least one call, e.g. read-own-order: { call: ecom.orders.getOrder, args: [o-1] }')
      .describe('The calls, one row each, by label: what every caller calls.'),
    expect: z
      .record(
        MATRIX_LABEL,
        z
          .array(z.enum(['allow', 'deny'], { error: 'each cell is allow or deny' }), {
            error: 'a row is a list with one allow or deny per caller, e.g. [deny, allow, allow]',
          })
          .describe('One allow or deny per caller, in the order of callers.'),
      )
      .describe('One row per call label: the outcome for each caller, in the order of callers.'),
  })
  .describe('Every caller makes every call; each cell of expect is one case.');

export type PolicyTestMatrix = z.infer<typeof matrixSchema>;

export const policyTestFileSchema = z
  .strictObject({
    description: z.string().optional().describe('What the file tests.'),
    fixtures: fixturesSchema.optional(),
    cases: z.array(writtenCaseSchema).min(1, 'list at least one case, or leave "cases" out').optional().describe('The cases, each one caller making one call.'),
    matrices: z
      .array(matrixSchema)
      .min(1, 'list at least one matrix, or leave "matrices" out')
      .optional()
      .describe('Tables of callers × calls, one allow or deny per cell.'),
  })
  .refine((file) => file.cases !== undefined || file.matrices !== undefined, 'a policy-test file needs "cases", "matrices" or both');

export type PolicyTestFile = z.infer<typeof policyTestFileSchema>;
