// The self-hosted adapter runs the gateway's contract suite through its web-standard `fetch`, with
// the real @wix/sdk AppStrategy exchanging the app secret at the emulated Wix OAuth; then what is
// its own: the instance token reused, the bounded instance cache, no elevation without an
// instance, a wrong secret, cross-origin calls.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTERNAL_MESSAGE } from '../contract/envelopes.ts';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, createWixEmulator, devTokens, type WixEmulator } from '../dev/emulator/index.ts';
import { createAppInstancesWix } from '../dev/testing/app-instances.ts';
import { createContractWix, describeContract, type ContractReply, type ContractWix, readReply } from '../dev/testing/contract-suite.ts';
import { memorySink, silentSink } from '../gateway/decision-log.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import { selfHostedGateway, type SelfHostedGatewayOptions } from './self-hosted.ts';

const ENDPOINT = 'https://backend.example/elevate';
const products = { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 5 } }] };

/** The gateway as a deployment would make it, Wix being `emulator` (token-info, REST and, on the global fetch, AppStrategy's exchange). */
function gatewayOn(emulator: WixEmulator, options: Partial<SelfHostedGatewayOptions> = {}) {
  vi.stubGlobal('fetch', emulator.fetch);
  return selfHostedGateway({
    appId: APP_ID,
    appSecret: DEV_APP_SECRET,
    policy: async () => generated,
    fetch: emulator.fetch,
    decisionLog: silentSink,
    ...options,
  });
}

