// The frontend client end to end: the real `httpClient.fetchWithAuth` from @wix/essentials (the
// caller's token added by a caller-context Wix client, as in a frontend extension), the real api.ts
// behind the Wix runtime, Wix emulated at the HTTP boundary.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '@wix/sdk';
import { createWixEmulator, devTokens, type FaultAction, type RouteName } from '../dev/emulator/index.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { FORBIDDEN_MESSAGE } from '../contract/envelopes.ts';
import { POST } from '../../test/fixtures/shop/src/backend/api/elevate/api.ts';
import { createElevateClient } from './elevate-client.ts';
import type { PermittedCalls } from '../../test/fixtures/shop/src/generated/policy.ts';
import { ElevateError } from './elevate-error.ts';

const BASE = 'https://app.example/functions';

let fault: ((route: RouteName) => FaultAction) | undefined;
const emulator = createWixEmulator({ fault: (route) => fault?.(route) });
const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
let callerToken: string | undefined;
const seenByBackend: string[] = [];

// The frontend's Wix client: its fetchWithAuth adds the caller's token, and its fetch reaches the
// backend the way the Wix runtime does (POST /functions/elevate → api.ts's POST).
const frontend = createClient({
  auth: { getAuthHeaders: async () => ({ headers: callerToken ? { Authorization: callerToken } : {} }) } as never,
  fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seenByBackend.push(new URL(request.url).pathname);
    return runtime.serve(request, POST);
  }) as typeof fetch,
});

async function rejection(promise: Promise<unknown>): Promise<ElevateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ElevateError);
  return error as ElevateError;
}

