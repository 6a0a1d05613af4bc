// How several allowing rules combine into one plan: a restriction holds only when every rule sets
// it (a grant widens), as the union of theirs; presets whenever any rule sets one.
import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledRule } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { registerObligationKind } from '../contract/obligation-kind.ts';
import { createPlanner, planObligations, readableField } from './obligation-plan.ts';

const rule = (id: string, over: Partial<CompiledRule> = {}): CompiledRule => ({
  id,
  description: id,
  effect: 'allow',
  roles: ['member'],
  call: 'ecom.orders.searchOrders',
  source: { file: 'p.yaml', line: 1, column: 1 },
  ...over,
});
const list = { call: 'ecom.orders.searchOrders', kind: 'list' } as const;
const write = { call: 'ecom.orders.cancelOrder', kind: 'write-one' } as const;
const defaults = { defaultTimeoutMs: 10_000 };
const member: Caller = { subjectType: 'MEMBER', id: 'm-1', roles: ['member'] };

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

describe('planObligations', () => {
  it('restricts objects only when every allowing rule has resource conditions', () => {
    const own = rule('own', { resource: { 'buyerInfo.memberId': '${caller.id}' } });
    const approved = rule('approved', { resource: { status: 'APPROVED' } });
    expect(planObligations([own, approved], list, defaults).resource).toEqual({
      byRule: { own: own.resource, approved: approved.resource },
      rules: new Set(['own', 'approved']),
    });
    expect(planObligations([own, rule('any')], list, defaults).resource).toBeUndefined();
  });

  it('groups the preloads of a restricted write by the read they use', () => {
    const a = rule('a', { resource: { x: 1 }, preload: 'ecom.orders.getOrder' });
    const b = rule('b', { resource: { y: 1 }, preload: 'ecom.orders.getOrder' });
    const c = rule('c', { resource: { z: 1 }, preload: 'ecom.orderFulfillments.getOrder' });
    expect(planObligations([a, b, c], write, defaults).preload).toEqual([
      { call: 'ecom.orders.getOrder', rules: new Set(['a', 'b']) },
      { call: 'ecom.orderFulfillments.getOrder', rules: new Set(['c']) },
    ]);
    expect(planObligations([a], list, defaults).preload).toBeUndefined();
  });

  it('masks fields only when every rule has a field rule, returning what any of them returns', () => {
    const plan = planObligations([rule('a', { fields: { allow: ['_id', 'number'] } }), rule('b', { fields: { deny: ['buyerInfo'] } })], list, defaults);
    expect(plan.fields!.byRule).toEqual({ a: { allow: ['_id', 'number'] }, b: { deny: ['buyerInfo'] } });
    expect(plan.fields!.mask.apply({ _id: 'o', buyerInfo: { email: 'e' }, total: 1 })).toEqual({ value: { _id: 'o', total: 1 }, removed: ['buyerInfo'] });
    expect(planObligations([rule('a', { fields: { allow: ['_id'] } }), rule('b')], list, defaults).fields).toBeUndefined();
    expect(plan.changesObjects).toBe(true);
  });

  it('caps lists at the largest cap when every rule caps, and never other kinds', () => {
    expect(planObligations([rule('a', { cap: 10 }), rule('b', { cap: 50 })], list, defaults).cap).toBe(50);
    expect(planObligations([rule('a', { cap: 10 }), rule('b')], list, defaults).cap).toBeUndefined();
    expect(planObligations([rule('a', { cap: 10 })], write, defaults).cap).toBeUndefined();
  });

  it('unions writable paths, keeps every preset, and rate-limits only when every rule does', () => {
    const limit = (count: number) => ({ count, windowSeconds: 60, text: `${count}/minute` });
    const a = rule('a', { writable: ['args.1.x'], presets: { 'args.1.owner': '${caller.id}' }, rateLimit: limit(5) });
    const b = rule('b', { writable: ['args.1.y'], rateLimit: limit(9) });
    const plan = planObligations([a, b], write, defaults);
    expect(plan.writable).toEqual(['args.1.x', 'args.1.y']);
    expect(plan.presets).toEqual([{ rule: 'a', path: 'args.1.owner', value: '${caller.id}' }]);
    expect(plan.rateLimit).toEqual([
      { rule: 'a', limit: limit(5) },
      { rule: 'b', limit: limit(9) },
    ]);
    const open = planObligations([a, rule('c')], write, defaults);
    expect(open.writable).toBeUndefined();
    expect(open.rateLimit).toBeUndefined();
    expect(open.presets).toHaveLength(1);
  });

  it("takes the longest timeout a rule sets, else the policy's default", () => {
    expect(planObligations([rule('a', { timeoutMs: 2000 }), rule('b', { timeoutMs: 5000 }), rule('c')], list, defaults).timeoutMs).toBe(5000);
    expect(planObligations([rule('a')], list, defaults).timeoutMs).toBe(10_000);
  });

  it("gives a registered kind each rule's value to combine, and refuses a kind nobody registered", () => {
    const seen: unknown[][] = [];
    cleanup.push(
      registerObligationKind({
        key: 'planTestKind',
        description: 'test',
        schema: {} as never,
        combine: (configs) => (seen.push([...configs]), configs.every((c) => c !== undefined) ? configs : undefined),
        describe: (p) => p,
      }),
    );
    const plan = planObligations([rule('a', { extensions: { planTestKind: 1 } }), rule('b', { extensions: { planTestKind: 2 } })], list, defaults);
    expect(plan.extensions.map((e) => [e.kind.key, e.planned])).toEqual([['planTestKind', [1, 2]]]);
    expect(planObligations([rule('a', { extensions: { planTestKind: 1 } }), rule('b')], list, defaults).extensions).toEqual([]);
    expect(seen).toEqual([
      [1, 2],
      [1, undefined],
    ]);
    expect(plan.changesObjects).toBe(false);
    // Shared by every request: frozen, what the kinds planned included.
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.extensions) && Object.isFrozen(plan.extensions[0]!.planned)).toBe(true);
    expect(() => planObligations([rule('a', { extensions: { nobodys: 1 } })], list, defaults)).toThrow('obligation kind "nobodys" is not registered');
  });
});

