// The engine alone, on hand-written compiled rules: deny by default, roles, strict conditions,
// deny rules first, several allowing rules in policy order, resource checks limited to the rules
// named, and a tracer that sees every rule naming the call without changing the decision.
import { describe, expect, it } from 'vitest';
import type { CompiledRule, DecisionPolicy, SubjectType } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { NO_RULE_GRANTS, PolicyEngine, type RuleTrace } from './decide.ts';

const at = { file: 'p.yaml', line: 1, column: 1 };
const rule = (id: string, over: Partial<CompiledRule>): CompiledRule => ({
  id,
  description: id,
  effect: 'allow',
  roles: ['member'],
  call: 'ecom.orders.searchOrders',
  source: at,
  ...over,
});
const policy = (rules: CompiledRule[]): DecisionPolicy => ({
  rules,
  subjectRoles: { VISITOR: ['visitor'], MEMBER: ['member', 'visitor'], USER: ['staff'], APP: [], UNKNOWN: [] },
});
const caller = (subjectType: SubjectType, id = 'x'): Caller => ({
  subjectType,
  id,
  roles: policy([]).subjectRoles[subjectType],
});
const member = caller('MEMBER', 'm-1');

describe('PolicyEngine.decide', () => {
  it('a deny rule whose condition names an attribute the caller has no value for holds (a negative test on nothing never lets a call through)', () => {
    const engine = new PolicyEngine(
      policy([
        rule('allow', {}),
        rule('not-my-site', { effect: 'deny', call: 'ecom.orders.*', when: { 'args.0.filter.siteId': { $ne: '${caller.siteId}' } } }),
      ]),
    );
    const args = [{ filter: { siteId: 's-1' } }];
    expect(engine.decide({ ...member, siteId: 's-1' }, 'ecom.orders.searchOrders', args)).toMatchObject({ effect: 'allow' });
    expect(engine.decide({ ...member, siteId: 's-2' }, 'ecom.orders.searchOrders', args)).toMatchObject({ effect: 'deny', reason: 'deny rule "not-my-site"' });
    expect(engine.decide(member, 'ecom.orders.searchOrders', args)).toMatchObject({ effect: 'deny', reason: 'deny rule "not-my-site"' });
  });

  it('denies by default: no rule for the call, or none for the caller', () => {
    const engine = new PolicyEngine(policy([rule('a', { roles: ['staff'] })]));
    expect(engine.decide(member, 'ecom.orders.getOrder', [])).toMatchObject({ effect: 'deny', reason: NO_RULE_GRANTS });
    expect(engine.decide(member, 'ecom.orders.searchOrders', [])).toMatchObject({ effect: 'deny', reason: NO_RULE_GRANTS });
    expect(engine.grantsAny(member, 'ecom.orders.searchOrders')).toBe(false);
    expect(engine.grantsAny(caller('USER'), 'ecom.orders.searchOrders')).toBe(true);
    expect(engine.decide({ ...member, subjectType: 'ROBOT' as SubjectType }, 'ecom.orders.searchOrders', [])).toMatchObject({ effect: 'deny' });
  });

  it('matches conditions strictly: a string is not the number it spells, and placeholders resolve to the caller', () => {
    const engine = new PolicyEngine(
      policy([rule('small', { when: { 'args.0.limit': { $lte: 20 } } }), rule('own', { call: 'ecom.orders.getOrder', when: { 'args.0': '${caller.id}' } })]),
    );
    expect(engine.decide(member, 'ecom.orders.searchOrders', [{ limit: 10 }]).effect).toBe('allow');
    expect(engine.decide(member, 'ecom.orders.searchOrders', [{ limit: '10' }])).toMatchObject({ effect: 'deny', reason: "no allow rule's conditions hold" });
    expect(engine.decide(member, 'ecom.orders.searchOrders', [{ limit: [10] }]).effect).toBe('deny');
    expect(engine.decide(member, 'ecom.orders.getOrder', ['m-1']).effect).toBe('allow');
    expect(engine.decide(member, 'ecom.orders.getOrder', ['m-2']).effect).toBe('deny');
  });

  it('lets a deny rule win, by exact call or pattern, only for its roles and when its condition holds', () => {
    const engine = new PolicyEngine(
      policy([
        rule('search', {}),
        rule('no-archived', { effect: 'deny', roles: ['visitor'], call: 'ecom.orders.*', when: { 'args.0.archived': true } }),
        rule('staff-never', { effect: 'deny', roles: ['staff'], call: '*' }),
      ]),
    );
    expect(engine.decide(member, 'ecom.orders.searchOrders', [{}]).effect).toBe('allow');
    expect(engine.decide(member, 'ecom.orders.searchOrders', [{ archived: true }])).toMatchObject({
      effect: 'deny',
      rule: { id: 'no-archived' },
      reason: 'deny rule "no-archived"',
    });
  });

  it('gives every allowing rule in policy order, the first deciding', () => {
    const engine = new PolicyEngine(policy([rule('first', {}), rule('never', { when: { 'args.0.x': 1 } }), rule('second', {})]));
    const d = engine.decide(member, 'ecom.orders.searchOrders', [{}]);
    expect(d.effect).toBe('allow');
    if (d.effect !== 'allow') return;
    expect(d.rules.map((r) => r.id)).toEqual(['first', 'second']);
    expect(d.decidingRule.id).toBe('first');
  });

  it('checks an object against the resource conditions of the rules named only', () => {
    const engine = new PolicyEngine(
      policy([rule('own', { resource: { 'buyerInfo.memberId': '${caller.id}' } }), rule('approved', { resource: { status: 'APPROVED' } })]),
    );
    const own = { buyerInfo: { memberId: 'm-1' }, status: 'x' };
    const approved = { buyerInfo: { memberId: 'm-2' }, status: 'APPROVED' };
    expect(engine.resourcePermitted(member, 'ecom.orders.searchOrders', new Set(['own']), own)).toBe(true);
    expect(engine.resourcePermitted(member, 'ecom.orders.searchOrders', new Set(['own']), approved)).toBe(false);
    expect(engine.resourcePermitted(member, 'ecom.orders.searchOrders', new Set(['own', 'approved']), approved)).toBe(true);
    for (const notAnObject of [null, 'm-1', [own], 42])
      expect(engine.resourcePermitted(member, 'ecom.orders.searchOrders', new Set(['own']), notAnObject)).toBe(false);
  });

  it('reports every rule naming the call to a tracer, those of roles the caller lacks too, and decides the same', () => {
    const rules = [
      rule('search', { when: { 'args.0.limit': { $lte: 5 } } }),
      rule('staff-search', { roles: ['staff'] }),
      rule('no-archived', { effect: 'deny', roles: ['visitor'], call: 'ecom.orders.*', when: { 'args.0.archived': true } }),
      rule('other-call', { call: 'ecom.orders.getOrder' }),
    ];
    const engine = new PolicyEngine(policy(rules));
    for (const args of [[{ limit: 1 }], [{ limit: 9 }], [{ limit: 1, archived: true }]] as { limit: number; archived?: boolean }[][]) {
      const traces: RuleTrace[] = [];
      const traced = engine.decide(member, 'ecom.orders.searchOrders', args, { rule: (t) => traces.push(t) });
      expect(traced).toEqual(engine.decide(member, 'ecom.orders.searchOrders', args));
      const byId = Object.fromEntries(traces.map((t) => [t.rule.id, { applies: t.applies, matched: t.matched }]));
      expect(Object.keys(byId).sort()).toEqual(['no-archived', 'search', 'staff-search']);
      expect(byId['staff-search']).toEqual({ applies: false, matched: false });
      expect(byId['search']!.matched).toBe(args[0]!.limit <= 5);
      expect(byId['no-archived']!.matched).toBe(args[0]!.archived === true);
    }
  });
});
