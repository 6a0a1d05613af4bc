// The stores over Redis's REST protocol (what a workerd backend can reach): a small bridge speaking
// Upstash's protocol onto a real redis-server stands in for the hosted service, so the commands run
// with Redis's own semantics. Two gateway instances share the limit exactly; a refused token or an
// unreachable bridge refuses rate-limited calls (503), never admits them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';
import type { PolicyModule } from '../gateway/policy-module.ts';
import { haveRedisServer, startRedisServer, type RedisServer } from '../../test/redis/redis-server.ts';
import { redisIdentityCache, redisRateLimitStore } from './redis.ts';
import { upstashRedisCommands } from './upstash-rest.ts';

const TOKEN = 'test-rest-token-3f9a1c';
const LIMIT = 4;

describe.skipIf(!haveRedisServer)("the stores over Upstash's REST protocol", () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let bridge: Server;
  let url: string;
  let policy: PolicyModule;
  const commands: string[][] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    bridge = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', async () => {
        const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { error: 'Unauthorized' });
        try {
          const command = JSON.parse(text) as string[];
          commands.push(command);
          reply(200, { result: await client.sendCommand(command) });
        } catch (error) {
          reply(400, { error: (error as Error).message });
        }
      });
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
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
  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => bridge?.close(resolve));
    await redis?.stop();
  });

  const bed = (token = TOKEN, prefix = 'rest:') => {
    const rest = upstashRedisCommands({ url, token });
    return createTestBed({
      policy,
      gateway: {
        rateLimits: redisRateLimitStore(rest, { prefix, timeoutMs: 2000 }),
        identityCache: redisIdentityCache(rest, { prefix: `${prefix}id:`, timeoutMs: 2000 }),
      },
    });
  };

  it(`two instances, ${2 * LIMIT} concurrent calls: exactly ${LIMIT} admitted and sent to Wix, the commands those of the TCP stores`, async () => {
    const prefix = `rest:${crypto.randomUUID()}:`;
    const [a, b] = [bed(TOKEN, prefix), bed(TOKEN, prefix)];
    const replies = await Promise.all(
      Array.from({ length: 2 * LIMIT }, (_, i) => (i % 2 ? b : a).call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1'])),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(LIMIT);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(LIMIT);
    expect(a.upstream().length + b.upstream().length).toBe(LIMIT);
    expect(new Set(commands.map((c) => c[0]))).toEqual(new Set(['EVAL', 'GET', 'SET']));
  });

  it('a wrong REST token or an unreachable endpoint refuses rate-limited calls (503) and sends nothing to Wix', async () => {
    const wrong = bed('not-the-token', `rest:${crypto.randomUUID()}:`);
    const reply = await wrong.call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1']);
    expect(reply.status).toBe(503);
    expect(JSON.stringify(reply.body)).not.toContain('Unauthorized');
    expect(wrong.upstream()).toHaveLength(0);
    const gone = createTestBed({
      policy,
      gateway: { rateLimits: redisRateLimitStore(upstashRedisCommands({ url: 'http://127.0.0.1:9', token: TOKEN }), { timeoutMs: 2000 }) },
    });
    const down = await gone.call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1']);
    expect(down.status).toBe(503);
    expect(gone.upstream()).toHaveLength(0);
  });

  it('refuses a URL that is not the database REST URL over https', () => {
    expect(() => upstashRedisCommands({ url: 'http://db.example', token: TOKEN })).toThrow(/https/);
    expect(() => upstashRedisCommands({ url: 'https://db.upstash.io', token: '' })).toThrow(/token/);
  });
});
