// appStrategyElevation with the real @wix/sdk AppStrategy against the emulated Wix OAuth: the
// instance comes from the verified caller, the token is exchanged once and reused until it
// expires, the clients are bounded, and a caller without an instance is never elevated.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getOrder } from '@wix/auto_sdk_ecom_orders';
import type { Caller } from '../contract/caller.ts';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, createWixEmulator, devTokens, type WixEmulator } from '../dev/emulator/index.ts';
import { createAppInstancesWix } from '../dev/testing/app-instances.ts';
import { dispatch } from '../gateway/dispatch.ts';
import { GatewayError } from '../gateway/errors.ts';
import { policy } from '../../test/fixtures/shop/src/generated/policy.ts';
import { appStrategyElevation } from './app-strategy-elevation.ts';

const member = (instanceId?: string): Caller => ({ subjectType: 'MEMBER', id: 'm-1', roles: ['member'], ...(instanceId ? { instanceId } : {}) });
const failure = (call: unknown) =>
  Promise.resolve(call).then(
    () => expect.fail('expected a failure'),
    (e: unknown) => e as GatewayError,
  );
const routes = (emulator: WixEmulator) => emulator.requests.map((r) => r.route);

/** AppStrategy asks /oauth2/token with the global fetch: the emulator stands behind it, counted. */
function behindGlobalFetch(emulator: WixEmulator): { global: string[] } {
  const seen = { global: [] as string[] };
  vi.stubGlobal('fetch', ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.global.push(new URL(request.url).pathname);
    return emulator.handle(request);
  }) as typeof fetch);
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('appStrategyElevation', () => {
  it('refuses to be created without an app secret, saying where it comes from', () => {
    for (const appSecret of [undefined, '', '   ']) {
      expect(() => appStrategyElevation({ appId: APP_ID, appSecret: appSecret as never })).toThrow(/appSecret is missing or empty.*WIX_APP_SECRET/);
    }
    expect(() => appStrategyElevation({ appId: '', appSecret: DEV_APP_SECRET })).toThrow(/appId/);
    expect(() => appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, maxInstances: 0 })).toThrow(RangeError);
  });

  it("runs the SDK function as the app, on the caller's instance: one exchange, the token reused", async () => {
    const emulator = createWixEmulator();
    const seen = behindGlobalFetch(emulator);
    const viaOption: string[] = [];
    const elevation = appStrategyElevation({
      appId: APP_ID,
      appSecret: DEV_APP_SECRET,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        viaOption.push(new URL(new Request(input, init).url).pathname);
        return emulator.fetch(input, init);
      }) as typeof fetch,
    });
    for (const id of ['o-1', 'o-2', 'o-4']) {
      const result = (await elevation.elevate(getOrder, member(INSTANCE_ID))(id)) as { _id: string };
      expect(result._id).toBe(id);
    }
    expect(routes(emulator)).toEqual(['token', 'getOrder', 'getOrder', 'getOrder']);
    expect(emulator.requests[0]!.body).toEqual({
      grant_type: 'client_credentials',
      client_id: APP_ID,
      client_secret: DEV_APP_SECRET,
      instance_id: INSTANCE_ID,
    });
    expect(emulator.requests.slice(1).every((r) => r.authorization === devTokens.app)).toBe(true);
    // What @wix/sdk 1.21.16 does: the exchange on the global fetch, the REST calls on the one given.
    expect(seen.global).toEqual(['/oauth2/token']);
    expect(viaOption).toEqual(['/ecom/v1/orders/o-1', '/ecom/v1/orders/o-2', '/ecom/v1/orders/o-4']);
  });

  it('shares one exchange among concurrent first calls of an instance', async () => {
    const emulator = createWixEmulator({ latencyMs: { token: 20 } });
    behindGlobalFetch(emulator);
    const elevation = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, fetch: emulator.fetch });
    const results = await Promise.all(['o-1', 'o-2', 'o-3', 'o-4', 'o-5'].map((id) => elevation.elevate(getOrder, member(INSTANCE_ID))(id)));
    expect(results).toHaveLength(5);
    expect(routes(emulator).filter((r) => r === 'token')).toHaveLength(1);
  });

  it('exchanges again once the token has expired, not before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const emulator = createWixEmulator();
    behindGlobalFetch(emulator);
    const elevation = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, fetch: emulator.fetch });
    const call = () => elevation.elevate(getOrder, member(INSTANCE_ID))('o-1');
    await call();
    vi.setSystemTime(new Date('2026-03-01T13:59:00Z')); // the token is good for 4 h (expires_in 14400)
    await call();
    expect(routes(emulator).filter((r) => r === 'token')).toHaveLength(1);
    vi.setSystemTime(new Date('2026-03-01T14:00:01Z'));
    await call();
    expect(routes(emulator).filter((r) => r === 'token')).toHaveLength(2);
  });

  it('never elevates a caller without an instance: a gateway error (500), nothing asked of Wix', async () => {
    const emulator = createWixEmulator();
    const seen = behindGlobalFetch(emulator);
    const elevation = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, fetch: emulator.fetch });
    const fn = vi.fn(getOrder);
    for (const caller of [member(), { ...member(), instanceId: '' }]) {
      expect(() => elevation.elevate(fn, caller)).toThrow(GatewayError);
      const error = await dispatch(elevation, fn, policy.methods['ecom.orders.getOrder']!, ['o-1'], 5000, caller).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('INTERNAL');
      expect((error as GatewayError).status).toBe(500);
    }
    expect(fn).not.toHaveBeenCalled();
    expect(seen.global).toEqual([]);
    expect(emulator.requests).toEqual([]);
    expect(elevation.size).toBe(0);
  });

  it('keeps at most maxInstances clients, least recently used out, each instance with its own token', async () => {
    const wix = createAppInstancesWix(['inst-b', 'inst-c']);
    behindGlobalFetch(wix.emulator);
    const elevation = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, maxInstances: 2, fetch: wix.emulator.fetch });
    const [a, b, c] = [INSTANCE_ID, 'inst-b', 'inst-c'];
    // a, b, a (hit), c (b out), b (a out), a (c out), b (hit), a (hit), c (b out)
    for (const instance of [a, b, a, c, b, a, b, a, c]) {
      const before = wix.emulator.requests.length;
      expect(((await elevation.elevate(getOrder, member(instance))('o-1')) as { _id: string })._id).toBe('o-1');
      expect(elevation.size).toBeLessThanOrEqual(2);
      const call = wix.emulator.requests.slice(before).find((r) => r.route === 'getOrder')!;
      expect(call.authorization, instance).toBe(wix.appTokens[instance]);
    }
    expect([wix.exchanges(a), wix.exchanges(b), wix.exchanges(c)]).toEqual([2, 2, 2]);
    expect(elevation.size).toBe(2);
  });

  it('gives up an exchange that never answers after 10 s, and the next call starts a new one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hang = { token: true };
    const emulator = createWixEmulator({ fault: (route) => (route === 'token' && hang.token ? 'hang' : undefined) });
    behindGlobalFetch(emulator);
    const elevation = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, fetch: emulator.fetch });
    const first = failure(elevation.elevate(getOrder, member(INSTANCE_ID))('o-1'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await first).code).toBe('UPSTREAM_UNAVAILABLE');
    hang.token = false;
    expect(((await elevation.elevate(getOrder, member(INSTANCE_ID))('o-1')) as { _id: string })._id).toBe('o-1');
    expect(routes(emulator)).toEqual(['token', 'token', 'getOrder']);
  });

  it("answers a refused exchange (wrong secret) as the gateway's 500 and an OAuth outage as 503, never cached", async () => {
    const down = { token: false };
    const emulator = createWixEmulator({ fault: (route) => (route === 'token' && down.token ? 'error500' : undefined) });
    behindGlobalFetch(emulator);
    const wrong = appStrategyElevation({ appId: APP_ID, appSecret: 'not-the-app-secret', fetch: emulator.fetch });
    for (let i = 0; i < 2; i++) {
      const error = await failure(wrong.elevate(getOrder, member(INSTANCE_ID))('o-1'));
      expect(error).toBeInstanceOf(GatewayError);
      expect([error.code, error.status]).toEqual(['INTERNAL', 500]);
      expect(error.reason).toMatch(/refused.*401/);
      expect(JSON.stringify(error)).not.toContain('not-the-app-secret');
    }
    expect(routes(emulator)).toEqual(['token', 'token']);

    emulator.reset();
    const right = appStrategyElevation({ appId: APP_ID, appSecret: DEV_APP_SECRET, fetch: emulator.fetch });
    down.token = true;
    const error = await failure(right.elevate(getOrder, member(INSTANCE_ID))('o-1'));
    expect([error.code, error.status]).toEqual(['UPSTREAM_UNAVAILABLE', 503]);
    down.token = false;
    expect(((await right.elevate(getOrder, member(INSTANCE_ID))('o-1')) as { _id: string })._id).toBe('o-1');
    expect(routes(emulator)).toEqual(['token', 'token', 'getOrder']);
  });
});
