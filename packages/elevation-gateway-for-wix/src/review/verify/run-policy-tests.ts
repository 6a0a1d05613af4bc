// Runs policy tests offline through the gateway's own evaluation and enforcement code: the call is
// evaluated as the gateway evaluates it (evaluateCall: the real PolicyEngine, then the obligation
// plan), then `enforce` executes the plan (argument checks, forced filter, cap, resource re-check,
// preload, field mask, registered kinds) with the SDK replaced by the test's sample data.
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { isPlainObject } from '../../conditions/json-value.ts';
import { MISSING, readPath } from '../../conditions/path.ts';
import { createEvaluator, evaluateCall, type PolicyEvaluator } from '../../gateway/evaluate.ts';
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

export async function runPolicyTest(policy: CompiledPolicy, c: LoadedTestCase, evaluator: PolicyEvaluator = createEvaluator(policy)): Promise<CaseResult> {
  const { test } = c;
  const identified = callerFor(policy, c.subjectType, c.callerId, {
    ...(test.site ? { siteId: test.site } : {}),
    ...(test.instance ? { instanceId: test.instance } : {}),
  });
  const obligations: Obligation[] = [];
  const base = { name: test.name, file: c.file, line: c.line, column: c.column, obligations };
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
  const evaluation = await evaluateCall(evaluator, caller, test.call, structuredClone(test.args));
  if (evaluation.effect === 'deny') {
    outcome = 'deny';
    rule = evaluation.decision.rule?.id;
    reason = evaluation.decision.reason;
  } else {
    let decided: string | undefined;
    try {
      result = await enforce({
        policy,
        engine: evaluator.engine,
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

export async function runPolicyTests(policy: CompiledPolicy, cases: LoadedTestCase[]): Promise<CaseResult[]> {
  const evaluator = createEvaluator(policy);
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runPolicyTest(policy, c, evaluator));
  return results;
}
