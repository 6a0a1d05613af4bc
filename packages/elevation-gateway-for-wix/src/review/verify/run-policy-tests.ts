// Runs policy tests offline through the gateway's own evaluation and enforcement code: the call is
// evaluated as the gateway evaluates it (evaluateCall: the real PolicyEngine, then the obligation
// plan), then `enforce` executes the plan (argument checks, forced filter, cap, resource re-check,
// preload, field mask, registered kinds) with the SDK replaced by the test's sample data. Asked to
// trace, it also records what the gateway weighed (for coverage) and explains every failing case.
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { isPlainObject } from '../../conditions/json-value.ts';
import { MISSING, readPath } from '../../conditions/path.ts';
import { createEvaluator, evaluateCall, type PolicyEvaluator } from '../../gateway/evaluate.ts';
import type { PolicyEngine } from '../../gateway/decide.ts';
import { recordingTracer, type RecordingTracer } from '../../gateway/tracer.ts';
import { traceConditions, type ConditionTrace } from '../../conditions/condition-trace.ts';
import { explainCall, type Explanation } from '../explain/explain.ts';
import type { Obligation } from '../../gateway/decision-log.ts';
import type { SdkFunction } from '../../gateway/dispatch.ts';
import { enforce } from '../../gateway/enforce.ts';
import { GatewayError } from '../../gateway/errors.ts';
import { callerFor } from '../explain/caller-spec.ts';
import type { LoadedTestCase } from './load-policy-tests.ts';
import { createCursorSigner } from '../../gateway/obligations/signed-cursor.ts';
import { attributeNeeds } from '../../gateway/caller-attributes.ts';
import type { Caller } from '../../contract/caller.ts';

export interface CaseResult {
  name: string;
  file: string;
  line: number;
  column: number;
  passed: boolean;
  outcome: 'allow' | 'deny' | 'error';
  /** The rule that decided (allow) or refused (deny rule), if any. */
  rule?: string;
  /** Why the gateway refused or failed. */
  reason?: string;
  obligations: Obligation[];
  /** What did not match the expectation, one sentence each. */
  problems: string[];
  /** With `trace`: what the gateway weighed for the case. */
  trace?: CaseTrace;
  /** With `trace`, of a failing case: what `elevate explain` says of its caller, call, arguments and sample. */
  explanation?: Explanation;
  /** With `trace`, of a failing case whose explanation itself failed (a registered kind's bug). */
  explanationError?: string;
}

export interface RunOptions {
  /** Record what the gateway weighed for each case (`trace`) and explain each failing case. */
  trace?: boolean;
}

/** One rule naming the case's call, as the engine weighed it, with its `when` judged part by part. */
export interface WeighedRule {
  rule: string;
  /** The caller holds one of the rule's roles. */
  applies: boolean;
  /** The engine's verdict: the rule applies and its `when` held. */
  matched: boolean;
  when: ConditionTrace | null;
}

/** What the gateway weighed for one case, from its own tracer and its own resource checks. */
export interface CaseTrace {
  /**
   * Whether the engine weighed the rules at all: false when the gateway refused first (the call is
   * none the policy names, no rule of the caller's roles grants it, or a caller attribute is not given).
   */
  weighed: boolean;
  rules: WeighedRule[];
  /** The allowing rules of the plan, when the decision allowed the call. */
  allowing: string[];
  /** A rule's resource conditions on an object the gateway re-checked (list item, read object, preloaded target), once per object and rule. */
  resources: { rule: string; trace: ConditionTrace }[];
}

/** Every value at a dotted path, passing through arrays as field rules do. */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    const visit = (v: unknown) => {
      if (Array.isArray(v)) {
        v.forEach(visit);
        return;
      }
      if (isPlainObject(v) && Object.hasOwn(v, segment) && v[segment] !== undefined) next.push(v[segment]);
    };
    current.forEach(visit);
    current = next;
  }
  return current;
}

const notFound = () => Object.assign(new Error('not found (no resource given in the test case)'), { status: 404 });

/** SDK stand-ins that answer with the case's sample data and never leave the process. */
function sampleSdk(policy: CompiledPolicy, c: LoadedTestCase): Record<string, SdkFunction> {
  const { test } = c;
  const methods: Record<string, SdkFunction> = Object.create(null);
  for (const [call, m] of Object.entries(policy.methods)) {
    methods[call] = async (...args: unknown[]) => {
      if (m.kind === 'list') return { [m.list!.itemsKey]: structuredClone(test.items ?? []), pagingMetadata: { count: test.items?.length ?? 0 } };
      if (call === test.call && (m.kind === 'write-one' || m.kind === 'write' || m.kind === 'read')) {
        return structuredClone(test.result ?? test.resource ?? {});
      }
      if (test.resource === undefined) throw notFound();
      // The object Wix returns for an id carries that id: a case's resource need not repeat it.
      const resource = structuredClone(test.resource) as Record<string, unknown>;
      const id = m.kind === 'read-one' ? readPath(args, m.targetArgs.at(-1) ?? '') : MISSING;
      if (typeof id === 'string' && isPlainObject(resource) && !Object.hasOwn(resource, '_id') && !Object.hasOwn(resource, 'id')) resource._id = id;
      return resource;
    };
  }
  return methods;
}

