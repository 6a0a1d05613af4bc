// The same stores for backends that cannot open TCP (workerd: Wix's hosted runtimes, Cloudflare
// Workers): Redis commands over HTTPS with Upstash's REST protocol (one JSON array per command, a
// bearer token, `{ result }` or `{ error }` back). Only `fetch`, so it runs wherever the core runs.
import type { RedisCommands } from './redis.ts';

export interface UpstashRestOptions {
  /** The database's REST URL (`https://<name>.upstash.io`). */
  url: string;
  /** Its REST token, from the app's secrets (never the repository). */
  token: string;
  fetch?: typeof fetch;
}

/** `redisRateLimitStore(upstashRedisCommands({ url, token }))`: a configuration line, no TCP. */
export function upstashRedisCommands(options: UpstashRestOptions): RedisCommands {
  if (!/^https:\/\/[^/\s]+\/?$/.test(options.url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(options.url)) {
    throw new TypeError("upstashRedisCommands: url must be the database's https:// REST URL");
  }
  if (!options.token) throw new TypeError("upstashRedisCommands: token is required (the database's REST token, from the app's secrets)");
  const send = options.fetch ?? fetch;
  const command = async (...parts: (string | number)[]): Promise<unknown> => {
    const response = await send(options.url.replace(/\/$/, ''), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(parts.map(String)),
    });
    const body = (await response.json().catch(() => undefined)) as { result?: unknown; error?: unknown } | undefined;
    // The error's text stays out of replies: the stores turn any rejection into a refusal.
    if (!response.ok || !body || typeof body !== 'object' || 'error' in body || !('result' in body)) throw new Error(`Redis REST answered ${response.status}`);
    return body.result;
  };
  return {
    eval: (script, { keys, arguments: args }) => command('EVAL', script, keys.length, ...keys, ...args),
    get: (key) => command('GET', key),
    set: (key, value, { expiration }) => command('SET', key, value, 'PX', expiration.value),
  };
}
