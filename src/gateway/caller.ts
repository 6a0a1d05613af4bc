// Who is calling: only the Wix token the runtime received, resolved by Wix token-info. Nothing in
// the body or in other headers can change it. Invalid or inactive → 401; token-info down → 503.
import { SUBJECT_TYPES, type SubjectType } from '../policy/compiled';
import { GatewayError } from './errors';

export const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';
const MAX_TOKEN_LENGTH = 8192;

export interface Caller {
  subjectType: SubjectType;
  /** The subject id (visitor, member, user or app id); may be empty for anonymous subjects. */
  id: string;
  siteId?: string;
  instanceId?: string;
  /** Every role the caller holds under the policy, inheritance expanded. */
  roles: string[];
}

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
  /** The fetch token-info is asked through (default: the global fetch, as Wix's runtime does). */
  fetch?: typeof fetch;
  timeoutMs?: number;
  cache?: IdentityCache;
  now?: () => number;
}

/** Caches token-info answers (see identity-cache.ts); the no-op default asks every time. */
export interface IdentityCache {
  get(token: string): Promise<TokenInfo | undefined>;
  set(token: string, info: TokenInfo): Promise<void>;
}

const unauthenticated = (reason: string) => new GatewayError('UNAUTHENTICATED', 'A valid Wix token is required in the Authorization header.', {}, reason);
const unavailable = (reason: string) => new GatewayError('IDENTITY_UNAVAILABLE', 'The caller could not be identified right now; try again.', {}, reason);

export function tokenFrom(request: Request): string {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') throw unauthenticated('no Authorization header');
  const token = header.trim().replace(/^Bearer\s+/i, '');
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) throw unauthenticated('malformed token');
  return token;
}

function parseTokenInfo(body: unknown): TokenInfo | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.active !== 'boolean') return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
  const subjectType = (SUBJECT_TYPES as readonly unknown[]).includes(b.subjectType) ? (b.subjectType as SubjectType) : 'UNKNOWN';
  const info: TokenInfo = { active: b.active, subjectType, subjectId: str(b.subjectId) ?? '' };
  const exp = num(b.exp); if (exp !== undefined) info.exp = exp;
  const iat = num(b.iat); if (iat !== undefined) info.iat = iat;
  const clientId = str(b.clientId); if (clientId) info.clientId = clientId;
  const siteId = str(b.siteId); if (siteId) info.siteId = siteId;
  const instanceId = str(b.instanceId); if (instanceId) info.instanceId = instanceId;
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
    const info = parseTokenInfo(await Promise.race([response.json(), timeout]).catch((e) => {
      if (e instanceof GatewayError) throw e;
      return undefined;
    }));
    if (!info) throw unavailable('token-info answered an unexpected body');
    return info;
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw unavailable('token-info unreachable');
  } finally {
    clearTimeout(timer);
  }
}

export async function identifyCaller(request: Request | string, subjectRoles: Record<SubjectType, string[]>, options: IdentityOptions = {}): Promise<Caller> {
  const token = typeof request === 'string' ? request : tokenFrom(request);
  const now = options.now ?? Date.now;
  let info = await options.cache?.get(token);
  if (!info) {
    info = await askTokenInfo(token, options);
    if (info.active && options.cache) await options.cache.set(token, info);
  }
  if (!info.active) throw unauthenticated('token inactive');
  if (info.exp !== undefined && info.exp * 1000 <= now()) throw unauthenticated('token expired');
  const caller: Caller = { subjectType: info.subjectType, id: info.subjectId, roles: subjectRoles[info.subjectType] ?? [] };
  if (info.siteId) caller.siteId = info.siteId;
  if (info.instanceId) caller.instanceId = info.instanceId;
  return caller;
}
