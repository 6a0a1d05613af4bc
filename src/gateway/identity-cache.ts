// Remembers token-info answers for a short while, so a caller's next requests skip a network
// round trip. Keyed by a SHA-256 digest of the whole token (never a prefix, never the token itself
// held as a key), only for active tokens, never past the token's own `exp` nor the TTL, and bounded
// (least recently used entries go first). Web APIs only: it ships to workerd.
import type { IdentityCache, TokenInfo } from './caller';

export interface IdentityCacheOptions {
  /** How long an answer is trusted at most, in ms (default 60 s): a revoked token lives this long. */
  ttlMs?: number;
  /** Most tokens remembered at once (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_IDENTITY_TTL_MS = 60_000;
export const DEFAULT_IDENTITY_CACHE_ENTRIES = 10_000;

interface Entry {
  info: TokenInfo;
  /** ms since epoch; the entry is gone at this instant. */
  expiresAt: number;
}

const encoder = new TextEncoder();

/** Hex SHA-256 of the full token. */
export async function tokenDigest(token: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function createIdentityCache(options: IdentityCacheOptions = {}): IdentityCache & { readonly size: number } {
  const ttlMs = options.ttlMs ?? DEFAULT_IDENTITY_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_IDENTITY_CACHE_ENTRIES;
  if (!(ttlMs >= 0) || !Number.isFinite(ttlMs)) throw new RangeError('identity cache: ttlMs must be a finite number ≥ 0');
  if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError('identity cache: maxEntries must be an integer ≥ 0');
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry>();

  return {
    get size() { return entries.size; },

    async get(token) {
      if (entries.size === 0) return undefined;
      const key = await tokenDigest(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return { ...entry.info };
    },

    async set(token, info) {
      if (info.active !== true || ttlMs === 0 || maxEntries === 0) return;
      const at = now();
      const expiresAt = Math.min(at + ttlMs, info.exp !== undefined ? info.exp * 1000 : Infinity);
      if (!(expiresAt > at)) return;
      const key = await tokenDigest(token);
      entries.delete(key);
      entries.set(key, { info: { ...info }, expiresAt });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