async function send(
  gateway: { fetch(request: Request): Promise<Response> },
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ContractReply & { headers: Headers }> {
  const response = await gateway.fetch(
    new Request(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  return readReply(response);
}

const exchanges = (emulator: WixEmulator) => emulator.requests.filter((r) => r.route === 'token');
const restCalls = (emulator: WixEmulator) => emulator.requests.filter((r) => r.route !== 'token' && r.route !== 'token-info');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('selfHostedGateway', () => {
  let wix: ContractWix;
  let gateway: ReturnType<typeof selfHostedGateway>;
  beforeAll(() => {
    wix = createContractWix();
    gateway = gatewayOn(wix.emulator);
  });
  // The contract's cases run one by one: each gets the global fetch back on this Wix.
  const contract = () => {
    vi.stubGlobal('fetch', wix.emulator.fetch);
    return { wix, post: (token: string | undefined, body: unknown) => send(gateway, token, body) };
  };
  afterAll(() => vi.unstubAllGlobals());

  describeContract('selfHostedGateway(...).fetch, AppStrategy elevating at the emulated Wix OAuth', contract);

  it('refuses to be created without an app secret', () => {
    for (const appSecret of [undefined, '']) {
      expect(() => selfHostedGateway({ appId: APP_ID, appSecret: appSecret as never, policy: async () => generated })).toThrow(/appSecret is missing or empty/);
    }
  });

  it('reuses the instance token: one /oauth2/token across callers and calls of an instance', async () => {
    const emulator = createWixEmulator();
    const fresh = gatewayOn(emulator);
    const calls: [string, unknown][] = [
      [devTokens.visitor, products],
      [devTokens.members['m-1'], { module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 10 } }] }],
      [devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }],
      [devTokens.members['m-2'], products],
      [devTokens.visitor, products],
    ];
    for (const [token, body] of calls) expect((await send(fresh, token, body)).status).toBe(200);
    expect(exchanges(emulator)).toHaveLength(1);
    expect(exchanges(emulator)[0]!.body).toMatchObject({ grant_type: 'client_credentials', instance_id: INSTANCE_ID, client_id: APP_ID });
    expect(restCalls(emulator)).toHaveLength(5);
    expect(restCalls(emulator).every((r) => r.authorization === devTokens.app)).toBe(true);
  });

  it('keeps at most maxInstances instance clients and still answers each instance with its own token', async () => {
    const instances = createAppInstancesWix(['inst-b', 'inst-c']);
    const bounded = gatewayOn(instances.emulator, { maxInstances: 2 });
    const [a, b, c] = [INSTANCE_ID, 'inst-b', 'inst-c'];
    // a, b, c (a out), a (b out), c (hit)
    for (const instance of [a, b, c, a, c]) {
      const before = instances.emulator.requests.length;
      const reply = await send(bounded, instances.visitors[instance], products);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.result.products).toHaveLength(5);
      const query = instances.emulator.requests.slice(before).find((r) => r.route === 'queryProducts')!;
      expect(query.authorization, instance).toBe(instances.appTokens[instance]);
    }
    expect([instances.exchanges(a), instances.exchanges(b), instances.exchanges(c)]).toEqual([2, 1, 1]);
  });

  it('never elevates a token whose token-info names no instance', async () => {
    const noInstance = 'dev-member-token-without-instance-4a2c';
    const emulator = createWixEmulator({ tokens: { [noInstance]: { subjectType: 'MEMBER', subjectId: 'm-1', instanceId: null } } });
    const fresh = gatewayOn(emulator);
    const reply = await send(fresh, noInstance, { module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 10 } }] });
    expect(reply.status, reply.text).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(emulator.requests.map((r) => r.route)).toEqual(['token-info']);
  });

  it("answers a wrong app secret with the gateway's 500 and no data, Wix's refusal in the decision log", async () => {
    const emulator = createWixEmulator();
    const log = memorySink();
    const wrong = gatewayOn(emulator, { appSecret: 'not-the-app-secret', decisionLog: log });
    for (const token of [devTokens.visitor, devTokens.members['m-1']]) {
      const reply = await send(wrong, token, token === devTokens.visitor ? products : { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
      expect(reply.status, reply.text).toBe(500);
      expect(reply.body).toEqual({ error: { code: 'INTERNAL', message: INTERNAL_MESSAGE, requestId: expect.any(String) } });
      expect(reply.text).not.toMatch(/not-the-app-secret|OAuth|stack/);
    }
    expect(restCalls(emulator)).toEqual([]);
    expect(exchanges(emulator)).toHaveLength(2);
    expect(log.entries.map((e) => [e.status, e.code, e.reason])).toEqual([
      [500, 'INTERNAL', expect.stringMatching(/refused.*401/)],
      [500, 'INTERNAL', expect.stringMatching(/refused.*401/)],
    ]);
  });

  it('answers 503 while Wix OAuth is down, and serves once it is back', async () => {
    const down = { token: true };
    const emulator = createWixEmulator({ fault: (route) => (route === 'token' && down.token ? 'error500' : undefined) });
    const fresh = gatewayOn(emulator);
    const reply = await send(fresh, devTokens.visitor, products);
    expect(reply.status, reply.text).toBe(503);
    expect(reply.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    down.token = false;
    expect((await send(fresh, devTokens.visitor, products)).status).toBe(200);
  });

  it('serves the listed browser origins by name and refuses the others before asking Wix', async () => {
    const emulator = createWixEmulator();
    const withOrigins = gatewayOn(emulator, { cors: { origins: ['https://shop.example'] } });
    const listed = await send(withOrigins, devTokens.visitor, products, { origin: 'https://shop.example' });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    emulator.reset();
    const other = await send(withOrigins, devTokens.visitor, products, { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(emulator.requests).toEqual([]);
  });

  it("answers a listed origin's preflight, and gives another origin's no grant", async () => {
    const emulator = createWixEmulator();
    const withOrigins = gatewayOn(emulator, { cors: { origins: ['https://shop.example'] } });
    const preflight = (origin: string) =>
      withOrigins.fetch(
        new Request(ENDPOINT, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
        }),
      );
    const listed = await preflight('https://shop.example');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(listed.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-wix-consistent');
    expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(emulator.requests).toEqual([]);
  });
});
