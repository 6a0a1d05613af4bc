// The obligation plan: the allowing rules of a call and the method's kind in, one plan out (as
// CASL's permittedFieldsOf and rulesToCondition turn rules into one derived thing). This is the
// only module that knows how several allowing rules combine: enforcement executes the plan,
// explain and the audit print it, and none of them sees the rule list.
//
// Several allowing rules widen a grant: the caller gets what any one of them gives. So an
// obligation that restricts (resource conditions, a field mask, writable paths, a cap, a rate
// limit) holds only when every allowing rule sets it, and then as the union of theirs; presets
// hold whenever any rule sets one (they narrow nothing a caller could widen).
import type { CompiledPolicy, CompiledRule, FieldRule, RateLimit } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { obligationKind, ObligationRefusal, type ObligationKind } from '../contract/obligation-kind.ts';
import type { Conditions } from '../conditions/strict-matcher.ts';
import { ALL_FIELDS } from '../sdk/argument-schema.ts';
import type { MethodInfo, MethodKind } from '../sdk/method-info.ts';
import { fieldMask, type FieldMask } from './obligations/field-mask.ts';

/** The obligations the policy language has built in; printers and guards are exhaustive over them. */
export type BuiltInObligation = 'resource' | 'preload' | 'fields' | 'cap' | 'writable' | 'presets' | 'rateLimit' | 'timeout' | 'allowOptions';

export interface PlannedExtension {
  kind: ObligationKind;
  planned: unknown;
}

export interface ObligationPlan {
  call: string;
  kind: MethodKind;
  /** The allowing rules' ids, in policy order. */
  rules: readonly string[];
  /** Every allowing rule has resource conditions: each object is checked, and passes when one rule's hold. */
  resource?: { byRule: Readonly<Record<string, Conditions>>; rules: ReadonlySet<string> };
  /** A restricted write addressed by id: the reads that load its target first, each with the rules it checks for. */
  preload?: readonly { call: string; rules: ReadonlySet<string> }[];
  /** Every allowing rule has a field rule: a caller receives a field when one of them returns it. */
  fields?: { byRule: Readonly<Record<string, FieldRule>>; mask: FieldMask };
  /**
   * Allowing rules that return different fields, some of them only for the objects their resource
   * conditions let through: each object read gets the fields of the rules that let it through
   * (`null`: the rule returns whole objects). A member's own record whole, another's public profile
   * masked. A write's reply is judged by its preloaded target (without one, only the rules without
   * resource conditions let it through). Filters and sorts may then name only fields every one of
   * these rules returns.
   */
  objectFields?: { byRule: Readonly<Record<string, FieldRule | null>>; conditioned: ReadonlySet<string> };
  /** A list whose every allowing rule caps it: the largest of their caps. */
  cap?: number;
  /** Every allowing rule lists writable paths: any of them may be set, nothing else. */
  writable?: readonly string[];
  /** Argument values forced, as written (placeholders resolve per caller). */
  presets?: readonly { rule: string; path: string; value: unknown }[];
  /** Protection-disabling options some allowing rule names (with its justification): any other is refused. */
  allowOptions?: readonly string[];
  /** Every allowing rule is rate-limited: a call goes through when one of them has budget left. */
  rateLimit?: readonly { rule: string; limit: RateLimit }[];
  /** How long Wix may take, in milliseconds: the longest the rules set, else the policy's default. */
  timeoutMs: number;
  /** Registered obligation kinds the rules set, with their planned value. */
  extensions: readonly PlannedExtension[];
  /** Whether anything changes the objects a caller receives (then only items and paging are returned of a list). */
  changesObjects: boolean;
  /** The allowing rules themselves, for what binds to them as a whole: a cursor's fingerprint. */
  granted: readonly CompiledRule[];
}

type PlanInputs = Pick<CompiledPolicy, 'defaultTimeoutMs'>;

