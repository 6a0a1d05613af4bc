// The policy-test language (policies/tests/*.yaml), as a zod schema: the one source of its types
// and of schema/policy-tests.schema.json.
import { z } from 'zod';

const CALL = /^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const CALLER = /^[A-Za-z]+(:[A-Za-z0-9][A-Za-z0-9_.@-]{0,199})?$/;
const FIELD_PATH = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;

const fieldPaths = z.array(z.string().regex(FIELD_PATH, 'field paths are dotted names, e.g. buyerInfo.email')).min(1);

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
  call: z.string().regex(CALL, 'a call is package.namespace.method, e.g. ecom.orders.getOrder'),
  args: z.array(z.unknown()).default([]).describe('The positional arguments as the client sends them.'),
  resource: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Calls addressed by id: the object Wix would return (the preloaded target of a write). Left out: Wix answers 404.'),
  items: z.array(z.record(z.string(), z.unknown())).optional().describe('List calls: the items Wix would return.'),
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

export const policyTestFileSchema = z.strictObject({
  description: z.string().optional(),
  cases: z.array(testCaseSchema).min(1),
});

export type PolicyTestCase = z.infer<typeof testCaseSchema>;
