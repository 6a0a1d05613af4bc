// Smoke suite inside workerd, the runtime Wix serves backends on: Wix's own runtime entry from
// @wix/cli-app (routing, token handling, elevation exchange) with this project's api.ts, bundled by
// Vite and run by miniflare 3. Only www.wixapis.com is fake: miniflare's outboundService hands every
// request the worker makes to the emulator. Longer suites run in Node; this one proves the bundle
// actually runs where Wix runs it.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWixEmulator, devTokens } from '../../src/dev/emulator/index.ts';
import { buildWixRuntimeWorker, OUT_DIR } from './build-wix-runtime.ts';
import { startWorker } from './miniflare.ts';

const MERCHANT = /costRange|revenueDetails|"cost"|profit/;
const emulator = createWixEmulator();
let mf: Miniflare;
/** What the worker printed: the gateway's decision log goes to the console. */
const printed: string[] = [];

beforeAll(async () => {
  const scriptPath = await buildWixRuntimeWorker();
  mf = await startWorker({ scriptPath, modulesRoot: OUT_DIR, outbound: (request) => emulator.handle(request), onLine: (line) => printed.push(line) });
});

afterAll(async () => {
  await mf?.dispose();
});

async function post(token: string | undefined, body: unknown, raw = false) {
  emulator.reset();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = token;
  const response = await mf.dispatchFetch('http://localhost/functions/elevate', {
    method: 'POST',
    headers,
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json, text, headers: response.headers };
}

const rest = () => emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token');

describe("api.ts inside workerd, behind Wix's own runtime entry", () => {
  it("a visitor lists visible products; Wix's runtime did the elevation exchange and the REST call carried the app token", async () => {
    const reply = await post(devTokens.visitor, { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 5 } }] });
    expect(reply.status).toBe(200);
    expect(reply.body.result.products).toHaveLength(5);
    expect(reply.body.result.products.every((p: { visible: boolean }) => p.visible)).toBe(true);
    expect(reply.text).not.toMatch(MERCHANT);
    // The runtime's CORS headers prove the reply went through Wix's entry, not straight to POST.
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const routes = emulator.requests.map((r) => r.route);
    // The gateway's token-info, the runtime's own token-info for elevation, the app-token exchange.
    expect(routes.filter((r) => r === 'token-info')).toHaveLength(2);
    expect(routes).toContain('token');
    expect(rest()).toHaveLength(1);
    expect(rest()[0]!.route).toBe('queryProducts');
    expect(rest()[0]!.authorization).toBe(devTokens.app);
  });

  it('a visitor asking for an order is denied (403) and no order request reaches Wix', async () => {
    const reply = await post(devTokens.visitor, { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    expect(rest()).toHaveLength(0);
  });

  it("a member asking for another member's order is denied (403) after the object check", async () => {
    const reply = await post(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-4'] });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    expect(reply.text).not.toContain('m-2');
    expect(rest().map((r) => r.path)).toEqual(['/ecom/v1/orders/o-4']);
    const own = await post(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
    expect(own.status).toBe(200);
    expect(own.body.result._id).toBe('o-1');
  });

  it("a visitor's product with MERCHANT_DATA comes back without cost or profit", async () => {
    const reply = await post(devTokens.visitor, { module: 'stores.productsV3', method: 'getProduct', args: ['p-001', { fields: ['MERCHANT_DATA'] }] });
    expect(reply.status).toBe(200);
    expect(reply.body.result._id).toBe('p-001');
    expect(reply.body.result).not.toHaveProperty('costRange');
    expect(reply.text).not.toMatch(MERCHANT);
    // Wix was asked for the merchant data (the elevated call returns it) and the gateway removed it.
    expect(rest()[0]!.params.fields).toBe('MERCHANT_DATA');
  });

  it('a malformed body is 400 and nothing reaches Wix', async () => {
    const reply = await post(devTokens.visitor, '{"module": "stores.productsV3", ', true);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(rest()).toHaveLength(0);
  });

  it('the decision log is written inside workerd: one line per request, never a token', async () => {
    const reply = await post(devTokens.members['m-2'], { module: 'ecom.orders', method: 'getOrder', args: ['o-4'] });
    expect(reply.status).toBe(200);
    const id = reply.headers.get('x-request-id')!;
    for (let i = 0; i < 50 && !printed.some((l) => l.includes(id)); i++) await new Promise((r) => setTimeout(r, 20));
    const lines = printed.filter((l) => l.includes(id));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: id, decision: 'allow', rule: 'member-reads-own-order', status: 200 });
    const tokens = [devTokens.visitor, devTokens.app, ...Object.values(devTokens.members)];
    for (const line of printed) for (const token of tokens) expect(line).not.toContain(token);
  });

  it('a request without a token is 401 and token-info is not even asked', async () => {
    const reply = await post(undefined, { module: 'stores.productsV3', method: 'queryProducts', args: [{}] });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(emulator.requests).toHaveLength(0);
  });
});
