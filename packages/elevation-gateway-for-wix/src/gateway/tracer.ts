// What the engine reports while it evaluates a call, as Cerbos' engine/tracer does: every rule it
// weighed, its decision and the obligation plan. Explain prints a recording; the gateway takes a
// tracer per request (default: none, and then no trace point does any work).
import type { Decision, RuleTracer } from './decide.ts';
import type { ObligationPlan } from './obligation-plan.ts';

export interface Tracer extends RuleTracer {
  decision(decision: Decision): void;
  plan(plan: ObligationPlan): void;
}

/** A tracer that keeps everything it is told (explain, tests). */
export interface RecordingTracer extends Tracer {
  rules: Parameters<RuleTracer['rule']>[0][];
  decisions: Decision[];
  plans: ObligationPlan[];
}

export function recordingTracer(): RecordingTracer {
  const t: RecordingTracer = {
    rules: [],
    decisions: [],
    plans: [],
    rule: (trace) => void t.rules.push(trace),
    decision: (decision) => void t.decisions.push(decision),
    plan: (plan) => void t.plans.push(plan),
  };
  return t;
}
