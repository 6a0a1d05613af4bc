// Property-based tests: random policies (compiled by the real compiler) and random, often hostile
// requests (wrong types, operator-shaped objects, arrays for scalars, prototype keys, huge and deep
// values, look-alike names), sent through the real gateway, SDK and CASL to the emulated Wix, and
// checked against a deliberately simple reference written from the documented semantics
// (gateway.property.reference.ts, which imports nothing of ours).
//
// Fixed seed, 1,000 cases per property by default. A longer or different run:
//   FC_RUNS=20000 FC_SEED=42 npx vitest run src/gateway/gateway.property.test.ts
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { APP_ID, createWixEmulator, devTokens } from '../dev/emulator/index.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { silentSink } from './decision-log.ts';
import type { PolicyModule } from './policy-module.ts';
import { recordingTracer, type RecordingTracer } from './tracer.ts';
import type { ObligationPlan } from './obligation-plan.ts';
import { explainCall } from '../review/explain/explain.ts';
import { METHOD_NAME, MODULE_NAME } from '../contract/envelopes.ts';
import { NO_RULE_GRANTS } from './decide.ts';
import { callerFor } from '../review/explain/caller-spec.ts';
import { policySpec, sentRequest, CALLS, type SentRequest, type Target, type Who } from './gateway.property.arbitraries.ts';
import {
  forbiddenPathsIn,
  objectPermitted,
  referenceDecision,
  rulesLettingThrough,
  rolesHeld,
  type PolicySpec,
  type RefCaller,
  type RefDecision,
} from './gateway.property.reference.ts';

const RUNS = Number(process.env.FC_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 20260101);
const POLICIES = Number(process.env.FC_POLICIES ?? 12);
const TIMEOUT = Math.max(60_000, RUNS * 60);

const TOKENS: Record<Who, string | undefined> = {
  visitor: devTokens.visitor,
  'm-1': devTokens.members['m-1'],
  'm-2': devTokens.members['m-2'],
  'm-3': devTokens.members['m-3'],
  user: devTokens.user,
  inactive: devTokens.inactive,
  unknown: 'not-a-wix-token',
  none: undefined,
};
const CALLERS: Partial<Record<Who, RefCaller>> = {
  visitor: { subjectType: 'VISITOR', id: 'v-1' },
  'm-1': { subjectType: 'MEMBER', id: 'm-1' },
  'm-2': { subjectType: 'MEMBER', id: 'm-2' },
  'm-3': { subjectType: 'MEMBER', id: 'm-3' },
  user: { subjectType: 'USER', id: 'u-1' },
};

interface Subject {
  spec: PolicySpec;
  module: PolicyModule;
  targets: Target[];
  gateway: Gateway;
  /** What the gateway's engine reported for the latest request. */
  trace: { last?: RecordingTracer };
}
const subjects: Subject[] = [];

// One Wix per filter mode and ONE runtime: the runtime installs the SDK's ambient context
// globally, so a second runtime alive at once would receive the first one's REST calls.
const wix = { honest: createWixEmulator(), ignoringFilters: createWixEmulator({ ignoreFilters: true }) };
let ignoring = false;
const emulatorNow = () => (ignoring ? wix.ignoringFilters : wix.honest);
const runtime = createWixRuntime({ fetch: (input, init) => emulatorNow().fetch(input, init), appToken: devTokens.app });

beforeAll(async () => {
  // Compiling probes the SDK, so a modest set of policies serves many requests each.
  const candidates = fc.sample(policySpec, { numRuns: POLICIES * 4, seed: SEED });
  for (const spec of candidates) {
    if (subjects.length === POLICIES) break;
    let module: PolicyModule;
    try {
      // JSON is YAML: the text goes through the real loader and compiler.
      module = await policyFromYaml(JSON.stringify(spec, null, 1), 'generated.yaml');
    } catch (e) {
      // Some random policies are rightly refused (a deny rule that makes an allow rule unreachable).
      if (!String(e).includes('unreachable-rule') && !String(e).includes('can never allow')) throw e;
      continue;
    }
    const trace: Subject['trace'] = {};
    const gateway = createGateway({
      appId: APP_ID,
      policy: async () => module,
      fetch: (input, init) => emulatorNow().fetch(input, init),
      decisionLog: silentSink,
      tracer: () => (trace.last = recordingTracer()),
    });
    const targets: Target[] = [];
    for (const [who, caller] of Object.entries(CALLERS) as [Who, RefCaller][]) {
      const held = rolesHeld(spec, caller.subjectType);
      for (const r of spec.rules) if (r.allow && r.roles.some((role) => held.has(role))) targets.push({ who, call: r.allow });
    }
    subjects.push({ spec, module, targets, gateway, trace });
  }
  expect(subjects.length).toBe(POLICIES);
}, 120_000);

