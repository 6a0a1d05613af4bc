// Explain is the gateway's own evaluation with a tracer: its decision is the engine's, and the
// condition trace it prints for each rule agrees with what the engine's matcher decided.
import { describe, expect, it } from 'vitest';
import { fixturePolicy, policyFromYaml } from '../../dev/testing/policy-fixture.ts';
import { PolicyEngine } from '../../gateway/decide.ts';
import { createEvaluator } from '../../gateway/evaluate.ts';
import * as generated from '../../../test/fixtures/shop/src/generated/policy.ts';
import { callerFor } from './caller-spec.ts';
import { explainCall } from './explain.ts';

const yaml = `
version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER], inherits: [visitor] }
rules:
  - id: member-searches-small-pages
    description: Members search with small pages and a status filter.
    roles: [member]
    allow: ecom.orders.searchOrders
    when:
      args.0.cursorPaging.limit: { $lte: 20 }
      $or:
        - { args.0.filter.status: { $in: [APPROVED, CANCELED] } }
        - { args.0.filter: { $exists: false } }
    resource: { buyerInfo.memberId: "\${caller.id}" }
  - id: no-archived-search
    description: Never search archived orders.
    roles: [visitor]
    deny: ecom.orders.searchOrders
    when: { args.0.filter.archived: true }
  - id: member-reads-order
    description: Members read their orders.
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
`;

describe('explainCall', () => {
  it('agrees with PolicyEngine on allows, failed conditions, deny rules, missing roles and unknown calls', async () => {
    const { policy } = await policyFromYaml(yaml);
    const engine = new PolicyEngine(policy);
    const evaluator = createEvaluator(policy);
    const member = callerFor(policy, 'MEMBER', 'm-1');
    const visitor = callerFor(policy, 'VISITOR', 'v-1');
    const cases: [typeof member, string, unknown[]][] = [
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 }, filter: { status: 'APPROVED' } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 }, filter: { status: 'INITIALIZED' } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 50 } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: '10' } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 }, filter: { archived: true } }]],
      [member, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 }, filter: { status: 'CANCELED', archived: [true] } }]],
      [visitor, 'ecom.orders.searchOrders', [{ cursorPaging: { limit: 10 } }]],
      [member, 'ecom.orders.getOrder', ['o-1']],
      [member, 'ecom.orders.cancelOrder', ['o-1', {}]],
      [callerFor(policy, 'APP', 'a'), 'ecom.orders.getOrder', ['o-1']],
    ];
    const verdicts: string[] = [];
    for (const [caller, call, args] of cases) {
      const e = await explainCall(policy, caller, call, args, undefined, evaluator);
      const engineSays = Object.hasOwn(policy.methods, call) ? engine.decide(caller, call, args).effect : 'deny';
      expect(e.decision.effect).toBe(engineSays);
      // The trace's verdict, from its matched rules, is the engine's; each rule's condition trace agrees with the engine's matcher.
      const traceEffect =
        Object.hasOwn(policy.methods, call) &&
        e.considered.some((c) => c.effect === 'allow' && c.matched) &&
        !e.considered.some((c) => c.effect === 'deny' && c.matched)
          ? 'allow'
          : 'deny';
      expect(traceEffect, `${call} ${JSON.stringify(args)}`).toBe(engineSays);
      for (const c of e.considered) expect(c.heldRoles.length > 0 && (c.when?.holds ?? true), c.rule).toBe(c.matched);
      verdicts.push(e.decision.effect);
    }
    expect(verdicts).toEqual(['allow', 'allow', 'deny', 'deny', 'deny', 'deny', 'allow', 'deny', 'allow', 'deny', 'deny']);
  });

  it('traces each field condition with path, operator, expected and actual', async () => {
    const { policy } = await policyFromYaml(yaml);
    const e = await explainCall(policy, callerFor(policy, 'MEMBER', 'm-1'), 'ecom.orders.searchOrders', [
      { cursorPaging: { limit: 50 }, filter: { status: 'APPROVED' } },
    ]);
    const rule = e.considered.find((c) => c.rule === 'member-searches-small-pages')!;
    expect(rule.when!.holds).toBe(false);
    expect(rule.when!.parts[0]).toMatchObject({ path: 'args.0.cursorPaging.limit', operator: '$lte', expected: 20, actual: 50, holds: false });
    expect(rule.when!.parts[1]).toMatchObject({ operator: '$or', holds: true });
    const deny = e.considered.find((c) => c.rule === 'no-archived-search')!;
    expect(deny.when!.parts[0]).toMatchObject({ path: 'args.0.filter.archived', operator: '$eq', expected: true, missing: true, holds: false });
    expect(e.obligations).toBeUndefined();
  });

  it('reports the obligations of the shipped member order search and checks a sample resource', async () => {
    const policy = generated.policy;
    const member = callerFor(policy, 'MEMBER', 'm-1');
    const e = await explainCall(policy, member, 'ecom.orders.searchOrders', [{}], { _id: 'o-4', buyerInfo: { memberId: 'm-2' } });
    expect(e.decision.effect).toBe('allow');
    expect(e.obligations).toMatchObject({ kind: 'list', filter: { 'buyerInfo.memberId': { $eq: 'm-1' } }, cap: 50, fields: null });
    expect(e.resource).toMatchObject({ passes: false });
    expect(e.resource!.perRule[0]!.trace!.parts[0]).toMatchObject({
      path: 'buyerInfo.memberId',
      written: '${caller.id}',
      expected: 'm-1',
      actual: 'm-2',
      holds: false,
    });

    const product = await explainCall(policy, callerFor(policy, 'VISITOR', 'v-1'), 'stores.productsV3.getProduct', ['p-001'], {
      _id: 'p-001',
      visible: true,
      costRange: { minValue: { amount: '1' } },
      variantsInfo: { variants: [{ revenueDetails: {} }] },
    });
    expect(product.resource).toMatchObject({ passes: true, fieldsRemoved: ['costRange', 'variantsInfo.variants.revenueDetails'] });

    const cancel = await explainCall(policy, member, 'ecom.orders.cancelOrder', ['o-1', { restockAllItems: true }]);
    expect(cancel.obligations).toMatchObject({
      kind: 'write-one',
      preload: { 'member-cancels-own-unfulfilled-order': 'ecom.orders.getOrder' },
      rateLimit: { 'member-cancels-own-unfulfilled-order': '5/minute' },
    });
    expect(cancel.argumentsRefused).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it("applies the argument schemas the gateway applies, with the gateway's message", async () => {
    const { policy } = await fixturePolicy('every-kind-of-call');
    const visitor = callerFor(policy, 'VISITOR', 'v-1');
    const smuggled = await explainCall(policy, visitor, 'stores.productsV3.queryProducts', [{}, { query: { filter: { visible: false } } }]);
    expect(smuggled.decision.effect).toBe('allow');
    expect(smuggled.argumentsRefused).toEqual({ status: 400, code: 'INVALID_REQUEST', message: 'args.1: unknown field "query" (accepted: fields)' });
    const fine = await explainCall(policy, visitor, 'stores.productsV3.queryProducts', [{ filter: { slug: 'a' } }, { fields: ['URL'] }]);
    expect(fine.argumentsRefused).toBeUndefined();
    expect(fine.obligations).toMatchObject({ filter: { visible: { $eq: true } }, cap: 20 });
  });
});
