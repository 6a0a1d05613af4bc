// `elevate explain`: the decision the gateway would make for a caller, a call and its arguments,
// and why. It is the gateway's own evaluation (evaluateCall) with a recording tracer: the rules
// considered are the ones the engine weighed, the obligations are the plan the gateway would
// execute, the argument check and the sample-resource check are the gateway's own code.
// Offline: no Wix call.
import type { CompiledPolicy, FieldRule } from '../../contract/compiled-policy.ts';
import type { Caller } from '../../contract/caller.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import type { Decision } from '../../gateway/decide.ts';
import { createEvaluator, evaluateCall, type PolicyEvaluator } from '../../gateway/evaluate.ts';
import type { BuiltInObligation, ObligationPlan } from '../../gateway/obligation-plan.ts';
import { recordingTracer, type RecordingTracer } from '../../gateway/tracer.ts';
import { forcedFilter } from '../../gateway/obligations/forced-filter.ts';
import { resolvePresets } from '../../gateway/obligations/write-fields.ts';
import { deliverObject } from '../../gateway/obligations/object-delivery.ts';
import { admitArguments } from '../../gateway/enforce.ts';
import { queryShape } from '../../sdk/query-shape.ts';
import { GatewayError } from '../../gateway/errors.ts';
import { traceConditions, type ConditionTrace } from '../../conditions/condition-trace.ts';

export interface ConsideredRule {
  rule: string;
  effect: 'allow' | 'deny';
  call: string;
  roles: string[];
  /** The caller's roles this rule names (empty: the rule does not apply to this caller). */
  heldRoles: string[];
  when: ConditionTrace | null;
  /** Whether the rule took part, as the engine judged it: it applies to the caller and its `when` holds. */
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
  timeoutMs: number;
  /** Registered obligation kinds, as each describes its planned value. */
  extensions?: Record<string, unknown>;
  /** Arguments that the SDK puts into the URL path and must be plain ids. */
  pathArgs: string[];
  /** Protection-disabling options a caller may set (suppressHooks, …). */
  allowOptions?: string[];
}

export interface ResourceVerdict {
  /** From PolicyEngine.resourcePermitted: the gateway's own check. */
  passes: boolean;
  perRule: { rule: string; trace: ConditionTrace | null }[];
  /** Paths removed from the sample before the caller would receive it. */
  fieldsRemoved: string[];
  result: unknown;
  /** A registered obligation kind refused the sample. */
  refused?: { status: number; code: string; message: string };
}

export interface Explanation {
  caller: Caller;
  call: string;
  args: unknown[];
  decision: Decision;
  /** Every rule naming the call, as the engine weighed it, in policy order. */
  considered: ConsideredRule[];
  obligations?: Obligations;
  /** When the decision allows but argument checks would refuse the request. */
  argumentsRefused?: { status: number; code: string; message: string };
  resource?: ResourceVerdict;
}

type Printer = (plan: ObligationPlan, caller: Caller, info: MethodInfo) => Partial<Obligations>;

/** How explain shows each built-in obligation of the plan (exhaustive: a new kind must say). */
const PRINTERS = {
  resource: (plan) => (plan.resource ? { resource: { ...plan.resource.byRule } } : {}),
  preload: (plan) => (plan.preload ? { preload: Object.fromEntries(plan.preload.flatMap((p) => [...p.rules].map((rule) => [rule, p.call]))) } : {}),
  fields: (plan) => ({ fields: plan.fields ? { ...plan.fields.byRule } : null }),
  cap: (plan) => (plan.cap !== undefined ? { cap: plan.cap } : {}),
  writable: (plan) => (plan.writable ? { writable: [...plan.writable] } : {}),
  presets: (plan, caller) => {
    if (!plan.presets) return {};
    try {
      return { presets: Object.fromEntries(resolvePresets(plan.presets, caller)) };
    } catch {
      // A preset without a value for this caller (or two disagreeing) refuses the call: shown as null.
      return { presets: Object.fromEntries(plan.presets.map((p) => [p.path, null])) };
    }
  },
  rateLimit: (plan) => (plan.rateLimit ? { rateLimit: Object.fromEntries(plan.rateLimit.map((r) => [r.rule, r.limit.text])) } : {}),
  timeout: (plan) => ({ timeoutMs: plan.timeoutMs }),
  allowOptions: (plan) => (plan.allowOptions ? { allowOptions: [...plan.allowOptions] } : {}),
} satisfies Record<BuiltInObligation, Printer>;

