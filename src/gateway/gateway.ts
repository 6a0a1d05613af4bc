// The gateway core: a web Request in, a web Response out, whatever runs it (the Wix runtime, the
// local server, tests, workerd). The pipeline reads top to bottom: wire → caller → decision →
// enforcement and dispatch → reply and decision log. Nothing escapes as an exception.
import { DEFAULT_LIMITS } from '../contract/compiled-policy';
import { identifyCaller, tokenFrom, type Caller, type IdentityCache } from './caller';
import { PolicyEngine } from './decide';
import { consoleSink, type DecisionEntry, type DecisionSink, type Obligation } from './decision-log';
import { enforce } from './enforce';
import { forbidden, GatewayError, internal, invalid } from './errors';
import { verifyPolicyModule, type PolicyModule } from './policy-module';
import { memoryRateLimitStore, type RateLimitStore } from './rate-limit';
import { createCursorSigner, type CursorSecret, type CursorSecretProvider } from './obligations/signed-cursor';
import { continuedListing } from './continued-listing';
import { wixHostedElevation, type Elevation } from './elevation';
import { checkShape, parseJsonBody, readBodyText } from './request-limits';
import { callRequestSchema, describeWireIssue, jsonResponse } from './wire';
import { MAX_NAME_LENGTH, METHOD_NAME, MODULE_NAME, type ErrorReply } from '../contract/envelopes';

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
  decisionLog?: DecisionSink;
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
  let loading: Promise<{ loaded: PolicyModule; engine: PolicyEngine }> | undefined;
  const load = () => {
    loading ??= verifyPolicyModule(options.policy).then((loaded) => ({ loaded, engine: new PolicyEngine(loaded.policy) }));
    return loading;
  };

  async function handle(request: Request): Promise<Response> {
    const started = now();
    const requestId = crypto.randomUUID();
    const obligations: Obligation[] = [];
    const entry: Omit<DecisionEntry, 'time' | 'durationMs' | 'status'> = { requestId, decision: 'error', obligations };
    let response: Response;
    try {
      if (request.method !== 'POST') throw invalid('use POST with a JSON body { module, method, args }');
      const { loaded, engine } = await load();
      const { policy, sdkMethods } = loaded;
      const limits = policy.limits ?? DEFAULT_LIMITS;

      const token = tokenFrom(request); // no token: 401 before reading anything else
      const body = parseJsonBody(await readBodyText(request, limits), limits);
      checkShape(body, limits);
      const parsed = callRequestSchema.safeParse(body);
      if (!parsed.success) throw invalid(describeWireIssue(parsed.error));
      let args = parsed.data.args ?? [];
      if (args.length > limits.args) throw invalid(`args: at most ${limits.args} arguments`);
      const { module, method } = parsed.data;
      const call = `${module}.${method}`;
      entry.call = call.slice(0, 2 * MAX_NAME_LENGTH + 1);

      const caller: Caller = await identifyCaller(token, policy.subjectRoles, identity);
      entry.caller = { subjectType: caller.subjectType, id: caller.id };

      // Only calls the policy names exist here, looked up by own property; a malformed name is
      // just another unknown call (403), so replies never tell names apart.
      const wellFormed = MODULE_NAME.test(module) && METHOD_NAME.test(method);
      const info = wellFormed && Object.hasOwn(policy.methods, call) ? policy.methods[call] : undefined;
      if (!info || !Object.hasOwn(sdkMethods, call)) throw forbidden('no rule grants this call');

      // A continued listing is decided on its first page's arguments, which its cursor holds; a
      // caller no rule grants the call is refused first, so a cursor never tells calls apart.
      if (!engine.grantsAny(caller, call)) throw forbidden('no rule grants this call');
      const continued = await continuedListing(info, args, caller, cursors);
      if (continued) args = continued.args;
      const decision = engine.decide(caller, call, args);
      if (decision.effect === 'deny') {
        entry.decision = 'deny';
        if (decision.rule) entry.rule = decision.rule.id;
        throw forbidden(decision.reason);
      }
      entry.rule = decision.decidingRule.id;

      // The rate limit counts requests that reach Wix: it is taken right before the first one
      // (a preload included), so a call refused earlier (a bad argument, say) costs nothing.
      const limited = decision.rules.every((r) => r.rateLimit);
      const beforeWix = !limited
        ? undefined
        : async () => {
            let retryAfter = Infinity;
            for (const r of decision.rules) {
              const hit = await rateLimits.hit(`${r.id}\u0000${caller.subjectType}\u0000${caller.id}`, r.rateLimit!.count, r.rateLimit!.windowSeconds, now());
              if (hit.allowed) {
                entry.rule = r.id;
                return;
              }
              retryAfter = Math.min(retryAfter, hit.retryAfterSeconds);
            }
            throw new GatewayError('RATE_LIMITED', `Too many calls; retry in ${retryAfter} s.`, { retryAfterSeconds: retryAfter }, 'rate limit');
          };

      entry.decision = 'allow';
      const result = await enforce({
        policy,
        engine,
        sdkMethods,
        caller,
        info,
        rules: decision.rules,
        args,
        obligations,
        cursors,
        elevation,
        ...(continued ? { continued } : {}),
        ...(beforeWix ? { beforeWix } : {}),
      });
      let text: string;
      try {
        text = JSON.stringify({ result: result === undefined ? null : result });
      } catch {
        throw internal('the result is not JSON');
      }
      response = new Response(text, {
        status: 200,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'x-request-id': requestId,
        },
      });
      entry.code = undefined;
    } catch (error) {
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
      response = jsonResponse(e.status, reply, requestId, headers);
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