/** The call a well-formed body asks for, by the wire contract; undefined when it is not one. */
function callOf(body: string): { call: string; args: unknown[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'module' && k !== 'method' && k !== 'args')) return undefined;
  if (typeof o.module !== 'string' || typeof o.method !== 'string') return undefined;
  if (o.args !== undefined && !Array.isArray(o.args)) return undefined;
  return { call: `${o.module}.${o.method}`, args: (o.args as unknown[] | undefined) ?? [] };
}

function reference(spec: PolicySpec, sent: SentRequest): RefDecision & { caller?: RefCaller; args?: unknown[]; call?: string } {
  const caller = CALLERS[sent.who];
  const wire = callOf(sent.body);
  if (!caller || !wire) return { allow: false };
  return { ...referenceDecision(spec, caller, wire.call, wire.args), caller, args: wire.args, call: wire.call };
}

interface Outcome {
  status: number;
  body: any;
  threw: unknown;
  upstream: { method: string; path: string; route: string }[];
  ordersBefore: { id: string }[];
  productsBefore: { id: string }[];
}

const subjectHasNoFieldRules = (rules: { fields?: unknown }[]) => rules.every((r) => r.fields === undefined);

async function run(subject: Subject, ignoreFilters: boolean, sent: SentRequest): Promise<Outcome> {
  ignoring = ignoreFilters;
  subject.trace.last = undefined;
  const emulator = emulatorNow();
  emulator.reset();
  const ordersBefore = structuredClone(emulator.data.orders);
  const productsBefore = emulator.data.products; // never written
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = TOKENS[sent.who];
  if (token !== undefined) headers.authorization = token;
  let threw: unknown;
  const response = await runtime.serve(new Request('https://app.example/functions/elevate', { method: 'POST', headers, body: sent.body }), async (request) => {
    try {
      return await subject.gateway.handle(request);
    } catch (e) {
      threw = e ?? new Error('threw a falsy value');
      throw e;
    }
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return {
    status: response.status,
    body,
    threw,
    upstream: emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token').map(({ method, path, route }) => ({ method, path, route })),
    ordersBefore,
    productsBefore,
  };
}

const caseArb = () => fc.nat({ max: POLICIES - 1 }).chain((p) => fc.tuple(fc.constant(p), fc.boolean(), sentRequest(subjects[p]!.targets)));
const params = () => ({ numRuns: RUNS, seed: SEED, endOnFailure: true });

/** The exact REST requests a call may make: its own path with the id it was given. */
function permittedRequests(call: string, args: unknown[]): string[] {
  const id = args[0];
  const plainId = typeof id === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(id);
  switch (call) {
    case 'ecom.orders.getOrder':
      return plainId ? [`GET /ecom/v1/orders/${id}`] : [];
    case 'ecom.orders.cancelOrder':
      return plainId ? [`GET /ecom/v1/orders/${id}`, `POST /ecom/v1/orders/${id}/cancel`] : [];
    case 'stores.productsV3.getProduct':
      return plainId ? [`GET /stores/v3/products/${id}`] : [];
    case 'ecom.orders.searchOrders':
      return ['POST /ecom/v1/orders/search'];
    // GET normally; the SDK falls back to POST with a JSON body when the query string passes 4000 characters.
    case 'stores.productsV3.queryProducts':
      return ['GET /stores/v3/products/query', 'POST /stores/v3/products/query'];
    default:
      return [];
  }
}

/** The objects a successful reply hands the client. */
function objectsIn(call: string, result: any): unknown[] {
  if (call === 'ecom.orders.searchOrders') return result?.orders ?? [];
  if (call === 'stores.productsV3.queryProducts') return result?.products ?? [];
  return [result];
}

describe(`the gateway against a reference evaluator (${RUNS} cases per property, seed ${SEED})`, () => {
  it(
    'never dispatches a call the reference denies',
    async () => {
      const tally = { denied: 0, dispatched: 0 };
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const subject = subjects[p]!;
          const ref = reference(subject.spec, sent);
          const out = await run(subject, ignore, sent);
          if (!ref.allow) {
            tally.denied++;
            expect(out.upstream, `${sent.call} by ${sent.who}: the reference denies, yet Wix was called`).toEqual([]);
            expect(out.status).not.toBe(200);
          } else if (out.upstream.length) tally.dispatched++;
        }),
        params(),
      );
      // Not vacuous: plenty of both.
      expect(tally.denied).toBeGreaterThan(RUNS / 10);
      expect(tally.dispatched).toBeGreaterThan(RUNS / 10);
    },
    TIMEOUT,
  );

  it(
    "never sends an upstream request outside the called method's own REST path",
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const out = await run(subjects[p]!, ignore, sent);
          if (out.upstream.length === 0) return;
          const wire = callOf(sent.body)!;
          const allowed = permittedRequests(wire.call, wire.args);
          for (const r of out.upstream) {
            expect(r.path).not.toMatch(/\.\.|\/\/|%2e|%2f/i);
            expect(allowed, `${sent.call} ${JSON.stringify(wire.args[0])}`).toContain(`${r.method} ${r.path}`);
          }
        }),
        params(),
      );
    },
    TIMEOUT,
  );

  it(
    "never returns a field that every allowing rule's field rule removes (of a read's object: every rule that lets it through)",
    async () => {
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const subject = subjects[p]!;
          const out = await run(subject, ignore, sent);
          if (out.status !== 200) return;
          const ref = reference(subject.spec, sent);
          expect(ref.allow, 'a 200 for a call the reference denies').toBe(true);
          if (!ref.allow) return;
          const stored = ref.call!.startsWith('ecom.') ? out.ordersBefore : out.productsBefore;
          for (const object of objectsIn(ref.call!, out.body.result) as { _id?: string }[]) {
            checked++;
            // Which rules let a read's object through is judged on the object as Wix holds it (the mask may have removed what their conditions read).
            const original = stored.find((o) => o.id === object._id);
            const rules = ref.call === 'ecom.orders.cancelOrder' || !original ? ref.rules : rulesLettingThrough(ref.rules, original, ref.caller!);
            expect(forbiddenPathsIn(rules, object), `${ref.call} by ${sent.who}`).toEqual([]);
          }
        }),
        params(),
      );
      expect(checked).toBeGreaterThan(RUNS / 10);
    },
    TIMEOUT,
  );

  it(
    'never returns (or writes) an object the resource conditions exclude, even from a Wix that ignores filters',
    async () => {
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const subject = subjects[p]!;
          const out = await run(subject, ignore, sent);
          const ref = reference(subject.spec, sent);
          if (!ref.allow) return;
          if (ref.call === 'ecom.orders.cancelOrder') {
            // A write is sent only after its target, as it was before the call, passed the check.
            if (!out.upstream.some((r) => r.route === 'cancelOrder')) return;
            const target = out.ordersBefore.find((o) => o.id === ref.args![0]);
            checked++;
            expect(objectPermitted(ref.rules, target, ref.caller!), `cancel of ${String(ref.args![0])} by ${sent.who}`).toBe(true);
            return;
          }
          if (out.status !== 200) return;
          // Judged on the object as Wix holds it: a field rule may have removed the fields the
          // conditions read (the conditions' fields have the same names in REST and SDK shapes).
          const stored = ref.call!.startsWith('ecom.') ? out.ordersBefore : out.productsBefore;
          for (const object of objectsIn(ref.call!, out.body.result) as { _id?: string }[]) {
            checked++;
            const original = stored.find((o) => o.id === object._id);
            expect(original, `${ref.call} returned an object Wix does not hold: ${JSON.stringify(object).slice(0, 200)}`).toBeDefined();
            expect(objectPermitted(ref.rules, original, ref.caller!), `${ref.call} by ${sent.who}: ${object._id}`).toBe(true);
            // And the reply itself, where the fields are still there, agrees.
            if (subjectHasNoFieldRules(ref.rules)) expect(objectPermitted(ref.rules, object, ref.caller!)).toBe(true);
          }
        }),
        params(),
      );
      expect(checked).toBeGreaterThan(RUNS / 10);
    },
    TIMEOUT,
  );

  it(
    'never throws out of handle and never answers a client with a 5xx of its own (healthy Wix)',
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const out = await run(subjects[p]!, ignore, sent);
          expect(out.threw).toBeUndefined();
          expect(out.body?.error?.code, `${sent.call} by ${sent.who}`).not.toBe('INTERNAL');
          expect([500, 503, 504]).not.toContain(out.status);
          // A 502 only relays what Wix answered (its status), never a failure of ours: no 502 without
          // an upstream status ("could not be reached", "unexpected shape") for a healthy emulator.
          // (Wix refusing a client's bad filter is relayed as 502 { upstream: { status: 400 } }; the
          // emulator also answers some malformed filters with a 500 of its own — reported, relayed.)
          if (out.status === 502) {
            expect(out.body.error.upstream?.status, `${sent.call} by ${sent.who}: ${sent.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
          }
          expect(out.status === 200 || typeof out.body?.error?.requestId === 'string').toBe(true);
        }),
        params(),
      );
    },
    TIMEOUT,
  );
});

/** A plan without what cannot be compared across two evaluators (the mask's functions, the kinds' objects). */
const comparable = (plan: ObligationPlan | undefined) =>
  plan && { ...plan, fields: plan.fields && plan.fields.byRule, extensions: plan.extensions.map((e) => [e.kind.key, e.planned]) };

describe(`explain against the gateway (${RUNS} cases, seed ${SEED})`, () => {
  it(
    'reaches the same decision and the same obligation plan, and refuses the same arguments',
    async () => {
      const tally = { allow: 0, deny: 0, refusedArguments: 0 };
      await fc.assert(
        fc.asyncProperty(caseArb(), async ([p, ignore, sent]) => {
          const subject = subjects[p]!;
          const out = await run(subject, ignore, sent);
          const traced = subject.trace.last;
          // The gateway refused before evaluating (no token, a malformed body, a foreign cursor): explain has nothing to say.
          if (!traced || traced.decisions.length === 0) return;
          const wire = callOf(sent.body)!;
          const { module, method } = JSON.parse(sent.body) as { module: string; method: string };
          if (!MODULE_NAME.test(module) || !METHOD_NAME.test(method)) {
            // A name the wire contract does not admit is no call at all (explain takes only well-formed calls).
            expect(traced.decisions[0]).toMatchObject({ effect: 'deny', reason: NO_RULE_GRANTS });
            return;
          }
          const who = CALLERS[sent.who]!;
          const caller = callerFor(subject.module.policy, who.subjectType, who.id);
          const tracer = recordingTracer();
          const e = await explainCall(subject.module.policy, caller, wire.call, wire.args, undefined, undefined, tracer);
          const [gatewayDecision] = traced.decisions;
          expect(e.decision, `${wire.call} by ${sent.who}`).toEqual(gatewayDecision);
          expect(comparable(tracer.plans[0])).toEqual(comparable(traced.plans[0]));
          expect(tracer.rules.map((r) => [r.rule.id, r.applies, r.matched]).sort()).toEqual(traced.rules.map((r) => [r.rule.id, r.applies, r.matched]).sort());
          tally[e.decision.effect]++;
          if (e.argumentsRefused) {
            tally.refusedArguments++;
            expect(out.status, `${wire.call} ${JSON.stringify(wire.args)}: explain says ${e.argumentsRefused.message}`).toBe(e.argumentsRefused.status);
            expect(out.upstream).toEqual([]);
          } else if (e.decision.effect === 'allow') {
            expect(
              out.status === 400 && out.upstream.length === 0 && out.body?.error?.code === 'INVALID_REQUEST',
              `${wire.call} ${JSON.stringify(wire.args)}`,
            ).toBe(false);
          }
        }),
        params(),
      );
      expect(tally.allow).toBeGreaterThan(RUNS / 10);
      expect(tally.deny).toBeGreaterThan(RUNS / 10);
      expect(tally.refusedArguments).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

it('the generated policies exercise every call and every obligation', () => {
  const rules = subjects.flatMap((s) => s.spec.rules);
  for (const call of Object.keys(CALLS))
    expect(
      rules.some((r) => r.allow === call),
      call,
    ).toBe(true);
  for (const key of ['when', 'resource', 'fields', 'cap', 'writable', 'deny'] as const)
    expect(
      rules.some((r) => r[key] !== undefined),
      key,
    ).toBe(true);
});