describe('readableField (the filter guard)', () => {
  it('admits what the mask returns, refuses what it removes and a search over every field', () => {
    const plan = planObligations([rule('a', { fields: { deny: ['buyerInfo.email'] } })], list, defaults);
    expect(readableField(plan, 'status', member)).toBe(true);
    expect(readableField(plan, 'buyerInfo.email', member)).toBe(false);
    expect(readableField(plan, 'buyerInfo', member)).toBe(false);
    expect(readableField(plan, '*', member)).toBe(false);
    const open = planObligations([rule('a')], list, defaults);
    expect(readableField(open, '*', member)).toBe(true);
  });

  it('asks a registered kind, and refuses a full-text search when the kind changes objects', () => {
    cleanup.push(
      registerObligationKind({
        key: 'hidesSecret',
        description: 'test',
        schema: {} as never,
        combine: () => true,
        describe: () => true,
        methodKinds: ['list'],
        onObject: (_p, value) => ({ value, removed: [] }),
        readable: (_p, path) => path !== 'secret',
      }),
    );
    const plan = planObligations([rule('a', { extensions: { hidesSecret: true } })], list, defaults);
    expect(readableField(plan, 'status', member)).toBe(true);
    expect(readableField(plan, 'secret', member)).toBe(false);
    expect(readableField(plan, '*', member)).toBe(false);
    expect(plan.changesObjects).toBe(true);
  });
});

describe('createPlanner', () => {
  it('plans each set of allowing rules once', () => {
    const rules = [rule('a', { cap: 5 })];
    const planFor = createPlanner({ ...defaults, methods: { [list.call]: list as never } });
    expect(planFor(rules, list.call)).toBe(planFor(rules, list.call));
    expect(planFor(rules, list.call).cap).toBe(5);
    expect(() => planFor(rules, 'ecom.orders.nothing')).toThrow('no method info');
  });
});

describe('registerObligationKind', () => {
  it('refuses built-in keys, malformed keys, a key taken twice, and a kind that changes objects without a filter guard or method kinds', () => {
    const base = { description: 'x', schema: {} as never, combine: () => undefined, describe: () => null };
    expect(() => registerObligationKind({ ...base, key: 'fields' })).toThrow('built-in rule key');
    expect(() => registerObligationKind({ ...base, key: 'Bad-Key' })).toThrow('lower-camel-case');
    cleanup.push(registerObligationKind({ ...base, key: 'onceOnly' }));
    expect(() => registerObligationKind({ ...base, key: 'onceOnly' })).toThrow('already registered');
    const onObject = (_p: unknown, value: unknown) => ({ value, removed: [] });
    expect(() => registerObligationKind({ ...base, key: 'noGuard', onObject } as never)).toThrow('which fields stay readable');
    expect(() => registerObligationKind({ ...base, key: 'noKinds', onObject, readable: () => true } as never)).toThrow('name the method kinds');
  });
});
