// The Redis stores against a real redis-server (Debian's, started and stopped by the test): several
// gateway instances share one policy's rate limits and one identity cache; an outage refuses
// rate-limited calls (503) and costs the identity cache nothing but token-info calls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';
import { tokenDigest } from '../gateway/identity-cache.ts';
import { REFUSED_TOKEN, type IdentityCache } from '../gateway/caller.ts';
import type { PolicyModule } from '../gateway/policy-module.ts';
import type { RateLimitStore } from '../gateway/rate-limit.ts';
import { haveRedisServer, startRedisServer, type RedisServer } from '../../test/redis/redis-server.ts';
import { parseCachedTokenInfo, redisIdentityCache, redisRateLimitStore, type RedisCommands } from './redis.ts';

const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];
const LIMIT = 5;

type Client = ReturnType<typeof createClient>;

/** A client as an app would configure one: reconnects on its own, fails fast while Redis is down. */
async function connect(url: string): Promise<Client> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: () => 50 },
  });
  client.on('error', () => undefined); // connection errors while Redis is down are expected
  await client.connect();
  return client;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const prefix = (what: string) => `test:${what}:${crypto.randomUUID()}:`;

describe.skipIf(!haveRedisServer)('Redis stores against a real redis-server', () => {
  let server: RedisServer;
  let policy: PolicyModule;
  const clients: Client[] = [];
  const client = async () => {
    const c = await connect(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    policy = await policyFromYaml(`
version: 1
roles: { member: { subjects: [MEMBER] } }
rules:
  - id: member-reads-own-order
    description: Members read one of their own orders, ${LIMIT} a minute.
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    rateLimit: ${LIMIT}/minute
`);
  });
  afterEach(async () => {
    await server.start().catch(() => undefined); // a test that stopped it leaves it running again
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  /** Two gateway instances (two test beds, each with its own emulated Wix) sharing one Redis. */
  async function twoInstances(options: { rateLimits?: (c: Client) => RateLimitStore; identityCache?: (c: Client) => IdentityCache } = {}) {
    const rl = prefix('rl');
    const make = async () => {
      const c = await client();
      return createTestBed({
        policy,
        gateway: {
          rateLimits: options.rateLimits?.(c) ?? redisRateLimitStore(c, { prefix: rl }),
          ...(options.identityCache ? { identityCache: options.identityCache(c) } : {}),
        },
      });
    };
    return [await make(), await make()] as const;
  }

  const getOrder = (bed: ReturnType<typeof createTestBed>, token: string = m1, id = 'o-1') => bed.call(token, 'ecom.orders', 'getOrder', [id]);

  it("node-redis v5's client is a RedisCommands as it is", async () => {
    const c: RedisCommands = await client();
    expect(typeof c.eval).toBe('function');
  });

  describe('the rate-limit store', () => {
    it(`two instances, ${2 * LIMIT} concurrent calls split across them: exactly ${LIMIT} admitted, exactly ${LIMIT} reach Wix`, async () => {
      const [a, b] = await twoInstances();
      const replies = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => getOrder(i % 2 ? b : a)));
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT);
      for (const r of replies.filter((r) => r.status === 429)) {
        expect(r.body.error.code).toBe('RATE_LIMITED');
        const retry = Number(r.headers.get('retry-after'));
        expect(retry).toBeGreaterThanOrEqual(1);
        expect(retry).toBeLessThanOrEqual(60);
      }
      expect(a.upstream().length + b.upstream().length).toBe(LIMIT);
      expect([...a.upstream(), ...b.upstream()].every((r) => r.route === 'getOrder')).toBe(true);
      // Another member has a budget of their own.
      expect((await getOrder(b, m2, 'o-4')).status).toBe(200);
    });

    it('keys are digests: no caller id in Redis, and every window expires', async () => {
      const c = await client();
      const p = prefix('rl');
      const store = redisRateLimitStore(c, { prefix: p });
      await store.hit('rule\u0000MEMBER\u0000m-secret-id', 2, 60, Date.now());
      const keys = await c.keys(`${p}*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^test:rl:[0-9a-f-]+:60000:[0-9a-f]{64}$/);
      expect(keys[0]).not.toContain('m-secret-id');
      const ttl = await c.pTTL(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('a window ends on Redis’s clock and the caller may call again', async () => {
      const store = redisRateLimitStore(await client(), { prefix: prefix('rl') });
      expect((await store.hit('k', 1, 0.2, 0)).allowed).toBe(true);
      const refused = await store.hit('k', 1, 0.2, 0);
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await store.hit('k', 1, 0.2, 0)).allowed).toBe(true);
    });

    it('Redis stopped mid-run: limited calls are 503 and reach nothing; after it is back, service resumes without restarting the gateways', async () => {
      const [a, b] = await twoInstances();
      expect((await getOrder(a)).status).toBe(200);
      expect((await getOrder(b)).status).toBe(200);
      expect(a.upstream().length + b.upstream().length).toBe(2);

      await server.stop();
      const during = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => getOrder(i % 2 ? b : a)));
      for (const r of during) {
        expect(r.status).toBe(503);
        expect(r.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
        expect(r.body.error.message).not.toMatch(/redis|ECONNREFUSED|offline|socket/i);
      }
      expect(a.upstream().length + b.upstream().length).toBe(2); // nothing admitted while down
      expect(a.log.entries.at(-1)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });

      await server.start();
      // The clients reconnect on their own; the gateways are the same objects.
      await until(async () => (await getOrder(a)).status === 200);
      // This redis-server keeps nothing across a restart, so the window starts over: the limit holds again.
      const after = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => getOrder(i % 2 ? b : a)));
      expect(after.filter((r) => r.status === 200)).toHaveLength(LIMIT - 1);
      expect(after.filter((r) => r.status === 429)).toHaveLength(LIMIT + 1);
      expect(a.upstream().length + b.upstream().length).toBe(2 + LIMIT);
    });

    it('a slow Redis (CLIENT PAUSE) refuses the call within timeoutMs, with 503', async () => {
      const admin = await client();
      const [a] = await twoInstances({ rateLimits: (c) => redisRateLimitStore(c, { prefix: prefix('rl'), timeoutMs: 100 }) });
      await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
      try {
        const started = Date.now();
        const reply = await getOrder(a);
        expect(reply.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(a.upstream()).toHaveLength(0);
      } finally {
        await admin.sendCommand(['CLIENT', 'UNPAUSE']);
      }
    });

    it('an unexpected reply rejects (the call is refused, never unlimited)', async () => {
      const fake = (reply: unknown): RedisCommands => ({ eval: async () => reply, get: async () => null, set: async () => 'OK' });
      for (const reply of [null, 'OK', [1], ['1', 100], [1.5, 100], [0, 100], { count: 1 }]) {
        await expect(redisRateLimitStore(fake(reply)).hit('k', 5, 60, 0), JSON.stringify(reply)).rejects.toThrow();
      }
      const never: RedisCommands = { eval: () => new Promise(() => undefined), get: async () => null, set: async () => 'OK' };
      await expect(redisRateLimitStore(never, { timeoutMs: 20 }).hit('k', 5, 60, 0)).rejects.toThrow(/longer than 20 ms/);
    });
  });

  describe('the identity cache', () => {
    it("a second instance's request for a token the first verified asks token-info nothing; the key is the token's digest", async () => {
      const id = prefix('id');
      const [a, b] = await twoInstances({ identityCache: (c) => redisIdentityCache(c, { prefix: id }) });
      expect((await getOrder(a)).status).toBe(200);
      expect(a.tokenInfoRequests()).toHaveLength(1);
      expect((await getOrder(b)).status).toBe(200);
      expect(b.tokenInfoRequests()).toHaveLength(0);

      const c = await client();
      const keys = await c.keys(`${id}*`);
      expect(keys).toEqual([id + (await tokenDigest(m1))]);
      const ttl = await c.pTTL(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await c.get(keys[0]!)).not.toContain(m1);
    });

    it('a refused token is remembered for refusedTtlMs, across instances', async () => {
      const id = prefix('id');
      const [a, b] = await twoInstances({ identityCache: (c) => redisIdentityCache(c, { prefix: id, refusedTtlMs: 5_000 }) });
      const bad = 'not-a-valid-token-3f9a';
      expect((await getOrder(a, bad)).status).toBe(401);
      expect(a.tokenInfoRequests()).toHaveLength(1);
      expect((await getOrder(b, bad)).status).toBe(401);
      expect(b.tokenInfoRequests()).toHaveLength(0);
      const ttl = await (await client()).pTTL(id + (await tokenDigest(bad)));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000);
    });

    it('never past the token’s exp, nor maxTtlMs', async () => {
      const c = await client();
      const id = prefix('id');
      const cache = redisIdentityCache(c, { prefix: id, maxTtlMs: 30_000 });
      const info = { active: true, subjectType: 'MEMBER' as const, subjectId: 'm-9', clientId: 'app', instanceId: 'i' };
      await cache.set('soon', { ...info, exp: Math.floor(Date.now() / 1000) + 3 });
      await cache.set('later', { ...info, exp: Math.floor(Date.now() / 1000) + 3600 });
      await cache.set('expired', { ...info, exp: Math.floor(Date.now() / 1000) - 1 });
      const ttl = async (t: string) => c.pTTL(id + (await tokenDigest(t)));
      expect(await ttl('soon')).toBeLessThanOrEqual(3_000);
      expect(await ttl('soon')).toBeGreaterThan(0);
      expect(await ttl('later')).toBeLessThanOrEqual(30_000);
      expect(await ttl('later')).toBeGreaterThan(25_000);
      expect(await ttl('expired')).toBe(-2); // not stored
      expect(await cache.get('later')).toEqual({ ...info, exp: expect.any(Number) });
      await cache.set('refused', REFUSED_TOKEN);
      expect(await cache.get('refused')).toEqual(REFUSED_TOKEN);
      // An entry whose exp has passed is a miss even if Redis still holds it.
      await c.set(id + (await tokenDigest('stale')), JSON.stringify({ ...info, exp: Math.floor(Date.now() / 1000) - 10 }), {
        expiration: { type: 'PX', value: 60_000 },
      });
      expect(await cache.get('stale')).toBeUndefined();
    });

    it('Redis down: token-info is asked and the call still works', async () => {
      const id = prefix('id');
      const [a, b] = await twoInstances({
        rateLimits: () => ({ hit: async () => ({ allowed: true, retryAfterSeconds: 0 }) }), // this test is about identity only
        identityCache: (c) => redisIdentityCache(c, { prefix: id }),
      });
      expect((await getOrder(a)).status).toBe(200);
      await server.stop();
      const started = Date.now();
      expect((await getOrder(b)).status).toBe(200);
      expect(b.tokenInfoRequests()).toHaveLength(1);
      expect((await getOrder(b)).status).toBe(200);
      expect(b.tokenInfoRequests()).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('a malformed value planted in Redis is a miss, never a pass', async () => {
      const c = await client();
      const id = prefix('id');
      const [a] = await twoInstances({ identityCache: (cl) => redisIdentityCache(cl, { prefix: id }) });
      await c.set(id + (await tokenDigest(m1)), '{"active":"yes","subjectType":"MEMBER","subjectId":"m-2"}', { expiration: { type: 'PX', value: 60_000 } });
      const reply = await getOrder(a, m1, 'o-1');
      expect(reply.status).toBe(200); // m-1's own order: the planted m-2 identity was not used
      expect(a.tokenInfoRequests()).toHaveLength(1);

      const cache = redisIdentityCache(c, { prefix: id });
      const good = { active: true, subjectType: 'MEMBER', subjectId: 'm-1' };
      for (const planted of [
        'not json',
        'null',
        '[]',
        '"text"',
        JSON.stringify({ ...good, active: 1 }),
        JSON.stringify({ ...good, subjectType: 'ADMIN' }),
        JSON.stringify({ ...good, subjectId: 7 }),
        JSON.stringify({ ...good, exp: '9999999999' }),
        JSON.stringify({ ...good, clientId: 42 }),
        JSON.stringify({ ...good, roles: ['admin'] }),
        JSON.stringify({ ...good, subjectId: 'x'.repeat(5000) }),
      ]) {
        await c.set(id + (await tokenDigest('planted')), planted, { expiration: { type: 'PX', value: 60_000 } });
        expect(await cache.get('planted'), planted.slice(0, 80)).toBeUndefined();
      }
      expect(parseCachedTokenInfo(JSON.stringify(good))).toEqual(good);
    });

    it('a client that throws, rejects or never answers is a miss, and set swallows it', async () => {
      const throwing: RedisCommands = {
        eval: async () => undefined,
        get: () => {
          throw new Error('closed');
        },
        set: async () => {
          throw new Error('down');
        },
      };
      const never: RedisCommands = { eval: async () => undefined, get: () => new Promise(() => undefined), set: () => new Promise(() => undefined) };
      const info = { active: true, subjectType: 'MEMBER' as const, subjectId: 'm-1' };
      for (const c of [throwing, never]) {
        const cache = redisIdentityCache(c, { timeoutMs: 20 });
        expect(await cache.get('t')).toBeUndefined();
        await expect(cache.set('t', info)).resolves.toBeUndefined();
      }
    });
  });
});
