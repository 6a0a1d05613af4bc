// The load benchmark's Wix stub answers what the SDK and the gateway ask, in the emulator's shapes,
// and refuses what did not come through `auth.elevate`.
import { describe, expect, it } from 'vitest';
import { APP_ID, devTokens } from '../src/dev/emulator/index.ts';
import { createWixStub } from './wix-stub.ts';

const TOKEN_INFO = 'https://www.wixapis.com/oauth2/token-info';
const post = (token: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

describe('the Wix stub of the load benchmark', () => {
  it("answers token-info for the dev tokens, and 401 for a token it doesn't know", async () => {
    const stub = await createWixStub();
    const visitor = await stub.fetch(TOKEN_INFO, post(devTokens.visitor));
    expect(visitor.status).toBe(200);
    expect(await visitor.json()).toMatchObject({ active: true, subjectType: 'VISITOR', subjectId: 'v-1', clientId: APP_ID, instanceId: expect.any(String) });
    expect((await stub.fetch(TOKEN_INFO, post('forged'))).status).toBe(401);
    expect(stub.counts['token-info']).toBe(1);
  });

  it('answers the product page with merchant data and a next cursor, to the app only', async () => {
    const stub = await createWixStub();
    const url = 'https://www.wixapis.com/stores/v3/products/query?.r=e30';
    const page = await stub.fetch(url, { headers: { Authorization: devTokens.app } });
    const body = (await page.json()) as { products: { visible: boolean; costRange?: unknown }[]; pagingMetadata: { cursors: { next?: string } } };
    expect(body.products).toHaveLength(10);
    expect(body.products.every((p) => p.visible && p.costRange !== undefined)).toBe(true);
    expect(body.pagingMetadata.cursors.next).toEqual(expect.any(String));
    expect((await stub.fetch(url, { headers: { Authorization: devTokens.visitor } })).status).toBe(403);
  });

  it('answers getOrder and searchOrders, and 404 for the rest', async () => {
    const stub = await createWixStub();
    const app = { Authorization: devTokens.app };
    expect(await (await stub.fetch('https://www.wixapis.com/ecom/v1/orders/o-1?id=o-1', { headers: app })).json()).toMatchObject({ order: { id: 'o-1' } });
    expect((await stub.fetch('https://www.wixapis.com/ecom/v1/orders/nope', { headers: app })).status).toBe(404);
    const search = await stub.fetch('https://www.wixapis.com/ecom/v1/orders/search', { method: 'POST', headers: app, body: '{}' });
    const orders = ((await search.json()) as { orders: { buyerInfo: { memberId: string } }[] }).orders;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.buyerInfo.memberId === 'm-1')).toBe(true);
    expect((await stub.fetch('https://www.wixapis.com/bookings/v2/bookings/x', { headers: app })).status).toBe(404);
    expect((await stub.fetch('https://example.com/', {})).status).toBe(404);
  });
});
