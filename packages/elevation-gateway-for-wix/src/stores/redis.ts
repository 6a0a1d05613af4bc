// Redis behind the gateway's two shared-state interfaces, so that many instances of one app (many
// isolates, many servers) share one policy's rate limits and one identity cache. The package never
// imports `redis`: the app passes its own client (node-redis v5's `createClient()` fits
// `RedisCommands` as it is), so workerd apps that have no Redis client carry none. Web APIs only.
//
// Failure rules. The rate-limit store fails closed: a Redis that is unreachable, slow or answers
// something unexpected rejects, and the gateway refuses the call (503), never unlimited. The
// identity cache fails open to the source of truth: a failing or slow `get` is a miss (the gateway
// asks token-info), a failing `set` is swallowed, and an entry that is not a token-info answer is a
// miss, never a pass.
import type { IdentityCache, TokenInfo } from '../gateway/caller.ts';
import { SUBJECT_TYPES } from '../contract/compiled-policy.ts';
import type { RateLimitHit, RateLimitStore } from '../gateway/rate-limit.ts';
import { DEFAULT_IDENTITY_TTL_MS, DEFAULT_REFUSED_TTL_MS, tokenDigest } from '../gateway/identity-cache.ts';

/**
 * The few commands these stores send, shaped as node-redis v5's client methods:
 * `client.eval(script, { keys, arguments })`, `client.get(key)`,
 * `client.set(key, value, { expiration: { type: 'PX', value } })`.
 */
export interface RedisCommands {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
}

export interface RedisRateLimitOptions {
  /** Prefix of every key (default `elevate:rl:`). */
  prefix?: string;
  /** How long a hit may take, in ms (default 250); a slower Redis refuses the call. */
  timeoutMs?: number;
}

export interface RedisIdentityCacheOptions {
  /** Prefix of every key (default `elevate:id:`). */
  prefix?: string;
  /** How long an accepted answer is trusted at most, in ms (default 60 s); never past the token's `exp`. */
  maxTtlMs?: number;
  /** How long a refused token stays refused, in ms (default 10 s). */
  refusedTtlMs?: number;
  /** How long a lookup may take, in ms (default 100); a slower Redis is a miss. */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_REDIS_RATE_LIMIT_PREFIX = 'elevate:rl:';
export const DEFAULT_REDIS_IDENTITY_PREFIX = 'elevate:id:';
export const DEFAULT_REDIS_RATE_LIMIT_TIMEOUT_MS = 250;
export const DEFAULT_REDIS_IDENTITY_TIMEOUT_MS = 100;
const MAX_PREFIX_LENGTH = 128;

/**
 * One fixed window, atomically: the first hit creates the counter and gives it the window's
 * length; every hit answers the count and the time left. A counter found without an expiry (which
 * this script never leaves) is given one, so no caller is ever locked out for good.
 */
export const FIXED_WINDOW_SCRIPT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

class RedisTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`Redis ${what} took longer than ${ms} ms`);
    this.name = 'RedisTimeout';
  }
}

/** The command's promise, or a rejection once `ms` have passed (the command itself is not cancelled). */
async function withTimeout<T>(what: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeout(what, ms)), ms);
  });
  try {
    // `run` may throw synchronously (a client that is closed, say): that is a rejection too.
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkPrefix(name: string, prefix: string): string {
  if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH)
    throw new TypeError(`${name}: prefix must be a string of at most ${MAX_PREFIX_LENGTH} characters`);
  return prefix;
}

function checkMs(name: string, option: string, v: number, min: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new RangeError(`${name}: ${option} must be a finite number ≥ ${min}`);
  return v;
}

function checkClient(name: string, client: RedisCommands): void {
  if (client === null || typeof client !== 'object') throw new TypeError(`${name}: a Redis client is required (node-redis v5's createClient(), connected)`);
  for (const method of ['eval', 'get', 'set'] as const) {
    if (typeof client[method] !== 'function') throw new TypeError(`${name}: the client has no ${method}() method`);
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * A rate-limit store in Redis, shared by every gateway instance that uses the same Redis and
 * prefix. Windows are fixed and counted on Redis's clock (the gateway's `now` is not used), so
 * instances whose clocks differ still share one window. Keys are a SHA-256 digest of the gateway's
 * key (which holds the caller's id), never the id itself.
 */
export function redisRateLimitStore(client: RedisCommands, options: RedisRateLimitOptions = {}): RateLimitStore {
  const name = 'redisRateLimitStore';
  checkClient(name, client);
  const prefix = checkPrefix(name, options.prefix ?? DEFAULT_REDIS_RATE_LIMIT_PREFIX);
  const timeoutMs = checkMs(name, 'timeoutMs', options.timeoutMs ?? DEFAULT_REDIS_RATE_LIMIT_TIMEOUT_MS, 1);

  return {
    async hit(key, limit, windowSeconds): Promise<RateLimitHit> {
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`${name}: limit must be an integer ≥ 0`);
      const windowMs = Math.round(windowSeconds * 1000);
      if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`${name}: windowSeconds must be positive`);
      // The window's length is part of the key: a policy that changes it starts a fresh window.
      const redisKey = `${prefix}${windowMs}:${await tokenDigest(key)}`;
      const reply = await withTimeout('rate-limit hit', timeoutMs, () => client.eval(FIXED_WINDOW_SCRIPT, { keys: [redisKey], arguments: [String(windowMs)] }));
      if (!Array.isArray(reply) || reply.length !== 2 || !isCount(reply[0]) || !isCount(reply[1]) || reply[0] < 1) {
        throw new Error(`${name}: unexpected reply from Redis`);
      }
      const [count, ttlMs] = reply as [number, number];
      if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(ttlMs, windowMs) / 1000)) };
    },
  };
}

