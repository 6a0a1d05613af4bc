// Synthetic policies of any size over real SDK methods (names and MethodDescription from the installed
// packages' catalogue), and the random requests the benchmarks decide. Deterministic: the same
// seed gives the same policy and the same requests, so every engine sees the same workload.
//
// Rule i targets method i mod M and role ⌊i / M⌋: role-0 (held by VISITOR) gets exactly one rule
// per method whatever the size, the other roles (held by MEMBER, USER, APP in turn) pile up as the
// policy grows. Every rule has a `when` on the arguments: `args.0.cursorPaging.limit ≤ L`.
import { SUBJECT_TYPES, type CompiledPolicy, type CompiledRule, type DecisionPolicy, type SubjectType } from '../src/contract/compiled-policy.ts';
import type { MethodDescription } from '../src/sdk/method-info.ts';
import { restMethodsOf } from '../src/sdk/catalogue.ts';
import { describeCalls } from '../src/sdk/probe.ts';
import type { Caller } from '../src/contract/caller.ts';
import { mulberry32 } from '../src/dev/prng.ts';

export const NAMESPACES = [
  'ecom.orders',
  'ecom.checkout',
  'ecom.cart',
  'ecom.currentCart',
  'ecom.draftOrders',
  'ecom.orderFulfillments',
  'ecom.discountRules',
  'ecom.giftVouchers',
  'ecom.orderTransactions',
  'ecom.abandonedCheckouts',
  'stores.productsV3',
  'stores.inventoryItemsV3',
  'stores.products',
  'stores.collections',
  'stores.brandsV3',
  'stores.customizationsV3',
  'stores.ribbonsV3',
  'stores.infoSectionsV3',
];

/** Every dispatchable REST method of the namespaces above, as the policy compiler describes it. */
export async function realMethods(): Promise<MethodDescription[]> {
  const calls: string[] = [];
  for (const module of NAMESPACES) for (const method of await restMethodsOf(module)) calls.push(`${module}.${method}`);
  const infos: MethodDescription[] = [];
  for (const described of (await describeCalls(calls)).values()) if (described.ok) infos.push(described.info);
  if (infos.length < 100) throw new Error(`only ${infos.length} SDK methods found: are @wix/ecom and @wix/stores installed?`);
  return infos;
}

/** role-0 → VISITOR; the others → MEMBER, USER, APP in turn. */
export function subjectOfRole(r: number): SubjectType {
  return r === 0 ? 'VISITOR' : (['MEMBER', 'USER', 'APP'] as const)[(r - 1) % 3]!;
}

/** The page-size bound of rule i (10, 20, … 100). */
export const limitOfRule = (i: number) => 10 * (1 + ((i * 7) % 10));

/** What the decision benchmarks need of a policy: the rules, the roles, the methods it names. */
export interface SyntheticPolicy extends DecisionPolicy {
  roles: CompiledPolicy['roles'];
  methods: Record<string, MethodDescription>;
}

export function syntheticPolicy(size: number, methods: MethodDescription[]): SyntheticPolicy {
  const M = methods.length;
  const roleCount = Math.ceil(size / M);
  const roles: CompiledPolicy['roles'] = {};
  const subjectRoles = Object.fromEntries(SUBJECT_TYPES.map((s) => [s, [] as string[]])) as Record<SubjectType, string[]>;
  for (let r = 0; r < roleCount; r++) {
    roles[`role-${r}`] = { subjects: [subjectOfRole(r)], inherits: [] };
    subjectRoles[subjectOfRole(r)].push(`role-${r}`);
  }
  const rules: CompiledRule[] = [];
  const used: Record<string, MethodDescription> = {};
  for (let i = 0; i < size; i++) {
    const info = methods[i % M]!;
    used[info.call] = info;
    rules.push({
      id: `rule-${i}`,
      description: `synthetic rule ${i}`,
      effect: 'allow',
      roles: [`role-${Math.floor(i / M)}`],
      call: info.call,
      when: { 'args.0.cursorPaging.limit': { $lte: limitOfRule(i) } },
      source: { file: 'synthetic.yaml', line: i + 1, column: 1 },
    });
  }
  return { roles, subjectRoles, rules, methods: used };
}

export interface SyntheticRequest {
  caller: Caller;
  call: string;
  args: unknown[];
}

/** A small, fast, seedable PRNG (mulberry32). */
export const random = mulberry32;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

function randomArgs(rnd: () => number): unknown[] {
  const x = rnd();
  if (x < 0.8) return [{ cursorPaging: { limit: Math.floor(rnd() * 120) } }];
  if (x < 0.9) return [{ cursorPaging: {} }];
  return [];
}

export function callerOf(subjectType: SubjectType, policy: SyntheticPolicy): Caller {
  return { subjectType, id: `${subjectType.toLowerCase()}-1`, roles: policy.subjectRoles[subjectType] ?? [] };
}

/** Requests from any subject type on the policy's calls (and a few calls it never names). */
export function randomRequests(policy: SyntheticPolicy, methods: MethodDescription[], count: number, seed = 1): SyntheticRequest[] {
  const rnd = random(seed);
  const named = Object.keys(policy.methods);
  const all = methods.map((m) => m.call);
  return Array.from({ length: count }, () => ({
    caller: callerOf(pick(rnd, ['VISITOR', 'MEMBER', 'USER', 'APP'] as const), policy),
    call: rnd() < 0.9 ? pick(rnd, named) : pick(rnd, all),
    args: randomArgs(rnd),
  }));
}

/**
 * The fixed probe of the decision-cost benchmark: a visitor on the first ten methods, which hold
 * exactly one visitor rule at every size, so only the rules that do not concern the call change.
 */
export function probeRequests(policy: SyntheticPolicy, methods: MethodDescription[], count: number, seed = 2): SyntheticRequest[] {
  const rnd = random(seed);
  const caller = callerOf('VISITOR', policy);
  return Array.from({ length: count }, () => ({
    caller,
    call: methods[Math.floor(rnd() * 10)]!.call,
    args: randomArgs(rnd),
  }));
}
