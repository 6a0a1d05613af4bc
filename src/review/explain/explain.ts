// `elevate explain`: the decision the gateway would make for a caller, a call and its arguments,
// and why. The decision comes from the real PolicyEngine; the condition traces, the obligations
// and the sample-resource check reuse the gateway's own obligation code. Offline: no Wix call.
import type { CompiledPolicy, CompiledRule, FieldRule } from '../../contract/compiled-policy';
import type { MethodInfo } from '../../sdk/method-info';
import { matchesCallPattern } from '../../conditions/call-pattern';
import { interpolate } from '../../conditions/placeholders';
import { PolicyEngine, type Decision } from '../../gateway/decide';
import type { Caller } from '../../gateway/caller';
import { forcedFilter } from '../../gateway/obligations/forced-filter';
import { fieldMaskFor } from '../../gateway/obligations/field-mask';
import { admitArguments } from '../../gateway/enforce';
import { queryShape } from '../../sdk/query-shape';
import { GatewayError } from '../../gateway/errors';
import { traceConditions, type ConditionTrace } from './condition-trace';

export interface ConsideredRule {
  rule: string;
  effect: 'allow' | 'deny';
  call: string;
  roles: string[];
  /** The caller's roles this rule names (empty: the rule does not apply to this caller). */
  heldRoles: string[];
  when: ConditionTrace | null;
  /** Whether the rule took part: it applies to the caller and its `when` holds. */
  matched: boolean;
}

export interface Obligations {
  kind: MethodInfo['kind'];
  /** List calls: the Wix filter the gateway forces onto the query (`$and` with the client's). */
  filter?: unknown;
  filterNote?: string;
  cap?: number;
  /** Field rules of the allowing rules; null: whole objects are returned. */
  fields: Record<string, FieldRule> | null;
  /** Writes addressed by id: the read that loads the target first, per rule. */
  preload?: Record<string, string>;
  /** Resource conditions each allowing rule checks (on the read, the items or the preloaded target). */
  resource?: Record<string, Record<string, unknown>>;
  writable?: string[];
  /** Argument values forced, with placeholders resolved for this caller. */
  presets?: Record<string, unknown>;
  rateLimit?: Record<string, string>;
  /** Arguments that the SDK puts into the URL path and must be plain ids. */
  pathArgs: string[];
}

export interface ResourceVerdict {
  /** From PolicyEngine.resourcePermitted: the gateway's own check. */
  passes: boolean;
  perRule: { rule: string; trace: ConditionTrace | null }[];
  /** Paths the field mask removes from the sample. */
  fieldsRemoved: string[];
  result: unknown;
}

export interface Explanation {
  caller: Caller;
  call: string;
  args: unknown[];
  decision: Decision;
  /** Deny reason when the gateway would refuse before asking the engine. */
  considered: ConsideredRule[];
  obligations?: Obligations;
  /** When the decision allows but argument checks would refuse the request. */
  argumentsRefused?: { status: number; code: string; message: string };
  resource?: ResourceVerdict;
  /** The trace's own verdict, which a test keeps equal to the engine's. */
  traceEffect: 'allow' | 'deny';
}

export function explainCall(
  policy: CompiledPolicy,
  caller: Caller,
  call: string,
  args: unknown[],
  sample?: unknown,
  engine = new PolicyEngine(policy),
): Explanation {
  const held = new Set(caller.roles);
  const considered: ConsideredRule[] = policy.rules
    .filter((r) => (r.effect === 'allow' ? r.call === call : matchesCallPattern(r.call, call)))
    .map((r) => {
      const heldRoles = r.roles.filter((x) => held.has(x));
      const when = r.when ? traceConditions(r.when, { args }, caller) : null;
      return { rule: r.id, effect: r.effect, call: r.call, roles: r.roles, heldRoles, when, matched: heldRoles.length > 0 && (when?.holds ?? true) };
    });

  // As the gateway does: only calls the policy names exist; then the engine decides.
  const known = Object.hasOwn(policy.methods, call);
  const decision: Decision = known ? engine.decide(caller, call, structuredClone(args)) : { effect: 'deny', call, reason: 'no rule grants this call' };
  const anyAllow = considered.some((c) => c.effect === 'allow' && c.matched);
  const anyDeny = considered.some((c) => c.effect === 'deny' && c.matched);
  const traceEffect = known && anyAllow && !anyDeny ? 'allow' : 'deny';

  const explanation: Explanation = { caller, call, args, decision, considered, traceEffect };
  if (decision.effect !== 'allow') return explanation;

  const info = policy.methods[call]!;
  const rules = decision.rules;
  explanation.obligations = obligationsOf(info, rules, caller);
  try {
    admitArguments(info, rules, args, caller);
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    explanation.argumentsRefused = { status: e.status, code: e.code, message: e.reason ?? e.message };
  }
  if (sample !== undefined) explanation.resource = resourceVerdict(engine, caller, call, rules, sample);
  return explanation;
}

function obligationsOf(info: MethodInfo, rules: CompiledRule[], caller: Caller): Obligations {
  const restricted = rules.every((r) => r.resource !== undefined);
  const out: Obligations = {
    kind: info.kind,
    fields: rules.every((r) => r.fields) ? Object.fromEntries(rules.map((r) => [r.id, r.fields!])) : null,
    pathArgs: info.pathArgs.map((p) => `args.${p}`),
  };
  if (restricted) out.resource = Object.fromEntries(rules.map((r) => [r.id, r.resource!]));
  if (info.kind === 'list' && restricted) {
    try {
      const filter = forcedFilter(
        rules.map((r) => r.resource),
        caller,
        queryShape(info.signature, info.list!.queryArg).filter,
        { complete: true },
      );
      if (filter) out.filter = filter;
      else out.filterNote = 'the conditions have no Wix filter equivalent: every returned item is re-checked instead';
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      out.filterNote = `refused: ${e.reason ?? e.message}`;
    }
  }
  if (info.kind === 'list' && rules.every((r) => r.cap !== undefined)) out.cap = Math.max(...rules.map((r) => r.cap!));
  if (info.kind === 'write-one' && restricted) out.preload = Object.fromEntries(rules.map((r) => [r.id, r.preload!]));
  if (rules.every((r) => r.writable)) out.writable = rules.flatMap((r) => r.writable!);
  const presets = rules.filter((r) => r.presets);
  if (presets.length) {
    out.presets = Object.fromEntries(
      presets.flatMap((r) => Object.entries(r.presets!).map(([p, v]) => [p, interpolate(v, caller as unknown as Record<string, unknown>) ?? null])),
    );
  }
  if (rules.every((r) => r.rateLimit)) out.rateLimit = Object.fromEntries(rules.map((r) => [r.id, r.rateLimit!.text]));
  return out;
}

function resourceVerdict(engine: PolicyEngine, caller: Caller, call: string, rules: CompiledRule[], sample: unknown): ResourceVerdict {
  const restricted = rules.every((r) => r.resource !== undefined);
  const passes = restricted ? engine.resourcePermitted(caller, call, rules, sample) : true;
  const perRule = rules.map((r) => ({ rule: r.id, trace: r.resource ? traceConditions(r.resource, sample, caller) : null }));
  const mask = fieldMaskFor(rules);
  const masked = mask ? mask.apply(sample) : { value: sample, removed: [] };
  return { passes, perRule, fieldsRemoved: masked.removed, result: passes ? masked.value : null };
}
