// Item 2: the same 1,000-rule policy decided by the gateway's engine, by Cedar (its fastest path in
// Node: the policy set parsed once with preparsePolicySet, each request through
// statefulIsAuthorized) and by Casbin (enforceSync, RBAC with the argument bound in the policy
// line). Before any timing, the three must agree on a sample of random requests.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import { PolicyEngine } from '../src/gateway/decide.ts';
import { limitOfRule, randomRequests, realMethods, syntheticPolicy, type SyntheticPolicy, type SyntheticRequest } from './synthetic-policy.ts';
import { measure } from './measure.ts';
import type { Figure } from './report.ts';

export const PEER_POLICY_SIZE = 1_000;
const SAMPLE = 200;

/** The page-size argument the rules bound, when it is an integer (Cedar has no other numbers). */
function limitArg(args: unknown[]): number | undefined {
  const paging = (args[0] as { cursorPaging?: { limit?: unknown } } | undefined)?.cursorPaging;
  const limit = paging?.limit;
  return typeof limit === 'number' && Number.isSafeInteger(limit) ? limit : undefined;
}

// ── Cedar ────────────────────────────────────────────────────────────────────────────────────────
export function cedarPolicyText(policy: SyntheticPolicy): string {
  return policy.rules
    .map((r, i) => {
      if (r.effect !== 'allow' || r.roles.length !== 1) throw new Error('the Cedar translation covers allow rules with one role');
      return (
        `@id(${JSON.stringify(r.id)})\npermit(principal in Role::${JSON.stringify(r.roles[0])}, action == Action::${JSON.stringify(r.call)}, resource)\n` +
        `when { context has arg0.cursorPaging.limit && context.arg0.cursorPaging.limit <= ${limitOfRule(i)} };`
      );
    })
    .join('\n');
}