const SUBJECT_TYPE_SET: ReadonlySet<unknown> = new Set(SUBJECT_TYPES);
const TOKEN_INFO_KEYS: ReadonlySet<string> = new Set(['active', 'subjectType', 'subjectId', 'exp', 'iat', 'clientId', 'siteId', 'instanceId']);
const MAX_ENTRY_LENGTH = 4096;

/** A cached value read back: a TokenInfo of exactly the expected shape, or undefined. */
export function parseCachedTokenInfo(text: unknown): TokenInfo | undefined {
  if (typeof text !== 'string' || text.length > MAX_ENTRY_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!TOKEN_INFO_KEYS.has(key)) return undefined;
  if (typeof v.active !== 'boolean' || !SUBJECT_TYPE_SET.has(v.subjectType) || typeof v.subjectId !== 'string' || v.subjectId.length > 256) return undefined;
  const info: TokenInfo = { active: v.active, subjectType: v.subjectType as TokenInfo['subjectType'], subjectId: v.subjectId };
  for (const key of ['exp', 'iat'] as const) {
    const t = v[key];
    if (t === undefined) continue;
    if (typeof t !== 'number' || !Number.isFinite(t)) return undefined;
    info[key] = t;
  }
  for (const key of ['clientId', 'siteId', 'instanceId'] as const) {
    const s = v[key];
    if (s === undefined) continue;
    if (typeof s !== 'string' || s === '' || s.length > 256) return undefined;
    info[key] = s;
  }
  return info;
}

/**
 * An identity cache in Redis: a token one instance verified is known to the others. The key is
 * the SHA-256 digest of the whole token, never the token. Accepted answers live at most `maxTtlMs`
 * and never past the token's `exp` (checked again when read, so a clock-skewed writer cannot
 * stretch it); refusals live `refusedTtlMs`.
 */
export function redisIdentityCache(client: RedisCommands, options: RedisIdentityCacheOptions = {}): IdentityCache {
  const name = 'redisIdentityCache';
  checkClient(name, client);
  const prefix = checkPrefix(name, options.prefix ?? DEFAULT_REDIS_IDENTITY_PREFIX);
  const maxTtlMs = checkMs(name, 'maxTtlMs', options.maxTtlMs ?? DEFAULT_IDENTITY_TTL_MS, 0);
  const refusedTtlMs = checkMs(name, 'refusedTtlMs', options.refusedTtlMs ?? DEFAULT_REFUSED_TTL_MS, 0);
  const timeoutMs = checkMs(name, 'timeoutMs', options.timeoutMs ?? DEFAULT_REDIS_IDENTITY_TIMEOUT_MS, 1);
  const now = options.now ?? Date.now;

  return {
    async get(token) {
      try {
        const key = prefix + (await tokenDigest(token));
        const info = parseCachedTokenInfo(await withTimeout('identity lookup', timeoutMs, () => client.get(key)));
        if (!info) return undefined;
        if (info.active && info.exp !== undefined && info.exp * 1000 <= now()) return undefined;
        return info;
      } catch {
        return undefined; // the gateway asks token-info
      }
    },

    async set(token, info) {
      try {
        const at = now();
        let ttl: number;
        if (info.active !== true) ttl = refusedTtlMs;
        else ttl = Math.min(maxTtlMs, info.exp !== undefined ? info.exp * 1000 - at : Infinity);
        ttl = Math.floor(ttl);
        if (!(ttl >= 1)) return;
        const value = JSON.stringify(info);
        if (value.length > MAX_ENTRY_LENGTH) return;
        const key = prefix + (await tokenDigest(token));
        await withTimeout('identity store', timeoutMs, () => client.set(key, value, { expiration: { type: 'PX', value: ttl } }));
      } catch {
        /* a cache that cannot store costs a token-info call later, nothing else */
      }
    },
  };
}