/**
 * The engine as enforcement sees it, reporting every object whose resource conditions it checks,
 * with each rule's conditions traced on it (the verdict is still the engine's own).
 */
function recordingResourceChecks(engine: PolicyEngine, policy: CompiledPolicy, trace: CaseTrace): PolicyEngine {
  const conditions = new Map(policy.rules.flatMap((r) => (r.resource ? [[r.id, r.resource] as const] : [])));
  const seen = new WeakMap<object, Set<string>>();
  const recording = Object.create(engine) as PolicyEngine;
  recording.resourcePermitted = (caller, call, allowing, object) => {
    // Anything but an object is refused before any condition is read: nothing is weighed.
    if (isPlainObject(object)) {
      const traced = seen.get(object) ?? new Set<string>();
      seen.set(object, traced);
      for (const id of allowing) {
        const resource = conditions.get(id);
        if (!resource || traced.has(id)) continue;
        traced.add(id);
        // Traced when checked: enforcement may mask the object afterwards.
        trace.resources.push({ rule: id, trace: traceConditions(resource, object, caller) });
      }
    }
    return engine.resourcePermitted(caller, call, allowing, object);
  };
  return recording;
}

function weighedRules(tracer: RecordingTracer, caller: Caller): WeighedRule[] {
  return tracer.rules.map(({ rule, applies, matched, input }) => ({
    rule: rule.id,
    applies,
    matched,
    when: rule.when ? traceConditions(rule.when, input, caller) : null,
  }));
}

/**
 * The caller with the attributes the case gives; undefined when the call needs one it does not
 * give (the gateway would have read it from Wix: the case must say what Wix holds).
 */
function withCaseAttributes(policy: CompiledPolicy, caller: Caller, c: LoadedTestCase): { caller: Caller } | { missing: string[] } {
  const needed = attributeNeeds(policy)(caller, c.test.call);
  const given = c.test.attributes ?? {};
  const missing = needed.filter((n) => !Object.hasOwn(given, n));
  if (missing.length) return { missing };
  return needed.length ? { caller: { ...caller, attributes: Object.fromEntries(needed.map((n) => [n, given[n]!])) } } : { caller };
}

export async function runPolicyTest(
  policy: CompiledPolicy,
  c: LoadedTestCase,
  evaluator: PolicyEvaluator = createEvaluator(policy),
  options: RunOptions = {},
): Promise<CaseResult> {
  const result = await runCase(policy, c, evaluator, options.trace ? { weighed: false, rules: [], allowing: [], resources: [] } : undefined);
  if (!options.trace || result.passed) return result;
  return { ...result, ...(await explainCase(policy, c, evaluator)) };
}

/** The case's caller as token-info would report it (its site and instance), roles from the policy. */
function caseCaller(policy: CompiledPolicy, c: LoadedTestCase): Caller {
  return callerFor(policy, c.subjectType, c.callerId, {
    ...(c.test.site ? { siteId: c.test.site } : {}),
    ...(c.test.instance ? { instanceId: c.test.instance } : {}),
  });
}

/** What `elevate explain` says of the case: its caller (with site, instance and attributes), call, arguments and sample. */
async function explainCase(
  policy: CompiledPolicy,
  c: LoadedTestCase,
  evaluator: PolicyEvaluator,
): Promise<Pick<CaseResult, 'explanation' | 'explanationError'>> {
  const { test } = c;
  const caller = caseCaller(policy, c);
  if (test.attributes && Object.keys(test.attributes).length) caller.attributes = { ...test.attributes };
  try {
    return {
      explanation: await explainCall(policy, caller, test.call, test.args, test.resource ?? (Array.isArray(test.items) ? test.items[0] : undefined), evaluator),
    };
  } catch (e) {
    return { explanationError: e instanceof Error ? e.message : String(e) };
  }
}