function cedarDecider(policy: SyntheticPolicy) {
  const id = `synthetic-${policy.rules.length}`;
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: cedarPolicyText(policy) });
  if (parsed.type !== 'success') throw new Error(`Cedar refused the policy: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return (req: SyntheticRequest): boolean => {
    const limit = limitArg(req.args);
    const answer = cedar.statefulIsAuthorized({
      principal: { type: 'Caller', id: req.caller.id },
      action: { type: 'Action', id: req.call },
      resource: { type: 'Call', id: req.call },
      context: limit === undefined ? {} : { arg0: { cursorPaging: { limit } } },
      preparsedPolicySetId: id,
      entities: [
        {
          uid: { type: 'Caller', id: req.caller.id },
          attrs: {},
          parents: req.caller.roles.map((role) => ({ type: 'Role', id: role })),
        },
      ],
    });
    if (answer.type !== 'success') throw new Error(`Cedar failed: ${answer.errors.map((e) => e.message).join('; ')}`);
    return answer.response.decision === 'allow';
  };
}

// ── Casbin ───────────────────────────────────────────────────────────────────────────────────────
// RBAC (g: subject type → role) + action + an argument bound carried by each policy line.
export const CASBIN_MODEL = `
[request_definition]
r = sub, act, limit

[policy_definition]
p = sub, act, max

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.act == p.act && r.limit >= 0 && r.limit <= int(p.max)
`;

export function casbinPolicyText(policy: SyntheticPolicy): string {
  const lines: string[] = [];
  for (const [subject, roles] of Object.entries(policy.subjectRoles)) for (const role of roles) lines.push(`g, ${subject}, ${role}`);
  policy.rules.forEach((r, i) => lines.push(`p, ${r.roles[0]}, ${r.call}, ${limitOfRule(i)}`));
  return lines.join('\n');
}

async function casbinDecider(policy: SyntheticPolicy): Promise<(req: SyntheticRequest) => boolean> {
  const enforcer: Enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(casbinPolicyText(policy)));
  enforcer.addFunction('int', (s: string) => Number.parseInt(s, 10));
  // A missing or non-integer limit is passed as -1: no rule's bound holds for it.
  return (req) => enforcer.enforceSync(req.caller.subjectType, req.call, limitArg(req.args) ?? -1);
}

export async function peers(options: { quick: boolean }): Promise<Figure[]> {
  const methods = await realMethods();
  const policy = syntheticPolicy(PEER_POLICY_SIZE, methods);
  const engine = new PolicyEngine(policy);
  const deciders = {
    gateway: (req: SyntheticRequest) => engine.decide(req.caller, req.call, req.args).effect === 'allow',
    cedar: cedarDecider(policy),
    casbin: await casbinDecider(policy),
  };

  // Same decisions on a sample, or the timings compare different things.
  const sample = randomRequests(policy, methods, SAMPLE, 7);
  let allowed = 0;
  const mismatches: string[] = [];
  for (const req of sample) {
    const g = deciders.gateway(req);
    const c = deciders.cedar(req);
    const k = deciders.casbin(req);
    if (g) allowed++;
    if (g !== c || g !== k) mismatches.push(`${req.caller.subjectType} ${req.call} ${JSON.stringify(req.args)}: gateway ${g}, cedar ${c}, casbin ${k}`);
  }
  if (mismatches.length) throw new Error(`the engines disagree on ${mismatches.length}/${SAMPLE} requests:\n${mismatches.slice(0, 5).join('\n')}`);
  if (allowed === 0 || allowed === SAMPLE) throw new Error(`the sample is one-sided (${allowed}/${SAMPLE} allowed): it proves nothing`);

  const timed = randomRequests(policy, methods, 1024, 11);
  const tasks: Record<string, () => void> = {};
  let sink = 0;
  for (const [name, decide] of Object.entries(deciders)) {
    let i = 0;
    tasks[name] = () => {
      if (decide(timed[i++ & 1023]!)) sink++;
    };
  }
  const r = await measure(tasks, { quick: options.quick, timeMs: 1500 });
  if (sink < 0) console.log(sink);
  const us = (ms: number) => ms * 1000;
  const cedarOver = r.cedar!.medianMs / r.gateway!.medianMs;
  const casbinOver = r.casbin!.medianMs / r.gateway!.medianMs;
  return [
    {
      key: 'peers_sample_agreement',
      label: `peers agree on random requests (${allowed} of ${SAMPLE} allowed)`,
      value: SAMPLE - mismatches.length,
      unit: `of ${SAMPLE}`,
      goal: `${SAMPLE}`,
      met: mismatches.length === 0,
    },
    { key: 'peers_gateway_median_us', label: 'gateway decision, 1,000 rules, median', value: us(r.gateway!.medianMs), unit: 'µs' },
    { key: 'peers_gateway_p99_us', label: 'gateway decision, 1,000 rules, p99', value: us(r.gateway!.p99Ms), unit: 'µs' },
    { key: 'peers_cedar_median_us', label: 'Cedar (wasm, preparsed) decision, median', value: us(r.cedar!.medianMs), unit: 'µs' },
    { key: 'peers_cedar_p99_us', label: 'Cedar (wasm, preparsed) decision, p99', value: us(r.cedar!.p99Ms), unit: 'µs' },
    { key: 'peers_casbin_median_us', label: 'Casbin (enforceSync) decision, median', value: us(r.casbin!.medianMs), unit: 'µs' },
    { key: 'peers_casbin_p99_us', label: 'Casbin (enforceSync) decision, p99', value: us(r.casbin!.p99Ms), unit: 'µs' },
    { key: 'cedar_over_gateway', label: 'Cedar median ÷ gateway median', value: cedarOver, unit: '×', goal: '≥ 10', met: cedarOver >= 10 },
    { key: 'casbin_over_gateway', label: 'Casbin median ÷ gateway median', value: casbinOver, unit: '×', goal: '> 1', met: casbinOver > 1 },
  ];
}
