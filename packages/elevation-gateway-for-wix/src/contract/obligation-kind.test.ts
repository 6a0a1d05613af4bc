// A test-only obligation kind, registered here and nowhere else: "redact these fields unless the
// caller owns the object". With no other edit it must be accepted by the compiler (and refused
// where it cannot hold), enforced by the gateway (objects, items, the filter guard), shown by
// explain, listed and diffed by the audit, and applied by the policy tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerObligationKind, ObligationRefusal, type ObligationKind } from './obligation-kind.ts';
import { readPath, MISSING, revealsField } from '../conditions/path.ts';
import { isPlainObject } from '../conditions/json-value.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { parsePolicyText } from '../policy/load.ts';
import { compilePolicy } from '../policy/compile.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import { explainCall } from '../review/explain/explain.ts';
import { callerFor } from '../review/explain/caller-spec.ts';
import { inventoryMarkdown, permittedCalls } from '../review/audit/permitted-calls.ts';
import { diffInventory } from '../review/audit/inventory-diff.ts';
import { loadPolicyTestText } from '../review/verify/load-policy-tests.ts';
import { runPolicyTests } from '../review/verify/run-policy-tests.ts';

interface Redaction {
  owner: string;
  fields: string[];
}

const without = (value: unknown, path: string[]): unknown => {
  if (!isPlainObject(value)) return value;
  const [head, ...rest] = path;
  if (!Object.hasOwn(value, head!)) return value;
  const copy = { ...value };
  if (rest.length === 0) delete copy[head!];
  else copy[head!] = without(copy[head!], rest);
  return copy;
};

const redactUnlessOwner: ObligationKind<Redaction, Redaction> = {
  key: 'redactUnlessOwner',
  description: 'Fields removed from every object the caller does not own.',
  schema: z.strictObject({ owner: z.string().min(1), fields: z.array(z.string().min(1)).min(1) }),
  methodKinds: ['read-one', 'list'],
  // A grant widens: a field stays redacted only when every allowing rule redacts it.
  combine(configs) {
    if (configs.some((c) => c === undefined)) return undefined;
    const [first, ...others] = configs as Redaction[];
    const fields = first!.fields.filter((f) => others.every((o) => o.owner === first!.owner && o.fields.includes(f)));
    return fields.length ? { owner: first!.owner, fields } : undefined;
  },
  describe: (planned) => ({ owner: planned.owner, redacted: planned.fields }),
  onArguments(planned, args) {
    if (JSON.stringify(args).includes('"__redactUnlessOwner_refuse__"')) throw new ObligationRefusal('refusal marker');
    void planned;
  },
  onObject(planned, object, caller) {
    const owner = readPath(object, planned.owner);
    if (owner !== MISSING && owner === caller.id) return { value: object, removed: [] };
    let value = object;
    const removed: string[] = [];
    for (const f of planned.fields) {
      if (readPath(value, f) === MISSING) continue;
      value = without(value, f.split('.'));
      removed.push(f);
    }
    return { value, removed };
  },
  readable: (planned, path) => !planned.fields.some((f) => revealsField(path, f)),
};

const policyYaml = (obligation: string) => `
version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: member-reads-any-order
    description: Members read any order; others' orders without their billing and email.
    roles: [member]
    allow: ecom.orders.getOrder
    justification: a test policy
${obligation}
  - id: member-searches-orders
    description: Members search orders; others' without their billing and email.
    roles: [member]
    allow: ecom.orders.searchOrders
    justification: a test policy
${obligation}
`;
const REDACT = '    redactUnlessOwner: { owner: buyerInfo.memberId, fields: [billingInfo, buyerInfo.email] }';

/** A second kind: refuses what one caller would receive, on reads and on the results of writes. */
const refuseResultFor: ObligationKind<string, string> = {
  key: 'refuseResultFor',
  description: 'Refuses the result for one caller id.',
  schema: z.string(),
  methodKinds: ['read-one', 'write-one'],
  combine: (configs) => configs[0],
  describe: (id) => ({ refusedFor: id }),
  onObject(id, object, caller) {
    if (caller.id === id) throw new ObligationRefusal('not for this caller');
    return { value: object, removed: [] };
  },
  readable: () => true,
};

let unregister: () => void;
let unregisterSecond: () => void;
beforeAll(() => {
  unregister = registerObligationKind(redactUnlessOwner);
  unregisterSecond = registerObligationKind(refuseResultFor);
});
afterAll(() => {
  unregister();
  unregisterSecond();
});

