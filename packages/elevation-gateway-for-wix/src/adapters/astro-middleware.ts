// The 'pre' middleware the `elevationGateway()` integration registers (Astro imports this file by
// its path). On the gateway's route only, it identifies the caller with token-info before
// @wix/astro's middleware runs: that one elevates for every request, answering a framework 500 for
// a token of another app or an invalid one, and granting an anonymous elevated client to a request
// without a token (or with only the `wixSession` cookie). Here those get the gateway's own 401, and
// token-info down its 503, with the gateway's envelopes; a caller token-info accepts goes on.
import type { MiddlewareHandler } from 'astro';
import { WIX_CLIENT_ID } from 'astro:env/client';
import { route } from 'virtual:elevation-gateway-for-wix/astro-route';
import type { SubjectType } from '../contract/compiled-policy.ts';
import type { ErrorReply } from '../contract/envelopes.ts';
import { identifyCaller } from '../gateway/caller.ts';
import { consoleSink } from '../gateway/decision-log.ts';
import { GatewayError, internal, invalid } from '../gateway/errors.ts';
import { jsonResponse } from '../gateway/wire.ts';
import { astroIdentityCache } from './astro-identity.ts';

/** Only who is calling is checked here; the gateway gives the roles from its policy. */
const NO_ROLES: Record<SubjectType, string[]> = { APP: [], USER: [], MEMBER: [], VISITOR: [], UNKNOWN: [] };

/** The gateway's own error reply, logged as the gateway logs one. */
function refuse(e: GatewayError, started: number): Response {
  const requestId = crypto.randomUUID();
  const reply: ErrorReply = { error: { code: e.code, message: e.message, requestId } };
  consoleSink.write({
    time: new Date(started).toISOString(),
    requestId,
    decision: 'error',
    code: e.code,
    ...(e.reason ? { reason: e.reason } : {}),
    status: e.status,
    obligations: [],
    durationMs: Date.now() - started,
  });
  return jsonResponse(e.status, reply, requestId);
}

export const onRequest: MiddlewareHandler = async (context, next) => {
  const onRoute = context.routePattern === route || context.url.pathname.replace(/\/+$/, '') === route;
  if (!onRoute) return next();
  const started = Date.now();
  // The gateway takes POST only: other methods never reach @wix/astro's elevation either.
  if (context.request.method !== 'POST') return refuse(invalid('use POST with a JSON body { module, method, args }'), started);
  try {
    await identifyCaller(context.request, NO_ROLES, { appId: WIX_CLIENT_ID, cache: astroIdentityCache });
  } catch (error) {
    return refuse(error instanceof GatewayError ? error : internal('the Astro middleware failed to identify the caller'), started);
  }
  try {
    return await next();
  } catch {
    // The gateway never throws: what fails here is @wix/astro's own elevation (it asks token-info
    // again), for a caller this middleware had from its cache while Wix's identity service is down.
    return refuse(
      new GatewayError('IDENTITY_UNAVAILABLE', "Wix's identity service could not be reached; try again.", {}, '@wix/astro could not elevate'),
      started,
    );
  }
};
