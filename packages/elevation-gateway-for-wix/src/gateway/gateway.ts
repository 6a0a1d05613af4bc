// The gateway core: a web Request in, a web Response out, whatever runs it (the Wix runtime, the
// local server, tests, workerd). The pipeline reads top to bottom: wire → caller → decision →
// enforcement and dispatch → reply and decision log. Nothing escapes as an exception.
import { DEFAULT_LIMITS } from '../contract/compiled-policy.ts';
import { hashing } from '../contract/hashing.ts';
import { identify, tokenFrom, type IdentityCache } from './caller.ts';
import { parseArguments } from './arguments/parse-arguments.ts';
import { attributeNeeds, createCallerAttributeCache, withCallerAttributes, type CallerAttributeCache } from './caller-attributes.ts';
import { argumentRedaction, consoleSink, type ArgumentLogging, type DecisionEntry, type DecisionSink, type Obligation } from './decision-log.ts';
import { enforce } from './enforce.ts';
import { createEvaluator, evaluateCall, type PolicyEvaluator } from './evaluate.ts';
import { forbidden, GatewayError, internal, invalid } from './errors.ts';
import { verifyPolicyModule, type PolicyModule } from './policy-module.ts';
import { memoryRateLimitStore, takeRateLimit, type RateLimitStore } from './rate-limit.ts';
import { createCursorSigner, type CursorSecret, type CursorSecretProvider } from './obligations/signed-cursor.ts';
import { wixHostedElevation, type Elevation } from './elevation.ts';
import type { Tracer } from './tracer.ts';
import { checkShape, parseJsonBody, readBodyText } from './request-limits.ts';
import { callRequestSchema, describeWireIssue, jsonResponse } from './wire.ts';
import { MAX_NAME_LENGTH, METHOD_NAME, MODULE_NAME, type ErrorReply } from '../contract/envelopes.ts';
import type { Limits } from '../contract/compiled-policy.ts';

export interface GatewayOptions {
  /**
   * The app's id (Wix's runtime sets `import.meta.env.APP_ID`). Token-info's `clientId` must be
   * this: a token issued for another app is refused, whoever runs the backend.
   */
  appId: string;
  /** Loads the generated policy module (a dynamic import, so a broken module fails closed). */
  policy: () => Promise<PolicyModule>;
  /** The fetch token-info is asked through (default: global fetch). */
  fetch?: typeof fetch;
  identityCache?: IdentityCache;
  /**
   * Caches the policy's caller attributes (`callerAttributes`) per token digest. Default: an
   * in-memory cache with the identity cache's TTL and bounds when `identityCache` is given, none
   * otherwise (a backend that asks token-info on every request reads attributes every time too).
   */
  callerAttributeCache?: CallerAttributeCache;
  decisionLog?: DecisionSink;
  /**
   * Whether decision-log lines carry the call's arguments (for `elevate replay`): `off` (default)
   * never; `redacted`: every string as `{ "$redacted": "string", "length": n }`, numbers, booleans,
   * null and keys kept; `redacted-numbers`: numbers too as `{ "$redacted": "number" }`. Only of
   * requests whose body passed the wire checks.
   */
  logArguments?: ArgumentLogging;
  rateLimits?: RateLimitStore;
  now?: () => number;
  /**
   * Signs the cursors the gateway hands out. Give every isolate of an app the same secret (e.g.
   * from the app's secrets) so a cursor continues wherever the next page is served; without one,
   * each isolate signs with its own random key. The secret, or an async provider that reads it
   * (asked again every 5 minutes). To rotate, give `{ current, previous }`: cursors
   * the previous key signed still continue until they expire.
   */
  cursorSecret?: CursorSecret | CursorSecretProvider;
  /** How long a cursor continues its listing, in seconds (default 3600). */
  cursorTtlSeconds?: number;
  /** How SDK functions run as the app (default: Wix-hosted, `auth.elevate`). */
  elevation?: Elevation;
  /**
   * A tracer for a request (by its id), to see every rule the engine weighed, its decision and
   * the obligation plan; default none (tracing off costs nothing measurable: `npm run bench`).
   */
  tracer?: (requestId: string) => Tracer | undefined;
}