/** The plan of the allowing rules `rules` (in policy order) for a method. */
export function planObligations(rules: readonly CompiledRule[], info: Pick<MethodInfo, 'call' | 'kind' | 'replaces'>, policy: PlanInputs): ObligationPlan {
  const every = <T>(get: (r: CompiledRule) => T | undefined): T[] | undefined => {
    const values = rules.map(get);
    return rules.length > 0 && values.every((v) => v !== undefined) ? (values as T[]) : undefined;
  };
  const byRule = <T>(values: T[]) => Object.fromEntries(rules.map((r, i) => [r.id, values[i]!]));
  const plan: ObligationPlan = {
    call: info.call,
    kind: info.kind,
    rules: rules.map((r) => r.id),
    timeoutMs: policy.defaultTimeoutMs,
    extensions: [],
    changesObjects: false,
    granted: rules,
  };

  const resources = every((r) => r.resource);
  if (resources) plan.resource = { byRule: byRule(resources), rules: new Set(plan.rules) };
  // A restricted write by id, or one that replaces its object whole (what the caller may not write is kept from it).
  if ((resources || info.replaces !== undefined) && info.kind === 'write-one') {
    const groups = new Map<string, Set<string>>();
    for (const r of rules) {
      if (r.preload === undefined) continue; // the compiler requires one: a rule without it never passes
      groups.set(r.preload, (groups.get(r.preload) ?? new Set()).add(r.id));
    }
    plan.preload = [...groups].map(([call, ids]) => ({ call, rules: ids }));
  }
  const fields = every((r) => r.fields);
  if (fields) plan.fields = { byRule: byRule(fields), mask: fieldMask(fields) };
  const conditioned = rules.filter((r) => r.resource !== undefined);
  const distinct = new Set(rules.map((r) => JSON.stringify(r.fields ?? null)));
  if (conditioned.length > 0 && distinct.size > 1 && (info.kind === 'read-one' || info.kind === 'list' || info.kind === 'write-one')) {
    plan.objectFields = { byRule: Object.fromEntries(rules.map((r) => [r.id, r.fields ?? null])), conditioned: new Set(conditioned.map((r) => r.id)) };
  }
  const caps = every((r) => r.cap);
  if (caps && info.kind === 'list') plan.cap = Math.max(...caps);
  const writable = every((r) => r.writable);
  if (writable) plan.writable = writable.flat();
  const presets = rules.flatMap((r) => Object.entries(r.presets ?? {}).map(([path, value]) => ({ rule: r.id, path, value })));
  if (presets.length) plan.presets = presets;
  const allowOptions = [...new Set(rules.flatMap((r) => r.allowOptions ?? []))].sort();
  if (allowOptions.length) plan.allowOptions = allowOptions;
  const limits = every((r) => r.rateLimit);
  if (limits) plan.rateLimit = rules.map((r, i) => ({ rule: r.id, limit: limits[i]! }));
  const timeouts = rules.map((r) => r.timeoutMs).filter((t): t is number => t !== undefined);
  if (timeouts.length) plan.timeoutMs = Math.max(...timeouts);

  const keys = [...new Set(rules.flatMap((r) => Object.keys(r.extensions ?? {})))].sort();
  const extensions: PlannedExtension[] = [];
  for (const key of keys) {
    const kind = obligationKind(key);
    // verifyPolicyModule refuses such a policy first; never plan around an obligation nobody enforces.
    if (!kind) throw new Error(`obligation kind "${key}" is not registered`);
    const planned = kind.combine(rules.map((r) => (r.extensions && Object.hasOwn(r.extensions, key) ? r.extensions[key] : undefined)));
    if (planned !== undefined) extensions.push({ kind, planned });
  }
  plan.extensions = extensions;
  plan.changesObjects = plan.fields !== undefined || plan.objectFields !== undefined || extensions.some((e) => e.kind.onObject);
  return freezePlan(plan);
}

/** A plan is shared by every request it serves: nothing (a tracer, a kind's hook) may change it. */
function freezePlan(plan: ObligationPlan): ObligationPlan {
  const deep = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const x of Object.values(v)) deep(x);
  };
  deep(plan.resource?.byRule);
  deep(plan.preload);
  deep(plan.fields?.byRule);
  deep(plan.writable);
  deep(plan.presets);
  deep(plan.rateLimit);
  deep(plan.allowOptions);
  for (const e of plan.extensions) deep(e.planned);
  Object.freeze(plan.extensions.map(Object.freeze));
  Object.freeze(plan.extensions);
  if (plan.fields) Object.freeze(plan.fields);
  if (plan.resource) Object.freeze(plan.resource);
  Object.freeze(plan.rules);
  Object.freeze(plan.granted);
  return Object.freeze(plan);
}