describe('createElevateClient through httpClient.fetchWithAuth', () => {
  const client = createElevateClient<PermittedCalls>({ baseUrl: BASE });

  beforeAll(() => {
    frontend.enableContext('global');
  });
  afterAll(() => {
    (globalThis as { __wix_context__?: unknown }).__wix_context__ = undefined;
  });
  beforeEach(() => {
    emulator.reset();
    fault = undefined;
    callerToken = undefined;
    seenByBackend.length = 0;
    vi.stubGlobal('fetch', emulator.fetch); // token-info goes through the global fetch
    vi.spyOn(console, 'log').mockImplementation(() => {}); // the decision log
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("returns a member's own order, typed, with dates as the ISO strings JSON carries", async () => {
    callerToken = devTokens.members['m-1'];
    const order = await client.call('ecom.orders.getOrder', 'o-1');
    expect(order._id).toBe('o-1');
    expect(order.buyerInfo?.memberId).toBe('m-1');
    expect(typeof order._createdDate).toBe('string');
    expect(new Date(order._createdDate!).toISOString()).toBe(order._createdDate);
    expect(seenByBackend).toEqual(['/functions/elevate']);
    // The caller's token reached the gateway, which asked token-info about exactly that token.
    expect(emulator.requests.filter((r) => r.route === 'token-info').map((r) => r.body)).toEqual([{ token: devTokens.members['m-1'] }]);
  });

  it('offers the same calls shaped like the SDK (api.stores.productsV3.queryProducts)', async () => {
    callerToken = devTokens.visitor;
    const { products } = await client.api.stores.productsV3.queryProducts({ cursorPaging: { limit: 5 } });
    expect(products).toHaveLength(5);
    for (const p of products!) {
      expect(p.visible).toBe(true);
      expect(p).not.toHaveProperty('costRange');
    }
  });

  it("throws ElevateError FORBIDDEN (403) for another member's order, with the request id", async () => {
    callerToken = devTokens.members['m-1'];
    const error = await rejection(client.call('ecom.orders.getOrder', 'o-4'));
    expect(error).toMatchObject({ name: 'ElevateError', code: 'FORBIDDEN', status: 403, message: FORBIDDEN_MESSAGE });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.upstream).toBeUndefined();
  });

  it('throws UNAUTHENTICATED (401) without a caller token', async () => {
    const error = await rejection(client.api.ecom.orders.getOrder('o-1'));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(error.requestId).toBeTruthy();
  });

  it('throws INVALID_REQUEST (400) for arguments the wire contract refuses', async () => {
    callerToken = devTokens.members['m-1'];
    const untyped = client.call as unknown as (call: string, ...args: unknown[]) => Promise<unknown>;
    const error = await rejection(untyped('ecom.orders.getOrder', 'o-1', 2, 3, 4, 5));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
    expect(error.message).toMatch(/at most 4 arguments/);
  });

  it("throws PAYLOAD_TOO_LARGE (413) for a body over the policy's limit", async () => {
    callerToken = devTokens.members['m-1'];
    const error = await rejection(client.call('ecom.orders.getOrder', 'x'.repeat(70 * 1024)));
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('throws RATE_LIMITED (429) with the retry delay', async () => {
    callerToken = devTokens.members['m-2'];
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await client.call('ecom.orders.cancelOrder', 'o-4', { sendOrderCanceledEmail: false }).then(
          () => 'ok',
          (e: ElevateError) => e.code,
        ),
      );
    }
    expect(outcomes[5]).toBe('RATE_LIMITED');
    const error = await rejection(client.call('ecom.orders.cancelOrder', 'o-4', {}));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("throws UPSTREAM_ERROR (502) carrying Wix's status when an allowed call fails upstream", async () => {
    callerToken = devTokens.members['m-1'];
    fault = (route) => (route === 'getOrder' ? 'error500' : undefined);
    const error = await rejection(client.call('ecom.orders.getOrder', 'o-1'));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 502, upstream: { status: 500 } });
  });

  it('throws IDENTITY_UNAVAILABLE (503) when token-info is down', async () => {
    callerToken = devTokens.members['m-3'];
    fault = (route) => (route === 'token-info' ? 'error500' : undefined);
    const error = await rejection(client.call('ecom.orders.getOrder', 'o-7'));
    expect(error).toMatchObject({ code: 'IDENTITY_UNAVAILABLE', status: 503 });
  });
});

describe('createElevateClient with an injected fetch', () => {
  it('sends { module, method, args } to <base>/elevate, without trailing undefined arguments', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const client = createElevateClient<PermittedCalls>({
      baseUrl: 'https://app.example/functions/',
      fetch: async (url, init) => {
        sent.push({ url, init });
        return new Response(JSON.stringify({ result: { _id: 'p-001', name: 'Product 1' } }), { status: 200 });
      },
    });
    const reply = await client.call('stores.productsV3.getProduct', 'p-001', undefined);
    expect(reply._id).toBe('p-001');
    expect(reply.name).toBe('Product 1');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://app.example/functions/elevate');
    expect(sent[0]!.init.method).toBe('POST');
    expect(JSON.parse(sent[0]!.init.body as string)).toEqual({ module: 'stores.productsV3', method: 'getProduct', args: ['p-001'] });
  });

  it('takes the endpoint URL as given, whatever the structure serves it at', async () => {
    const seen: string[] = [];
    const client = createElevateClient<PermittedCalls>({
      url: 'https://site.example/api/elevate',
      baseUrl: 'https://ignored.example',
      fetch: async (url) => {
        seen.push(url);
        return new Response('{"result":{}}');
      },
    });
    await client.call('ecom.orders.getOrder', 'o-1');
    expect(seen).toEqual(['https://site.example/api/elevate']);
  });

  it('defaults the base URL to import.meta.env.BASE_API_URL, and refuses to start without one', async () => {
    vi.stubEnv('BASE_API_URL', '');
    expect(() => createElevateClient<PermittedCalls>()).toThrow(/BASE_API_URL/);
    vi.stubEnv('BASE_API_URL', 'https://site.example/_api/app/functions');
    let url = '';
    const client = createElevateClient<PermittedCalls>({
      fetch: async (u) => {
        url = u;
        return new Response('{"result":null}', { status: 200 });
      },
    });
    expect(await client.call('ecom.orders.getOrder', 'o-1')).toBeNull();
    expect(url).toBe('https://site.example/_api/app/functions/elevate');
    vi.unstubAllEnvs();
  });

  it("turns a reply that is not the gateway's JSON into BAD_RESPONSE with the HTTP status", async () => {
    const client = createElevateClient<PermittedCalls>({
      baseUrl: BASE,
      fetch: async () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'x-request-id': 'r-1' } }),
    });
    const error = await rejection(client.call('ecom.orders.getOrder', 'o-1'));
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', status: 502, requestId: 'r-1' });
    const crashed = createElevateClient<PermittedCalls>({ baseUrl: BASE, fetch: async () => new Response('{"unexpected":true}', { status: 500 }) });
    expect(await rejection(crashed.call('ecom.orders.getOrder', 'o-1'))).toMatchObject({ code: 'BAD_RESPONSE', status: 500 });
  });

  it('turns a network failure into NETWORK_ERROR (status 0) keeping the cause', async () => {
    const cause = new TypeError('fetch failed');
    const client = createElevateClient<PermittedCalls>({
      baseUrl: BASE,
      fetch: async () => {
        throw cause;
      },
    });
    const error = await rejection(client.call('ecom.orders.getOrder', 'o-1'));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    expect(error.cause).toBe(cause);
  });

  it('keeps its proxies from looking like promises', async () => {
    const client = createElevateClient<PermittedCalls>({ baseUrl: BASE, fetch: async () => new Response('{"result":1}') });
    expect((client.api as unknown as { then?: unknown }).then).toBeUndefined();
    const orders = client.api.ecom.orders;
    expect(await Promise.resolve(orders)).toBe(orders);
  });
});