export interface Gateway {
  handle(request: Request): Promise<Response>;
}

export function createGateway(options: GatewayOptions): Gateway {
  if (typeof options.appId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(options.appId)) {
    throw new TypeError(
      "createGateway: appId is required (the app's id, e.g. import.meta.env.APP_ID): without it a token issued for another app could not be told apart",
    );
  }
  const now = options.now ?? Date.now;
  const elevation = options.elevation ?? wixHostedElevation();
  const log = options.decisionLog ?? consoleSink;
  const redact = argumentRedaction(options.logArguments);
  const rateLimits = options.rateLimits ?? memoryRateLimitStore();
  const cursors = createCursorSigner({
    ...(options.cursorSecret !== undefined ? { secret: options.cursorSecret } : {}),
    ...(options.cursorTtlSeconds !== undefined ? { ttlSeconds: options.cursorTtlSeconds } : {}),
    now,
  });
  const identity = {
    appId: options.appId,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.identityCache ? { cache: options.identityCache } : {}),
    now,
  };
  const attributeCache = options.callerAttributeCache ?? (options.identityCache ? createCallerAttributeCache({ now }) : undefined);
  type Loaded = {
    loaded: PolicyModule;
    evaluator: PolicyEvaluator;
    available: (call: string) => boolean;
    needs: ReturnType<typeof attributeNeeds>;
  };
  let loading: Promise<Loaded> | undefined;
  const load = () => {
    loading ??= verifyPolicyModule(options.policy).then((loaded) => ({
      loaded,
      evaluator: createEvaluator(loaded.policy),
      available: (call: string) => Object.hasOwn(loaded.sdkMethods, call),
      needs: attributeNeeds(loaded.policy),
    }));
    return loading;
  };

  /** The request, read and checked against the wire contract and the policy's limits. */
  async function readCall(request: Request, limits: Limits): Promise<{ module: string; method: string; args: unknown[] }> {
    const body = parseJsonBody(await readBodyText(request, limits), limits);
    checkShape(body, limits);
    const parsed = callRequestSchema.safeParse(body);
    if (!parsed.success) throw invalid(describeWireIssue(parsed.error));
    const args = parsed.data.args ?? [];
    if (args.length > limits.args) throw invalid(`args: at most ${limits.args} arguments`);
    return { module: parsed.data.module, method: parsed.data.method, args };
  }

  /** The pipeline of one request: wire → caller → evaluation → enforcement and dispatch → result. */
  async function run(request: Request, entry: Entry, requestId: string): Promise<unknown> {
    if (request.method !== 'POST') throw invalid('use POST with a JSON body { module, method, args }');
    const { loaded, evaluator, available, needs } = await load();
    const { policy, sdkMethods } = loaded;
    entry.policy = loaded.digest;
    const token = tokenFrom(request); // no token: 401 before reading anything else
    const { module, method, args } = await readCall(request, policy.limits ?? DEFAULT_LIMITS);
    const call = `${module}.${method}`;
    entry.call = call.slice(0, 2 * MAX_NAME_LENGTH + 1);

    const identified = await identify(token, policy.subjectRoles, identity);
    let caller = identified.caller;
    entry.caller = { subjectType: caller.subjectType, id: caller.id };
    // Opted in: the arguments an identified caller sent, redacted (the wire checks bounded them).
    if (redact) entry.args = redact(args);

    // A malformed name is just another unknown call (403), so replies never tell names apart.
    const wellFormed = MODULE_NAME.test(module) && METHOD_NAME.test(method);
    if (!wellFormed) entry.malformedName = true;
    // The caller attributes the call's rules use, read with the app's authority before deciding.
    const needed = wellFormed && available(call) ? needs(caller, call) : [];
    // No elevated read for arguments that cannot be sent: the call is then decided without the
    // attributes (rules naming them match nothing, deny rules naming them hold) and refused as usual.
    const unsendable = needed.length > 0 && !sendable(policy.methods[call]!.signature, args);
    if (needed.length && !unsendable) {
      caller = await withCallerAttributes(
        { policy, sdkMethods, elevation, ...(attributeCache ? { cache: attributeCache } : {}) },
        caller,
        needed,
        token,
        identified.expiresAtMs,
      );
    }
    const tracer = options.tracer?.(requestId);
    const evaluation = await evaluateCall(
      evaluator,
      caller,
      wellFormed ? call : undefined,
      args,
      tracer ? { cursors, available, tracer } : { cursors, available },
    );
    entry.effect = evaluation.effect;
    if (evaluation.effect === 'deny') {
      entry.decision = 'deny';
      if (evaluation.decision.rule) entry.rule = evaluation.decision.rule.id;
      throw forbidden(evaluation.decision.reason);
    }
    // Decided without the attributes it needs: never dispatched, its arguments' own 400 instead.
    if (unsendable) parseArguments(policy.methods[call]!.signature, args);
    const { decision, plan } = evaluation;
    entry.rule = decision.decidingRule.id;
    entry.decision = 'allow';
    // The rate limit counts requests that reach Wix: it is taken right before the first one (a
    // preload included), so a call refused earlier (a bad argument, say) costs nothing.
    const limits = plan.rateLimit;
    return enforce({
      policy,
      engine: evaluator.engine,
      sdkMethods,
      caller,
      info: policy.methods[decision.call]!,
      plan,
      args: evaluation.args,
      obligations: entry.obligations,
      cursors,
      elevation,
      ...(evaluation.continued ? { continued: evaluation.continued } : {}),
      ...(limits ? { beforeWix: async () => void (entry.rule = await takeRateLimit(limits, rateLimits, caller, now())) } : {}),
      // Without rate limits (whose rule is the one whose budget was spent), the rule the object passed decided.
      ...(limits ? {} : { decidedBy: (id: string) => void (entry.rule = id) }),
    });
  }

  async function handle(request: Request): Promise<Response> {
    const started = now();
    const requestId = hashing().randomUUID();
    const entry: Entry = { requestId, decision: 'error', obligations: [] };
    let response: Response;
    try {
      const result = await run(request, entry, requestId);
      response = success(result, requestId);
    } catch (error) {
      response = failure(error, entry, requestId);
    }
    try {
      const { code, ...rest } = entry as DecisionEntry;
      log.write({
        ...rest,
        time: new Date(started).toISOString(),
        ...(code ? { code } : {}),
        status: response.status,
        durationMs: Math.max(0, now() - started),
      } as DecisionEntry);
    } catch {
      /* a failing log sink never changes the reply */
    }
    return response;
  }

  return { handle };
}