async function runCase(policy: CompiledPolicy, c: LoadedTestCase, evaluator: PolicyEvaluator, trace: CaseTrace | undefined): Promise<CaseResult> {
  const { test } = c;
  const identified = caseCaller(policy, c);
  const obligations: Obligation[] = [];
  const base = { name: test.name, file: c.file, line: c.line, column: c.column, obligations, ...(trace ? { trace } : {}) };
  let outcome: CaseResult['outcome'];
  let rule: string | undefined;
  let reason: string | undefined;
  let result: unknown;

  const attributed = withCaseAttributes(policy, identified, c);
  if ('missing' in attributed) {
    const names = attributed.missing.join(', ');
    const problem = `the call's rules use caller attribute ${names}, which the gateway reads from Wix: give it under "attributes" (e.g. attributes: { ${attributed.missing[0]}: … })`;
    return { ...base, passed: false, outcome: 'error', reason: `503 IDENTITY_UNAVAILABLE: caller attribute ${names} not given`, problems: [problem] };
  }
  const { caller } = attributed;
  const tracer = trace ? recordingTracer() : undefined;
  const evaluation = await evaluateCall(evaluator, caller, test.call, structuredClone(test.args), tracer ? { tracer } : {});
  if (trace && tracer) {
    // Refused before anything is weighed, the engine decides for the trace only: nothing it reports ran.
    trace.weighed = Object.hasOwn(policy.methods, test.call) && evaluator.engine.grantsAny(caller, test.call);
    trace.rules = weighedRules(tracer, caller);
    if (evaluation.effect === 'allow') trace.allowing = [...evaluation.plan.rules];
  }
  if (evaluation.effect === 'deny') {
    outcome = 'deny';
    rule = evaluation.decision.rule?.id;
    reason = evaluation.decision.reason;
  } else {
    let decided: string | undefined;
    try {
      result = await enforce({
        policy,
        engine: trace ? recordingResourceChecks(evaluator.engine, policy, trace) : evaluator.engine,
        sdkMethods: sampleSdk(policy, c),
        caller,
        info: policy.methods[test.call]!,
        plan: evaluation.plan,
        args: evaluation.args,
        obligations,
        cursors: createCursorSigner(),
        // The stand-ins answer with the case's data; there is nothing to elevate.
        elevation: { elevate: (fn) => fn },
        decidedBy: (id) => void (decided = id),
      });
      outcome = 'allow';
      rule = decided ?? evaluation.decision.decidingRule.id;
    } catch (e) {
      // As the gateway answers: its own errors by their code, anything else (a registered kind's bug) a 500.
      const g = e instanceof GatewayError ? e : new GatewayError('INTERNAL', 'internal', {}, e instanceof Error ? e.message : String(e));
      outcome = g.code === 'FORBIDDEN' || g.code === 'INVALID_REQUEST' ? 'deny' : 'error';
      reason = `${g.status} ${g.code}: ${g.reason ?? g.message}`;
    }
  }

  const problems: string[] = [];
  if (outcome !== test.expect) {
    problems.push(`expected ${test.expect}, got ${outcome}${reason ? ` (${reason})` : ''}${outcome === 'allow' && rule ? ` by rule "${rule}"` : ''}`);
  } else {
    if (test.rule !== undefined && test.rule !== rule) {
      problems.push(`expected rule "${test.rule}" to ${test.expect === 'allow' ? 'decide' : 'refuse'}, but ${rule ? `"${rule}" did` : 'no rule did'}`);
    }
    if (outcome === 'allow') {
      const info = c.info;
      const objects = info?.kind === 'list' && isPlainObject(result) ? (result[info.list!.itemsKey] as unknown[]) : [result];
      if (test.count !== undefined && objects.length !== test.count) {
        problems.push(`expected ${test.count} item(s) after the resource re-check, got ${objects.length}`);
      }
      for (const path of test.fields?.present ?? []) {
        const lacking = objects.filter((o) => valuesAt(o, path).length === 0).length;
        if (lacking)
          problems.push(`expected field "${path}" present, but ${objects.length > 1 ? `${lacking} of ${objects.length} items lack` : 'the result lacks'} it`);
      }
      for (const path of test.fields?.absent ?? []) {
        const having = objects.filter((o) => valuesAt(o, path).length > 0).length;
        if (having)
          problems.push(`expected field "${path}" absent, but ${objects.length > 1 ? `${having} of ${objects.length} items have` : 'the result has'} it`);
      }
    }
  }
  return { ...base, passed: problems.length === 0, outcome, ...(rule ? { rule } : {}), ...(reason ? { reason } : {}), problems };
}

export async function runPolicyTests(policy: CompiledPolicy, cases: LoadedTestCase[], options: RunOptions = {}): Promise<CaseResult[]> {
  const evaluator = createEvaluator(policy);
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runPolicyTest(policy, c, evaluator, options));
  return results;
}
