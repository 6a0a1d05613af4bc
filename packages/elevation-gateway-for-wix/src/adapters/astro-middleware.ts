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
import { GatewayError, internal } from '../gateway/errors.ts';
import { jsonResponse } from '../gateway/wire.ts';
import { astroIdentityCache } from './astro-identity.ts';

/** Only who is calling is checked here; the gateway gives the roles from its policy. */
const NO_ROLES: Record<SubjectType, string[]> = { APP: [], USER: [], MEMBER: [], VISITOR: [], UNKNOWN: [] };

export const onRequest: MiddlewareHandler = async (context, next) => {
  const onRoute = context.routePattern === route || context.url.pathname.replace(/\/+$/, '') === route;
  if (!onRoute) return next();
  const started = Date.now();
  try {
    await identifyCaller(context.request, NO_ROLES, { appId: WIX_CLIENT_ID, cache: astroIdentityCache });
  } catch (error) {
    const e = error instanceof GatewayError ? error : internal('the Astro middleware failed to identify the caller');
    const requestId = crypto.randomUUID();
    const reply: ErrorReply = { error: { code: e.code, message: e.message, requestId } };
    const time = new Date(started).toISOString();
    consoleSink.write({
      time,
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
  return next();
};
