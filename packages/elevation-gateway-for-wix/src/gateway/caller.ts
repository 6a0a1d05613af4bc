// Who is calling: only the Wix token the runtime received, resolved by Wix token-info. Nothing in
// the body or in other headers can change it. The checks hold without Wix's runtime (a self-hosted
// backend has none): the token must have been issued for this app (token-info's `clientId`), be
// active and unexpired, and name a subject. Invalid, inactive, expired or another app's → 401;
// token-info down or answering something malformed → 503.
import { SUBJECT_TYPES, type SubjectType } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { GatewayError } from './errors.ts';

export const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';
const MAX_TOKEN_LENGTH = 8192;

export interface TokenInfo {
  active: boolean;
  subjectType: SubjectType;
  subjectId: string;
  exp?: number;
  iat?: number;
  clientId?: string;
  siteId?: string;
  instanceId?: string;
}

export interface IdentityOptions {
  /** The app's id: token-info's `clientId` must be this (a token issued for another app is refused). */
  appId: string;
  /** The fetch token-info is asked through (default: the global fetch, as Wix's runtime does). */
  fetch?: typeof fetch;
  timeoutMs?: number;
  cache?: IdentityCache;
  now?: () => number;
}

/**
 * Caches token-info answers (see identity-cache.ts); without one every request asks. `set` is
 * given accepted answers (active, this app's) and refusals (`active: false`), which a cache keeps
 * for a shorter while, so an invalid token does not cost a token-info call every time.
 */
export interface IdentityCache {
  get(token: string): Promise<TokenInfo | undefined>;
  set(token: string, info: TokenInfo): Promise<void>;
}

/** What a cache is given for a token token-info refused (4xx) or the gateway refused. */
export const REFUSED_TOKEN: TokenInfo = Object.freeze({ active: false, subjectType: 'UNKNOWN', subjectId: '' });

const unauthenticated = (reason: string) => new GatewayError('UNAUTHENTICATED', 'A valid Wix token is required in the Authorization header.', {}, reason);
const unavailable = (reason: string) => new GatewayError('IDENTITY_UNAVAILABLE', 'The caller could not be identified right now; try again.', {}, reason);

export function tokenFrom(request: Request): string {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') throw unauthenticated('no Authorization header');
  const token = header.trim().replace(/^Bearer\s+/i, '');
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) throw unauthenticated('malformed token');
  return token;
}

/** Token-info's answer, or undefined when it is not one (a field of the wrong type, say): 503. */
function parseTokenInfo(body: unknown): TokenInfo | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.active !== 'boolean') return undefined;
  const optionalString = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.length <= 256);
  for (const key of ['subjectId', 'clientId', 'siteId', 'instanceId'] as const) if (!optionalString(b[key])) return undefined;
  // Timestamps are numbers; a string (even a numeric one) is not token-info's answer.
  for (const key of ['exp', 'iat'] as const) if (b[key] !== undefined && !(typeof b[key] === 'number' && Number.isFinite(b[key]))) return undefined;
  const subjectType = (SUBJECT_TYPES as readonly unknown[]).includes(b.subjectType) ? (b.subjectType as SubjectType) : 'UNKNOWN';
  const info: TokenInfo = { active: b.active, subjectType, subjectId: typeof b.subjectId === 'string' ? b.subjectId : '' };
  if (typeof b.exp === 'number') info.exp = b.exp;
  if (typeof b.iat === 'number') info.iat = b.iat;
  for (const key of ['clientId', 'siteId', 'instanceId'] as const) {
    const v = b[key];
    if (typeof v === 'string' && v !== '') info[key] = v;
  }
  return info;
}

async function askTokenInfo(token: string, options: IdentityOptions): Promise<TokenInfo> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable('token-info timed out')), timeoutMs);
  });
  try {
    const response = await Promise.race([
      doFetch(TOKEN_INFO_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      }),
      timeout,
    ]);
    if (response.status >= 500 || response.status === 429) throw unavailable(`token-info answered ${response.status}`);
    if (response.status >= 400) throw unauthenticated(`token-info answered ${response.status}`);
    if (response.status !== 200) throw unavailable(`token-info answered ${response.status}`);
    const info = parseTokenInfo(
      await Promise.race([response.json(), timeout]).catch((e) => {
        if (e instanceof GatewayError) throw e;
        return undefined;
      }),
    );
    if (!info) throw unavailable('token-info answered an unexpected body');
    return info;
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw unavailable('token-info unreachable');
  } finally {
    clearTimeout(timer);
  }
}

/** Why an answer does not identify a caller of this app, or undefined when it does. */
function refusalOf(info: TokenInfo, options: IdentityOptions, nowMs: number): GatewayError | undefined {
  if (info.active !== true) return unauthenticated('token inactive');
  if (info.clientId === undefined) return unauthenticated('token-info names no app for the token');
  if (info.clientId !== options.appId) return unauthenticated('token issued for another app');
  if (info.exp !== undefined && info.exp * 1000 <= nowMs) return unauthenticated('token expired');
  // Wix elevates only for a token of an app instance; without one, cursors and rate limits could
  // not be bound to the site.
  if (info.instanceId === undefined) return unauthenticated('token of no app instance');
  return undefined;
}

export async function identifyCaller(request: Request | string, subjectRoles: Record<SubjectType, string[]>, options: IdentityOptions): Promise<Caller> {
  return (await identify(request, subjectRoles, options)).caller;
}

/** The caller, and until when what token-info said of the token holds (its `exp`, in ms; undefined: not said). */
export async function identify(
  request: Request | string,
  subjectRoles: Record<SubjectType, string[]>,
  options: IdentityOptions,
): Promise<{ caller: Caller; expiresAtMs?: number }> {
  const token = typeof request === 'string' ? request : tokenFrom(request);
  const now = options.now ?? Date.now;
  let info = await options.cache?.get(token);
  const cached = info !== undefined;
  if (!info) {
    try {
      info = await askTokenInfo(token, options);
    } catch (e) {
      // Token-info refused the token (4xx): remember that briefly; an outage is never cached.
      if (e instanceof GatewayError && e.code === 'UNAUTHENTICATED') await options.cache?.set(token, REFUSED_TOKEN);
      throw e;
    }
  }
  const refusal = refusalOf(info, options, now());
  if (refusal) {
    if (!cached) await options.cache?.set(token, REFUSED_TOKEN);
    throw refusal;
  }
  const roles = subjectRoles[info.subjectType] ?? [];
  // A caller the policy grants anything must be someone: an empty id would let every such caller
  // share one rate-limit bucket, one cursor binding and one `${caller.id}`.
  if (roles.length > 0 && info.subjectId === '') throw unavailable('token-info answered without a subject id');
  if (!cached) await options.cache?.set(token, info);
  const caller: Caller = { subjectType: info.subjectType, id: info.subjectId, roles };
  if (info.siteId) caller.siteId = info.siteId;
  if (info.instanceId) caller.instanceId = info.instanceId;
  return info.exp !== undefined ? { caller, expiresAtMs: info.exp * 1000 } : { caller };
}
