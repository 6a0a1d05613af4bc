// What the working policy decides for a logged request, from what the line holds: the caller (its
// subject type and id; roles from the policy, as at run time), the call and, when logged, the
// redacted arguments. The decision is the gateway's own (evaluateCall); replay only first checks
// that every condition of the rules weighed can be decided on the line, and says what else the
// outcome would depend on (the objects Wix returns, the traffic).
import type { CompiledRule } from '../../contract/compiled-policy.ts';
import { isPlainObject } from '../../conditions/json-value.ts';
import { matchesCallPattern } from '../../conditions/call-pattern.ts';
import { MAX_NAME_LENGTH, METHOD_NAME, MODULE_NAME } from '../../contract/envelopes.ts';
import { isRedacted, type DecisionEntry } from '../../gateway/decision-log.ts';
import { NO_RULE_GRANTS } from '../../gateway/decide.ts';
import { evaluateCall, type PolicyEvaluator } from '../../gateway/evaluate.ts';
import { GatewayError } from '../../gateway/errors.ts';
import type { ObligationPlan } from '../../gateway/obligation-plan.ts';
import { checkWritable } from '../../gateway/obligations/write-fields.ts';
import { recordingTracer } from '../../gateway/tracer.ts';
import { protectionOptionsOf } from '../../sdk/protection-options.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import { callerFor } from '../explain/caller-spec.ts';
import { undecidableCondition } from './logged-conditions.ts';
import type { Verdict } from './logged-decision.ts';

export type WorkingDecision =
  | {
      decided: true;
      verdict: Verdict;
      /** Allowed: the allowing rules, in policy order. */
      allowing: string[];
      /** Allowed, but which rule decides, and whether the call goes through, depends on something the log does not hold. */
      dependsOn?: { what: 'objects' | 'traffic'; why: string };
      /** Allowed, then refused for certain by an argument check the logged keys decide (writable paths): the gateway's 400. */
      refusedArguments?: string;
    }
  /** Refused for certain, by one of these deny rules (which one depends on a condition the log cannot decide). */
  | { decided: 'deny'; denyRules: string[]; why: string }
  | { decided: false; reason: string };

/** A logged `call` as the gateway would have decided it: undefined when the name was not one. */
function callOf(entry: DecisionEntry): string | undefined {
  const call = entry.call;
  if (entry.malformedName || call === undefined || call.length > 2 * MAX_NAME_LENGTH + 1) return undefined;
  const cut = call.lastIndexOf('.');
  return MODULE_NAME.test(call.slice(0, cut)) && METHOD_NAME.test(call.slice(cut + 1)) ? call : undefined;
}

/** Whether the request continued a listing: it was then decided on its first page's arguments, which its cursor holds. */
function continuesListing(entry: DecisionEntry, info: MethodInfo): boolean {
  if (entry.obligations.some((o) => o.type === 'signed-cursor')) return true;
  if (info.kind !== 'list' || !info.list || !entry.args) return false;
  const query = entry.args[info.list.queryArg];
  if (!isPlainObject(query) || !isPlainObject(query.cursorPaging)) return false;
  const cursor = query.cursorPaging.cursor;
  return !(cursor === undefined || cursor === null || (isRedacted(cursor) && cursor.$redacted === 'string' && cursor.length === 0));
}