/** At most this many plans are kept per policy; past it a plan is derived again each time (a policy rarely has more). */
const MAX_PLANS = 1000;

/** Plans kept per policy: one per call and set of allowing rules (a policy has few), found by the rules themselves. */
export function createPlanner(policy: PlanInputs & Pick<CompiledPolicy, 'methods'>): (rules: readonly CompiledRule[], call: string) => ObligationPlan {
  // A trie over the allowing rules (in policy order), one per call: no key is built per request.
  interface Node {
    plan?: ObligationPlan;
    next: Map<CompiledRule, Node>;
  }
  const roots = new Map<string, Node>();
  let kept = 0;
  const derive = (rules: readonly CompiledRule[], call: string) => {
    const info = policy.methods[call];
    if (!info) throw new Error(`no method info for ${call}`);
    return planObligations(rules, info, policy);
  };
  return (rules, call) => {
    let node = roots.get(call);
    for (const rule of rules) node = node?.next.get(rule);
    if (node?.plan) return node.plan;
    const plan = derive(rules, call);
    if (kept >= MAX_PLANS) return plan;
    let at: Node | undefined = roots.get(call);
    if (!at) roots.set(call, (at = { next: new Map() }));
    for (const rule of rules) {
      let child: Node | undefined = at.next.get(rule);
      if (!child) at.next.set(rule, (child = { next: new Map() }));
      at = child;
    }
    at.plan = plan;
    kept++;
    return plan;
  };
}

type FieldGuard = ((plan: ObligationPlan, path: string) => boolean) | null;

const masks = new WeakMap<FieldRule, FieldMask>();
/** One rule's own mask (kept with the rule's field rule, which the frozen plan holds). */
function ruleMask(rule: FieldRule): FieldMask {
  let mask = masks.get(rule);
  if (!mask) masks.set(rule, (mask = fieldMask([rule])));
  return mask;
}

/**
 * The mask for an object the rules `passing` let through (`objectFields`): undefined when one of
 * them returns whole objects; cached per set of rules.
 */
export function objectMask(plan: ObligationPlan, passing: readonly string[]): FieldMask | undefined {
  const rules = passing.map((id) => plan.objectFields!.byRule[id]);
  if (rules.some((f) => f === null || f === undefined)) return undefined;
  const key = passing.join('\n');
  let cache = objectMasks.get(plan);
  if (!cache) objectMasks.set(plan, (cache = new Map()));
  let mask = cache.get(key);
  if (!mask) cache.set(key, (mask = fieldMask(rules as FieldRule[])));
  return mask;
}
const objectMasks = new WeakMap<ObligationPlan, Map<string, FieldMask>>();

/**
 * Which built-in obligations limit the fields a caller may filter, sort or search on (as in
 * Hasura, only fields it may read: a filter on a removed field would answer what the mask hides).
 * `null`: the obligation hides no field.
 */
const FIELD_GUARDS = {
  resource: null,
  preload: null,
  fields: (plan, path) =>
    (!plan.fields || (path !== ALL_FIELDS && plan.fields.mask.permits(path))) &&
    (!plan.objectFields || Object.values(plan.objectFields.byRule).every((f) => f === null || (path !== ALL_FIELDS && ruleMask(f).permits(path)))),
  cap: null,
  writable: null,
  presets: null,
  rateLimit: null,
  timeout: null,
  allowOptions: null,
} satisfies Record<BuiltInObligation, FieldGuard>;

/** Whether the caller may filter or sort on a field path (`*`: a free-text search over every field). */
export function readableField(plan: ObligationPlan, path: string, caller: Caller): boolean {
  for (const guard of Object.values(FIELD_GUARDS) as FieldGuard[]) if (guard && !guard(plan, path)) return false;
  for (const { kind, planned } of plan.extensions) {
    // A kind that changes objects hides something: a search over every field could find it.
    if (kind.onObject && path === ALL_FIELDS) return false;
    // A kind's own refusal here means "not readable"; anything else it throws is a failure (500).
    let readable: boolean;
    try {
      readable = kind.readable ? kind.readable(planned, path, caller) === true : true;
    } catch (e) {
      if (e instanceof ObligationRefusal) return false;
      throw e;
    }
    if (!readable) return false;
  }
  return true;
}
