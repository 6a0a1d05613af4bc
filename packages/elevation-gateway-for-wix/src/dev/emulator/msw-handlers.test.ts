/**
 * msw intercepts the GLOBAL fetch (what token-info, the AppStrategy's token exchange and Wix's runtime use)
 * and hands www.wixapis.com requests to the emulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { AppStrategy, createClient } from '@wix/sdk';
import { orders } from '@wix/ecom';
import { auth } from '@wix/essentials';
import { wixHandlers } from './msw-handlers.ts';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, devTokens } from './tokens.ts';
import { createWixEmulator } from './wix-emulator.ts';

const emu = createWixEmulator();
const server = setupServer(...wixHandlers(emu));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  emu.reset();
  delete (globalThis as any).__wix_context__;
});
afterAll(() => server.close());

describe('wixHandlers (msw/node)', () => {
  it('serves token-info to plain global fetch', async () => {
    const res = await fetch('https://www.wixapis.com/oauth2/token-info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: devTokens.members['m-3'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ active: true, subjectType: 'MEMBER', subjectId: 'm-3' });
    expect(emu.requests).toEqual([expect.objectContaining({ route: 'token-info', body: { token: devTokens.members['m-3'] } })]);
  });

  it('serves the SDK when it uses the global fetch (no fetch option)', async () => {
    const token = devTokens.app;
    const client = createClient({
      modules: { orders },
      auth: { getAuthHeaders: async () => ({ headers: { Authorization: token } }), getActiveToken: () => token } as any,
    });
    expect((await client.orders.getOrder('o-2')).fulfillmentStatus).toBe('FULFILLED');
    createClient({ auth: { getAuthHeaders: async () => ({ headers: {} }), getActiveToken: () => devTokens.user } as any }).enableContext('global');
    expect(await auth.getTokenInfo()).toMatchObject({ subjectType: 'USER', subjectId: 'u-1' });
  });

  it("runs the runtime's elevation flow: token-info check, client_credentials exchange, REST call as the app", async () => {
    const callerStrategy = AppStrategy({ appId: APP_ID, appSecret: DEV_APP_SECRET, accessToken: devTokens.members['m-1'] });
    const elevatedStrategy = await callerStrategy.elevated();
    const client = createClient({ modules: { orders }, auth: elevatedStrategy });
    const res = await client.orders.searchOrders({ filter: { 'buyerInfo.memberId': 'm-1' } });
    expect(res.orders?.map((o) => o._id)).toEqual(['o-3', 'o-2', 'o-1']);
    expect(emu.requests.map((r) => r.route)).toEqual(['token-info', 'token', 'searchOrders']);
    expect(emu.requests[1]!.body).toEqual({
      grant_type: 'client_credentials',
      client_id: APP_ID,
      client_secret: DEV_APP_SECRET,
      instance_id: INSTANCE_ID,
    });
    expect(emu.requests[2]!.authorization).toBe(devTokens.app);
  });

  it('the caller side strips the bound session and calls as the caller', async () => {
    const callerStrategy = AppStrategy({ appId: APP_ID, appSecret: DEV_APP_SECRET, accessToken: devTokens.visitor });
    const client = createClient({ modules: { orders }, auth: callerStrategy });
    const err: any = await client.orders.getOrder('o-1').catch((e: unknown) => e);
    expect(err.details.applicationError.code).toBe('PERMISSION_DENIED');
    expect(emu.requests.map((r) => r.route)).toEqual(['token', 'getOrder']);
    expect(emu.requests[1]!.authorization).toBe(devTokens.visitor);
  });
});