function sendable(signature: Parameters<typeof parseArguments>[0], args: unknown[]): boolean {
  try {
    parseArguments(signature, args);
    return true;
  } catch {
    return false;
  }
}

type Entry = Omit<DecisionEntry, 'time' | 'durationMs' | 'status'> & { obligations: Obligation[] };

function success(result: unknown, requestId: string): Response {
  let text: string;
  try {
    text = JSON.stringify({ result: result === undefined ? null : result });
  } catch {
    throw internal('the result is not JSON');
  }
  return new Response(text, {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
    },
  });
}

/** The error reply, and the decision entry finished to say what happened. */
function failure(error: unknown, entry: Entry, requestId: string): Response {
  const e = error instanceof GatewayError ? error : internal('unexpected internal error');
  // Refusals are 'deny': by the policy (403, 429) or, once the policy allowed the call, by its
  // obligations (a 400 for an argument the rule does not accept). An allowed call that failed
  // upstream stays 'allow' (the policy's decision); anything else is 'error'.
  const refusedAfterAllow = entry.decision === 'allow' && e.status < 500;
  if (e.code === 'FORBIDDEN' || e.code === 'RATE_LIMITED' || refusedAfterAllow) entry.decision = 'deny';
  else if (entry.decision !== 'allow') entry.decision = 'error';
  entry.code = e.code;
  // An obligation's 400 names the argument path it refused, never its value.
  if (e.reason) entry.reason = e.reason;
  else if (refusedAfterAllow) entry.reason = e.message;
  const reply: ErrorReply = { error: { code: e.code, message: e.message, requestId } };
  if (e.extra.upstream) reply.error.upstream = e.extra.upstream;
  const headers: Record<string, string> = {};
  if (e.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.extra.retryAfterSeconds);
  return jsonResponse(e.status, reply, requestId, headers);
}
