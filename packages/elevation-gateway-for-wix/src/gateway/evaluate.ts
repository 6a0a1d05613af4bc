// One evaluation of a call, whoever asks: the gateway before it enforces, explain (no Wix call),
// and the policy tests (sample data for Wix). Only calls the policy names exist; a caller no rule
// grants the call is refused before anything else is read, so a cursor never tells calls apart;
// a continued listing is decided on its first page's arguments, which its cursor holds; then the
// engine decides and the allowing rules become one obligation plan.
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { continuedListing, type ContinuedListing } from './continued-listing.ts';
import { NO_RULE_GRANTS, PolicyEngine, type Decision } from './decide.ts';
import { createPlanner, type ObligationPlan } from './obligation-plan.ts';
import type { CursorSigner } from './obligations/signed-cursor.ts';
import type { Tracer } from './tracer.ts';
import { protectionOptionsIn, rulesAllowingOptions } from './obligations/protection-options.ts';

/** A policy ready to evaluate calls: its engine and its plans, built once and kept. */
export interface PolicyEvaluator {
  policy: CompiledPolicy;
  engine: PolicyEngine;
  planFor: ReturnType<typeof createPlanner>;
}

export function createEvaluator(policy: CompiledPolicy): PolicyEvaluator {
  return { policy, engine: new PolicyEngine(policy), planFor: createPlanner(policy) };
}

interface Evaluated {
  /** The arguments the call was decided on (a continued listing: its first page's, with this page's cursor). */
  args: unknown[];
  continued?: ContinuedListing;
}
export type Evaluation =
  | (Evaluated & { effect: 'deny'; decision: Extract<Decision, { effect: 'deny' }> })
  | (Evaluated & { effect: 'allow'; decision: Extract<Decision, { effect: 'allow' }>; plan: ObligationPlan });

export interface EvaluationOptions {
  /** Opens cursors of continued listings (the gateway); without it a cursor is just an argument. */
  cursors?: CursorSigner;
  /** Whether the backend can run the call at all (the generated module imports its SDK function). */
  available?: (call: string) => boolean;
  tracer?: Tracer;
}

/**
 * Evaluates `call` (`undefined`: a name that is not one) for `caller` on `args`. A refusal by the
 * policy is a deny decision; a malformed cursor is a GatewayError (400).
 */
export async function evaluateCall(
  evaluator: PolicyEvaluator,
  caller: Caller,
  call: string | undefined,
  args: unknown[],
  options: EvaluationOptions = {},
): Promise<Evaluation> {
  const { policy, engine } = evaluator;
  const tracer = options.tracer;
  const known = call !== undefined && Object.hasOwn(policy.methods, call) && (options.available?.(call) ?? true);
  if (!known || !engine.grantsAny(caller, call)) {
    const decision = { effect: 'deny', call: call ?? '', reason: NO_RULE_GRANTS } as const;
    if (known && tracer) engine.decide(caller, call, args, tracer); // the rules the caller lacks, for the trace
    tracer?.decision(decision);
    return { effect: 'deny', decision, args };
  }
  const info = policy.methods[call]!;
  const continued = options.cursors && info.kind === 'list' ? await continuedListing(info, args, caller, options.cursors) : undefined;
  const decided = continued ? continued.args : args;
  const decision = engine.decide(caller, call, decided, tracer);
  tracer?.decision(decision);
  if (decision.effect === 'deny') return continued ? { effect: 'deny', decision, args: decided, continued } : { effect: 'deny', decision, args: decided };
  // A request that sets a protection-disabling option is decided by the rules that allow it alone.
  const present = protectionOptionsIn(info, decided);
  if (present.length) {
    const narrowed = rulesAllowingOptions(decision.rules, present);
    if ('refused' in narrowed) {
      const refusal = { effect: 'deny', call, reason: narrowed.refused } as const;
      tracer?.decision(refusal);
      return continued ? { effect: 'deny', decision: refusal, args: decided, continued } : { effect: 'deny', decision: refusal, args: decided };
    }
    const allowing = { ...decision, rules: narrowed.rules, decidingRule: narrowed.rules[0]! };
    return allowed(evaluator, allowing, decided, continued, tracer);
  }
  return allowed(evaluator, decision, decided, continued, tracer);
}

function allowed(
  evaluator: PolicyEvaluator,
  decision: Extract<Decision, { effect: 'allow' }>,
  args: unknown[],
  continued: ContinuedListing | undefined,
  tracer: Tracer | undefined,
): Evaluation {
  const plan = evaluator.planFor(decision.rules, decision.call);
  tracer?.plan(plan);
  return continued ? { effect: 'allow', decision, plan, args, continued } : { effect: 'allow', decision, plan, args };
}
