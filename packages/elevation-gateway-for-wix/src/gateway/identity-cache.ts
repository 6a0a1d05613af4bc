// Remembers token-info answers for a short while, so a caller's next requests skip a network
// round trip. Keyed by a SHA-256 digest of the whole token (never a prefix, never the token itself
// held as a key); accepted answers never past the token's own `exp` nor the TTL; refused tokens
// (invalid, inactive, another app's) for a shorter while in a map of their own, so a flood of bad
// tokens neither costs a token-info call each nor pushes out the good ones. Both maps are bounded
// (least recently used entries go first). Web APIs only: it ships to workerd.
import type { IdentityCache, TokenInfo } from './caller.ts';
import { hashing } from '../contract/hashing.ts';

export interface IdentityCacheOptions {
  /** How long an answer is trusted at most, in ms (default 60 s): a revoked token lives this long. */
  ttlMs?: number;
  /** Most tokens remembered at once (default 10,000). */
  maxEntries?: number;
  /** How long a refused token stays refused without asking again, in ms (default 10 s). */
  refusedTtlMs?: number;
  /** Most refused tokens remembered at once (default 1,000). */
  maxRefusedEntries?: number;
  now?: () => number;
}

export const DEFAULT_IDENTITY_TTL_MS = 60_000;
export const DEFAULT_IDENTITY_CACHE_ENTRIES = 10_000;
export const DEFAULT_REFUSED_TTL_MS = 10_000;
export const DEFAULT_REFUSED_ENTRIES = 1_000;

interface Entry<T> {
  value: T;
  /** ms since epoch; the entry is gone at this instant. */
  expiresAt: number;
}

/** Hex SHA-256 of the full token (synchronous where the runtime has node:crypto: hashing.ts). */
export function tokenDigest(token: string): Promise<string> {
  return hashing().sha256Hex(token);
}

/**
 * A bounded map from token digests to entries that expire, least recently used first out; `copy`
 * keeps what callers hold apart from what is stored. Also holds caller attributes (caller-attributes.ts).
 */
export function boundedMap<T>(maxEntries: number, now: () => number, copy: (value: T) => T) {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry<T>>();
  return {
    get size() {
      return entries.size;
    },
    get(key: string): T | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return copy(entry.value);
    },
    set(key: string, value: T, expiresAt: number): void {
      if (maxEntries === 0) return;
      entries.delete(key);
      entries.set(key, { value: copy(value), expiresAt });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}

const copyInfo = (info: TokenInfo): TokenInfo => ({ ...info });

export function createIdentityCache(options: IdentityCacheOptions = {}): IdentityCache & { readonly size: number; readonly refusedSize: number } {
  const ttlMs = options.ttlMs ?? DEFAULT_IDENTITY_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_IDENTITY_CACHE_ENTRIES;
  const refusedTtlMs = options.refusedTtlMs ?? DEFAULT_REFUSED_TTL_MS;
  const maxRefused = options.maxRefusedEntries ?? DEFAULT_REFUSED_ENTRIES;
  for (const [name, v] of [
    ['ttlMs', ttlMs],
    ['refusedTtlMs', refusedTtlMs],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`identity cache: ${name} must be a finite number ≥ 0`);
  }
  for (const [name, v] of [
    ['maxEntries', maxEntries],
    ['maxRefusedEntries', maxRefused],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`identity cache: ${name} must be an integer ≥ 0`);
  }
  const now = options.now ?? Date.now;
  const accepted = boundedMap(maxEntries, now, copyInfo);
  const refused = boundedMap(maxRefused, now, copyInfo);

  return {
    get size() {
      return accepted.size;
    },
    get refusedSize() {
      return refused.size;
    },

    async get(token) {
      if (accepted.size === 0 && refused.size === 0) return undefined;
      const key = await tokenDigest(token);
      return accepted.get(key) ?? refused.get(key);
    },

    async set(token, info) {
      const at = now();
      if (info.active !== true) {
        if (refusedTtlMs > 0) refused.set(await tokenDigest(token), info, at + refusedTtlMs);
        return;
      }
      if (ttlMs === 0) return;
      const expiresAt = Math.min(at + ttlMs, info.exp !== undefined ? info.exp * 1000 : Infinity);
      if (!(expiresAt > at)) return;
      accepted.set(await tokenDigest(token), info, expiresAt);
    },
  };
}