describe('a registered obligation kind', () => {
  it('is enforced by the gateway on a read, on every item of a list, and in the filter guard', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(policyYaml(REDACT)) });
    const m1 = bed.tokens.members['m-1'];

    const own = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1']);
    expect(own.status).toBe(200);
    expect(own.body.result.billingInfo).toBeDefined();
    expect(own.body.result.buyerInfo.email).toBeDefined();

    const other = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-4']);
    expect(other.status).toBe(200);
    expect(other.body.result._id).toBe('o-4');
    expect(other.body.result.billingInfo).toBeUndefined();
    expect(other.body.result.buyerInfo).toEqual({ memberId: 'm-2', contactId: 'c-2' });
    expect(bed.log.entries.at(-1)!.obligations).toContainEqual({ type: 'fields-removed', paths: ['billingInfo', 'buyerInfo.email'] });

    const list = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 20 } }]);
    expect(list.status).toBe(200);
    const orders = list.body.result.orders as { _id: string; buyerInfo: { memberId?: string; email?: string }; billingInfo?: unknown }[];
    expect(orders.length).toBeGreaterThan(3);
    for (const o of orders) {
      const mine = o.buyerInfo.memberId === 'm-1';
      expect(o.billingInfo !== undefined, o._id).toBe(mine);
      expect(o.buyerInfo.email !== undefined, o._id).toBe(mine);
    }
    // Anything besides the items and paging cannot be redacted per item: it is not returned.
    expect(Object.keys(list.body.result).sort()).toEqual(['metadata', 'orders'].filter((k) => k in list.body.result).sort());

    // Filtering or sorting on a redacted field would tell it through which orders come back.
    const before = bed.upstream().length;
    for (const query of [
      { filter: { 'billingInfo.contactDetails.firstName': 'Grace' } },
      { filter: { 'buyerInfo.email': { $startsWith: 'g' } } },
      { sort: [{ fieldName: 'buyerInfo.email', order: 'ASC' }] },
    ]) {
      const refused = await bed.call(m1, 'ecom.orders', 'searchOrders', [query]);
      expect(refused.status, JSON.stringify(query)).toBe(403);
    }
    expect(bed.upstream().length).toBe(before);
    const allowedFilter = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ filter: { 'buyerInfo.memberId': 'm-2' } }]);
    expect(allowedFilter.status).toBe(200);

    // Its argument hook refuses before anything reaches Wix.
    const marked = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ filter: { 'buyerInfo.memberId': '__redactUnlessOwner_refuse__' } }]);
    expect(marked.status).toBe(403);
    expect(bed.upstream().length).toBe(before + 1);
  });

  it('refuses (403) what a kind refuses on a read; after a write Wix made, the refusal is a failure (500), never a denial', async () => {
    const yaml = `
version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: reads
    description: d
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    refuseResultFor: m-3
  - id: cancels
    description: d
    roles: [member]
    allow: ecom.orders.cancelOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    preload: ecom.orders.getOrder
    justification: a test policy
    refuseResultFor: m-3
`;
    const bed = createTestBed({ policy: await policyFromYaml(yaml) });
    const m3 = bed.tokens.members['m-3'];
    expect((await bed.call(bed.tokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
    const read = await bed.call(m3, 'ecom.orders', 'getOrder', ['o-7']);
    expect(read.status).toBe(403);
    expect(read.body.error.message).toBe('The policy does not permit this call.');
    expect(bed.log.entries.at(-1)).toMatchObject({ decision: 'deny', reason: 'obligation refuseResultFor: not for this caller' });
    const write = await bed.call(m3, 'ecom.orders', 'cancelOrder', ['o-7', {}]);
    expect(write.status).toBe(500);
    expect(write.body.error.message).not.toContain('not for this caller');
    expect(bed.upstream().map((r) => r.route)).toContain('cancelOrder');
    expect(bed.log.entries.at(-1)).toMatchObject({ decision: 'allow', code: 'INTERNAL' });
  });

  it('fails closed when the backend that loads the policy does not register the kind', async () => {
    const policy = await policyFromYaml(policyYaml(REDACT));
    unregister();
    try {
      const bed = createTestBed({ policy });
      const reply = await bed.call(bed.tokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-4']);
      expect(reply.status).toBe(503);
      expect(reply.body.error.code).toBe('POLICY_UNAVAILABLE');
      expect(bed.upstream()).toEqual([]);
    } finally {
      unregister = registerObligationKind(redactUnlessOwner);
    }
    // Nor one whose kind, as this backend registers it, does not apply to the rule's method.
    const narrowed = { ...redactUnlessOwner, methodKinds: ['list'] as const };
    unregister();
    const restore = registerObligationKind(narrowed);
    try {
      const bed = createTestBed({ policy });
      const reply = await bed.call(bed.tokens.members['m-1'], 'ecom.orders', 'searchOrders', [{}]);
      expect(reply.status).toBe(503);
      expect(bed.upstream()).toEqual([]);
    } finally {
      restore();
      unregister = registerObligationKind(redactUnlessOwner);
    }
  });

  it('is checked by the compiler: its schema, allow rules only, and the method kinds it names, each at its position', async () => {
    const diagnosticsOf = async (text: string) => {
      const diagnostics: Diagnostic[] = [];
      const loaded = parsePolicyText(text, 'p.yaml', diagnostics);
      await compilePolicy([loaded], diagnostics);
      return diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, column: d.column }));
    };
    const base = `version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: r
    description: d
    roles: [member]
`;
    expect(await diagnosticsOf(`${base}    allow: ecom.orders.getOrder\n    redactUnlessOwner: { owner: 1, fields: [] }\n`)).toEqual([
      { code: 'schema', line: 9, column: 33 },
      { code: 'schema', line: 9, column: 44 },
    ]);
    expect(await diagnosticsOf(`${base}    deny: ecom.orders.getOrder\n    redactUnlessOwner: { owner: x, fields: [y] }\n`)).toEqual([
      { code: 'deny-obligation', line: 9, column: 5 },
    ]);
    expect(await diagnosticsOf(`${base}    allow: ecom.orders.cancelOrder\n    justification: t\n    redactUnlessOwner: { owner: x, fields: [y] }\n`)).toEqual([
      { code: 'obligation-not-applicable', line: 10, column: 5 },
    ]);
  });

  it('is shown by explain, with what it removes from a sample object', async () => {
    const { policy } = await policyFromYaml(policyYaml(REDACT));
    const member = callerFor(policy, 'MEMBER', 'm-1');
    const sample = { _id: 'o-4', buyerInfo: { memberId: 'm-2', email: 'g@example.com' }, billingInfo: { address: {} } };
    const e = await explainCall(policy, member, 'ecom.orders.getOrder', ['o-4'], sample);
    expect(e.obligations!.extensions).toEqual({ redactUnlessOwner: { owner: 'buyerInfo.memberId', redacted: ['billingInfo', 'buyerInfo.email'] } });
    expect(e.resource).toMatchObject({
      passes: true,
      fieldsRemoved: ['billingInfo', 'buyerInfo.email'],
      result: { _id: 'o-4', buyerInfo: { memberId: 'm-2' } },
    });
    const mine = await explainCall(policy, member, 'ecom.orders.getOrder', ['o-1'], { ...sample, buyerInfo: { memberId: 'm-1' } });
    expect(mine.resource!.fieldsRemoved).toEqual([]);
    const refused = await explainCall(policy, member, 'ecom.orders.searchOrders', [{ filter: { 'buyerInfo.email': 'g@example.com' } }]);
    expect(refused.decision.effect).toBe('allow');
    expect(refused.argumentsRefused).toEqual({ status: 403, code: 'FORBIDDEN', message: 'filter, sort or search on a field the caller may not read' });
  });

  it('is listed by the audit, and a change of it shows in the approval diff', async () => {
    const { policy } = await policyFromYaml(policyYaml(REDACT));
    const entries = permittedCalls(policy);
    expect(entries.map((e) => e.extensions)).toEqual([
      { redactUnlessOwner: { owner: 'buyerInfo.memberId', redacted: ['billingInfo', 'buyerInfo.email'] } },
      { redactUnlessOwner: { owner: 'buyerInfo.memberId', redacted: ['billingInfo', 'buyerInfo.email'] } },
    ]);
    expect(inventoryMarkdown(entries).split('\n')[0]).toContain('| registered obligations |');
    expect(inventoryMarkdown(entries)).toContain('"redacted":["billingInfo","buyerInfo.email"]');
    const { policy: narrower } = await policyFromYaml(policyYaml('    redactUnlessOwner: { owner: buyerInfo.memberId, fields: [billingInfo] }'));
    const { policy: none } = await policyFromYaml(policyYaml(''));
    const changed = diffInventory(entries, permittedCalls(narrower));
    expect(changed).toHaveLength(2);
    expect(changed[0]).toMatchObject({ kind: 'changed', fields: [{ field: 'extensions' }] });
    expect(diffInventory(entries, permittedCalls(none)).map((c) => c.fields!.map((f) => f.field))).toEqual([['extensions'], ['extensions']]);
  });

  it('is applied by the policy tests', async () => {
    const { policy } = await policyFromYaml(policyYaml(REDACT));
    const tests = `
cases:
  - name: another member's order comes without billing
    as: member:m-1
    call: ecom.orders.getOrder
    args: [o-4]
    resource: { _id: o-4, buyerInfo: { memberId: m-2, email: g@example.com }, billingInfo: { address: {} } }
    expect: allow
    fields: { absent: [billingInfo, buyerInfo.email], present: [buyerInfo.memberId] }
  - name: wrongly expects billing on another member's order
    as: member:m-1
    call: ecom.orders.getOrder
    args: [o-4]
    resource: { _id: o-4, buyerInfo: { memberId: m-2 }, billingInfo: { address: {} } }
    expect: allow
    fields: { present: [billingInfo] }
  - name: own orders keep billing in a list
    as: member:m-1
    call: ecom.orders.searchOrders
    args: [{}]
    items: [{ _id: o-1, buyerInfo: { memberId: m-1 }, billingInfo: { a: 1 } }]
    expect: allow
    fields: { present: [billingInfo] }
`;
    const diagnostics: Diagnostic[] = [];
    const cases = await loadPolicyTestText(tests, 't.yaml', policy, diagnostics);
    expect(diagnostics).toEqual([]);
    const results = await runPolicyTests(policy, cases);
    expect(results.map((r) => r.passed)).toEqual([true, false, true]);
    expect(results[1]!.problems).toEqual(['expected field "billingInfo" present, but the result lacks it']);
  });
});