export async function workingDecision(evaluator: PolicyEvaluator, entry: DecisionEntry): Promise<WorkingDecision> {
  const { policy, engine } = evaluator;
  if (!entry.caller) return { decided: false, reason: 'the line names no caller' };
  const caller = callerFor(policy, entry.caller.subjectType, entry.caller.id);
  const call = callOf(entry);
  const info = call !== undefined && Object.hasOwn(policy.methods, call) ? policy.methods[call]! : undefined;
  // An unknown call, or one no rule of the caller's roles grants, is refused before anything is read.
  if (call === undefined || !info || !engine.grantsAny(caller, call)) {
    return { decided: true, verdict: { effect: 'deny', reason: NO_RULE_GRANTS }, allowing: [] };
  }

  const held = new Set(caller.roles);
  const weighed = policy.rules.filter(
    (r) => r.roles.some((role) => held.has(role)) && (r.effect === 'allow' ? r.call === call : matchesCallPattern(r.call, call)),
  );
  const continued = continuesListing(entry, info);
  const args = continued ? undefined : entry.args;
  const noArgs = continued
    ? 'the request continued a listing, decided on its first page’s arguments, which its cursor holds'
    : 'the line carries no arguments (logArguments is off)';
  const undecidable = new Map<string, string>();
  for (const r of weighed) {
    const why = r.when && undecidableCondition(r.when, args, noArgs);
    if (why) undecidable.set(r.id, why);
  }

  if (undecidable.size > 0) return partly(evaluator, caller, call, args, weighed, undecidable);

  const evaluation = await evaluateCall(evaluator, caller, call, structuredClone(args ?? []));
  if (evaluation.effect === 'deny') {
    const d = evaluation.decision;
    return { decided: true, verdict: { effect: 'deny', ...(d.rule ? { rule: d.rule.id } : {}), reason: d.reason }, allowing: [] };
  }
  // The options that turn a protection off are read from the arguments, with the decision.
  if (args === undefined && protectionOptionsOf(call.slice(0, call.lastIndexOf('.'))).length > 0) {
    return { decided: false, reason: `whether the request set a protection-disabling option (suppressHooks, …) is in its arguments: ${noArgs}` };
  }
  const { decision, plan } = evaluation;
  const allowing = [...plan.rules];
  const verdict: Verdict = { effect: 'allow', rule: decision.decidingRule.id };
  // The argument checks that read keys only run on the logged arguments (redaction keeps every key).
  const refused = args !== undefined ? keyRefusal(info, plan, args) : undefined;
  if (refused !== undefined) return { decided: true, verdict, allowing, refusedArguments: refused };
  if (plan.resource || plan.preload) {
    const conditioned = plan.granted.filter((r) => r.resource).map((r) => r.id);
    return { decided: true, verdict, allowing, dependsOn: { what: 'objects', why: `checked against the resource conditions of ${conditioned.join(', ')}` } };
  }
  if (plan.rateLimit && plan.rateLimit.length > 1) {
    return {
      decided: true,
      verdict,
      allowing,
      dependsOn: { what: 'traffic', why: `rate-limited rules ${allowing.join(', ')} allow it; the one with budget left decides` },
    };
  }
  return { decided: true, verdict, allowing };
}

/**
 * Some rule's condition cannot be decided on the line. A deny rule whose condition can, and holds,
 * still refuses the call for certain (deny rules win); anything else is not decidable.
 */
function partly(
  evaluator: PolicyEvaluator,
  caller: ReturnType<typeof callerFor>,
  call: string,
  args: unknown[] | undefined,
  weighed: CompiledRule[],
  undecidable: Map<string, string>,
): WorkingDecision {
  const tracer = recordingTracer();
  evaluator.engine.decide(caller, call, structuredClone(args ?? []), tracer);
  const holding = tracer.rules.filter((t) => t.applies && t.matched && t.rule.effect === 'deny' && !undecidable.has(t.rule.id)).map((t) => t.rule.id);
  const [id, why] = [...undecidable][0]!;
  if (holding.length === 0) return { decided: false, reason: `rule ${id}: ${why}` };
  const open = weighed.filter((r) => r.effect === 'deny' && undecidable.has(r.id)).map((r) => r.id);
  if (open.length === 0) {
    // Only allow rules are open: the engine reports the deny rule it checks first, whatever they say.
    const decided = evaluator.engine.decide(caller, call, structuredClone(args ?? []));
    if (decided.effect === 'deny' && decided.rule)
      return { decided: true, verdict: { effect: 'deny', rule: decided.rule.id, reason: decided.reason }, allowing: [] };
  }
  const which = open.length ? `; which one refuses depends on ${open.join(', ')} (${undecidable.get(open[0]!)})` : '';
  return { decided: 'deny', denyRules: [...holding, ...open], why: `deny rule(s) ${holding.join(', ')} hold${which}` };
}

/** The logged arguments with each redaction marker a leaf (a value was sent there), for the checks that read keys only. */
function markersAsLeaves(value: unknown): unknown {
  if (isRedacted(value)) return 0;
  if (Array.isArray(value)) return value.map(markersAsLeaves);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      Object.defineProperty(out, key, { value: markersAsLeaves(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/**
 * What the gateway's argument checks that need no values refuse of the logged arguments (the
 * message of its 400), or undefined. Writable paths: every key a client set must be one the plan's
 * rules (or their presets) let it set, as admitArguments checks first (src/gateway/enforce.ts).
 * Checks that read values (the signature's types, plain ids) are not run: the log holds them redacted.
 */
function keyRefusal(info: MethodInfo, plan: ObligationPlan, args: unknown[]): string | undefined {
  if (!plan.writable) return undefined;
  const writable = plan.presets ? [...plan.writable, ...plan.presets.map((p) => p.path)] : plan.writable;
  try {
    checkWritable(writable, markersAsLeaves(args) as unknown[], info.targetArgs);
  } catch (error) {
    if (error instanceof GatewayError) return error.message;
    throw error;
  }
  return undefined;
}