/** The plan as explain shows it, with what depends on the caller (the forced filter, presets) resolved. */
export function describePlan(plan: ObligationPlan, caller: Caller, info: MethodInfo): Obligations {
  const out: Obligations = { kind: plan.kind, fields: null, timeoutMs: plan.timeoutMs, pathArgs: info.pathArgs.map((p) => `args.${p}`) };
  for (const print of Object.values(PRINTERS) as Printer[]) Object.assign(out, print(plan, caller, info));
  if (plan.extensions.length) out.extensions = Object.fromEntries(plan.extensions.map((e) => [e.kind.key, e.kind.describe(e.planned)]));
  if (info.kind === 'list' && plan.resource) {
    try {
      const filter = forcedFilter(Object.values(plan.resource.byRule), caller, queryShape(info.signature, info.list!.queryArg).filter, { complete: true });
      if (filter) out.filter = filter;
      else out.filterNote = 'the conditions have no Wix filter equivalent: every returned item is re-checked instead';
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      out.filterNote = `refused: ${e.reason ?? e.message}`;
    }
  }
  return out;
}

export async function explainCall(
  policy: CompiledPolicy,
  caller: Caller,
  call: string,
  args: unknown[],
  sample?: unknown,
  evaluator: PolicyEvaluator = createEvaluator(policy),
  /** Receives the engine's report (a test compares it with the gateway's); default: a fresh one. */
  tracer: RecordingTracer = recordingTracer(),
): Promise<Explanation> {
  const evaluation = await evaluateCall(evaluator, caller, call, structuredClone(args), { tracer });
  const held = new Set(caller.roles);
  const order = new Map(policy.rules.map((r, i) => [r.id, i]));
  const considered: ConsideredRule[] = [...tracer.rules]
    .sort((a, b) => order.get(a.rule.id)! - order.get(b.rule.id)!)
    .map(({ rule: r, matched, input }) => ({
      rule: r.id,
      effect: r.effect,
      call: r.call,
      roles: r.roles,
      heldRoles: r.roles.filter((x) => held.has(x)),
      when: r.when ? traceConditions(r.when, input, caller) : null,
      matched,
    }));
  const explanation: Explanation = { caller, call, args, decision: evaluation.decision, considered };
  if (evaluation.effect !== 'allow') return explanation;

  const { plan } = evaluation;
  const info = policy.methods[call]!;
  explanation.obligations = describePlan(plan, caller, info);
  try {
    admitArguments(info, plan, structuredClone(evaluation.args), caller);
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    explanation.argumentsRefused = { status: e.status, code: e.code, message: e.reason ?? e.message };
  }
  if (sample !== undefined) explanation.resource = resourceVerdict(evaluator, caller, plan, sample);
  return explanation;
}

function resourceVerdict(evaluator: PolicyEvaluator, caller: Caller, plan: ObligationPlan, sample: unknown): ResourceVerdict {
  const passes = plan.resource ? evaluator.engine.resourcePermitted(caller, plan.call, plan.resource.rules, sample) : true;
  const perRule = plan.rules.map((rule) => {
    const conditions = plan.resource?.byRule[rule];
    return { rule, trace: conditions ? traceConditions(conditions, sample, caller) : null };
  });
  let delivered: { value: unknown; removed: string[] };
  try {
    delivered = deliverObject(plan, structuredClone(sample), caller, plan.kind === 'write-one' || plan.kind === 'write');
  } catch (e) {
    // A registered kind refusing the sample: the gateway would answer 403 (or 500 after a write).
    if (!(e instanceof GatewayError)) throw e;
    return { passes: false, perRule, fieldsRemoved: [], result: null, refused: { status: e.status, code: e.code, message: e.reason ?? e.message } };
  }
  return { passes, perRule, fieldsRemoved: delivered.removed, result: passes ? delivered.value : null };
}
