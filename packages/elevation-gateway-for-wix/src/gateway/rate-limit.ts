// Rate limits per caller and rule (`rateLimit: 10/minute`). The default store keeps fixed windows
// in memory: per isolate, so an app served by many isolates needs a shared store behind the same
// interface.
import { GatewayError } from './errors.ts';

export interface RateLimitHit {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts hits per key in fixed windows. Asynchronous, so a shared store (Redis, say) fits behind
 * it; a store that fails or cannot answer must reject, and the call is then refused, never unlimited.
 */
export interface RateLimitStore {
  /** Counts one hit; answers whether it fits and, if not, how long until the window resets. */
  hit(key: string, limit: number, windowSeconds: number, now: number): Promise<RateLimitHit>;
}

export function memoryRateLimitStore(maxKeys = 10_000): RateLimitStore {
  // Map order is "least recently renewed first": a renewed window is re-inserted at the end.
  const windows = new Map<string, { start: number; span: number; count: number }>();
  return {
    async hit(key, limit, windowSeconds, now) {
      const span = windowSeconds * 1000;
      let w = windows.get(key);
      if (!w || now - w.start >= span) {
        if (w) windows.delete(key);
        else if (windows.size >= maxKeys) {
          // Full: drop windows that have run out (each by its own length), then the stalest live one.
          for (const [k, v] of windows) if (now - v.start >= v.span) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        }
        w = { start: now, span, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limit) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + span - now) / 1000)) };
      w.count++;
      return { allowed: true, retryAfterSeconds: 0 };
    },
  };
}

const storeUnavailable = (error: unknown) =>
  new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    'The call could not be completed right now; try again later.',
    {},
    `rate-limit store failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
  );

/**
 * The plan's rate limits as one check: the call goes through when one of its rules has budget left
 * for this caller (that rule is then the one the decision log names); otherwise a 429. A store that
 * throws or rejects is a 503 (UPSTREAM_UNAVAILABLE).
 */
export async function takeRateLimit(
  limits: readonly { rule: string; limit: { count: number; windowSeconds: number } }[],
  store: RateLimitStore,
  caller: { subjectType: string; id: string },
  now: number,
): Promise<string> {
  let retryAfter = Infinity;
  for (const { rule, limit } of limits) {
    let hit: RateLimitHit;
    try {
      hit = await store.hit(`${rule}\u0000${caller.subjectType}\u0000${caller.id}`, limit.count, limit.windowSeconds, now);
    } catch (error) {
      // A store that cannot answer (a shared one unreachable or slow) refuses the call: a 503 the
      // client may retry, never unlimited, and nothing of the store's failure in the reply.
      throw storeUnavailable(error);
    }
    if (hit.allowed) return rule;
    retryAfter = Math.min(retryAfter, hit.retryAfterSeconds);
  }
  throw new GatewayError('RATE_LIMITED', `Too many calls; retry in ${retryAfter} s.`, { retryAfterSeconds: retryAfter }, 'rate limit');
}
