// The real endpoint module, as the Wix runtime serves it: POST from api.ts, token-info answered on
// the global fetch, the SDK's requests going through the runtime's clients.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWixEmulator, devTokens } from '../dev/emulator/index.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { POST } from '../../test/fixtures/shop/src/backend/api/elevate/api.ts';

describe('src/backend/api/elevate/api.ts', () => {
  const emulator = createWixEmulator();
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  let logged: string[];

  beforeEach(() => {
    emulator.reset();
    vi.stubGlobal('fetch', emulator.fetch);
    logged = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      logged.push(String(line));
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  const post = (token: string | undefined, body: unknown) =>
    runtime.serve(
      new Request('https://app.example/functions/elevate', {
        method: 'POST',
        headers: token ? { authorization: token } : {},
        body: JSON.stringify(body),
      }),
      POST,
    );

  it('answers a permitted visitor call and writes one decision-log line without the token', async () => {
    const response = await post(devTokens.visitor, {
      module: 'stores.productsV3',
      method: 'queryProducts',
      args: [{ filter: { visible: true }, cursorPaging: { limit: 10 } }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { products: unknown[] } };
    expect(body.result.products).toHaveLength(10);
    expect(emulator.requests.filter((r) => r.route === 'token-info').map((r) => r.body)).toEqual([{ token: devTokens.visitor }]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain(devTokens.visitor);
    expect(JSON.parse(logged[0]!)).toMatchObject({ decision: 'allow', status: 200 });
  });

  it('answers 401 without a token and 403 for a call nobody is granted, one line each', async () => {
    expect((await post(undefined, { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] })).status).toBe(401);
    expect((await post(devTokens.visitor, { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] })).status).toBe(403);
    expect(logged).toHaveLength(2);
  });
});
