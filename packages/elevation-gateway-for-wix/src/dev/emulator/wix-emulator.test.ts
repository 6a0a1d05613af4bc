import { describe, expect, it } from 'vitest';
import { base64UrlEncode } from './paging.ts';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, SITE_ID, devTokens } from './tokens.ts';
import { createWixEmulator } from './wix-emulator.ts';
import { get, post } from '../testing/wix-requests.ts';

const BASE = 'https://www.wixapis.com';
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;

async function json(res: Response): Promise<any> {
  return res.json();
}

describe('token-info', () => {
  const emu = createWixEmulator({ now: () => NOW });
  const cases = [
    ['visitor', devTokens.visitor, 'VISITOR', 'v-1'],
    ['member m-1', devTokens.members['m-1'], 'MEMBER', 'm-1'],
    ['member m-2', devTokens.members['m-2'], 'MEMBER', 'm-2'],
    ['member m-3', devTokens.members['m-3'], 'MEMBER', 'm-3'],
    ['user', devTokens.user, 'USER', 'u-1'],
    ['app', devTokens.app, 'APP', APP_ID],
  ] as const;

  it.each(cases)('%s token → active %s/%s for the dev site and app', async (_name, token, subjectType, subjectId) => {
    const res = await emu.handle(post('/oauth2/token-info', { token }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      active: true,
      subjectType,
      subjectId,
      exp: NOW_S + 4 * 3600,
      iat: NOW_S - 60,
      clientId: APP_ID,
      siteId: SITE_ID,
      instanceId: INSTANCE_ID,
    });
  });

  it('an expired token → 200 with active: false (claims still present, exp in the past)', async () => {
    const res = await emu.handle(post('/oauth2/token-info', { token: devTokens.inactive }));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ active: false, subjectType: 'MEMBER', subjectId: 'm-1' });
    expect(body.exp).toBeLessThan(NOW_S);
  });

  it('an unknown token → 401 with a Wix error body (400 when configured)', async () => {
    const res = await emu.handle(post('/oauth2/token-info', { token: 'forged' }));
    expect(res.status).toBe(401);
    expect((await json(res)).details.applicationError.code).toBe('UNAUTHENTICATED');
    const emu400 = createWixEmulator({ unknownTokenStatus: 400 });
    expect((await emu400.handle(post('/oauth2/token-info', { token: 'forged' }))).status).toBe(400);
  });

  it('needs a token in the body', async () => {
    const res = await emu.handle(post('/oauth2/token-info', {}));
    expect(res.status).toBe(400);
    expect((await json(res)).details.validationError.fieldViolations[0].field).toBe('token');
  });

  it('extra tokens can be added, with fixed exp', async () => {
    const e = createWixEmulator({
      now: () => NOW,
      tokens: {
        'other-site': { subjectType: 'MEMBER', subjectId: 'm-9', siteId: 'another-site', clientId: 'another-app' },
        'no-instance': { subjectType: 'VISITOR', subjectId: 'v-2', instanceId: null },
        old: { subjectType: 'APP', subjectId: APP_ID, exp: NOW_S - 1 },
      },
    });
    expect(await json(await e.handle(post('/oauth2/token-info', { token: 'other-site' })))).toMatchObject({
      siteId: 'another-site',
      clientId: 'another-app',
    });
    expect(await json(await e.handle(post('/oauth2/token-info', { token: 'no-instance' })))).not.toHaveProperty('instanceId');
    expect((await json(await e.handle(post('/oauth2/token-info', { token: 'old' })))).active).toBe(false);
    // an expired APP token is rejected on REST routes
    expect((await e.handle(get('/ecom/v1/orders/o-1', 'old'))).status).toBe(401);
  });
});

describe('/oauth2/token', () => {
  const emu = createWixEmulator({ now: () => NOW });

  it('client_credentials for the dev app and instance → the app token', async () => {
    const res = await emu.handle(
      post('/oauth2/token', { grant_type: 'client_credentials', client_id: APP_ID, client_secret: DEV_APP_SECRET, instance_id: INSTANCE_ID }),
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ access_token: devTokens.app, token_type: 'Bearer', expires_in: 14400 });
  });

  it('rejects a wrong secret or instance', async () => {
    const bad = await emu.handle(
      post('/oauth2/token', { grant_type: 'client_credentials', client_id: APP_ID, client_secret: 'nope', instance_id: INSTANCE_ID }),
    );
    expect(bad.status).toBe(401);
    const wrongInstance = await emu.handle(
      post('/oauth2/token', { grant_type: 'client_credentials', client_id: APP_ID, client_secret: DEV_APP_SECRET, instance_id: 'x' }),
    );
    expect(wrongInstance.status).toBe(400);
    expect((await emu.handle(post('/oauth2/token', { grant_type: 'password' }))).status).toBe(400);
  });

  it('strip_bound_session returns the caller token', async () => {
    const res = await emu.handle(
      post('/oauth2/token', { grant_type: 'strip_bound_session', client_secret: DEV_APP_SECRET, access_token: devTokens.members['m-2'] }),
    );
    expect(await json(res)).toMatchObject({ access_token: devTokens.members['m-2'], token_type: 'Bearer' });
    const expired = await emu.handle(
      post('/oauth2/token', { grant_type: 'strip_bound_session', client_secret: DEV_APP_SECRET, access_token: devTokens.inactive }),
    );
    expect(expired.status).toBe(401);
  });
});

describe('authorization and error shapes', () => {
  const emu = createWixEmulator();

  it('401 without or with a bad token, on every REST route', async () => {
    for (const req of [
      () => get('/ecom/v1/orders/o-1?id=o-1'),
      () => get('/ecom/v1/orders/o-1?id=o-1', 'forged'),
      () => get('/ecom/v1/orders/o-1?id=o-1', devTokens.inactive),
      () => post('/ecom/v1/orders/search', { search: {} }),
      () => post('/ecom/v1/orders/o-1/cancel', { id: 'o-1' }, 'forged'),
      () => get('/stores/v3/products/p-001?productId=p-001'),
      () => get('/stores/v3/products/query', devTokens.inactive),
    ]) {
      const res = await emu.handle(req());
      expect(res.status).toBe(401);
      const body = await json(res);
      expect(body).toEqual({
        message: 'UNAUTHENTICATED',
        details: { applicationError: { code: 'UNAUTHENTICATED', description: expect.any(String), data: {} } },
      });
    }
  });

  it('orders need the APP token: 403 PERMISSION_DENIED for visitor, member and user', async () => {
    for (const token of [devTokens.visitor, devTokens.members['m-1'], devTokens.user]) {
      for (const req of [
        get('/ecom/v1/orders/o-1?id=o-1', token),
        post('/ecom/v1/orders/search', { search: { filter: { 'buyerInfo.memberId': 'm-1' } } }, token),
        post('/ecom/v1/orders/o-1/cancel', { id: 'o-1' }, token),
      ]) {
        const res = await emu.handle(req);
        expect(res.status).toBe(403);
        expect((await json(res)).details.applicationError.code).toBe('PERMISSION_DENIED');
      }
    }
    expect(emu.data.orders.find((o) => o.id === 'o-1')!.status).toBe('APPROVED');
  });

  it('accepts "Bearer <token>" too', async () => {
    expect((await emu.handle(get('/ecom/v1/orders/o-1', `Bearer ${devTokens.app}`))).status).toBe(200);
  });

  it('404 ORDER_NOT_FOUND in the Wix shape', async () => {
    const res = await emu.handle(get('/ecom/v1/orders/nope?id=nope', devTokens.app));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-wix-request-id')).toMatch(/^emu-\d+$/);
    expect(await json(res)).toEqual({
      message: 'Order with id nope not found',
      details: { applicationError: { code: 'ORDER_NOT_FOUND', description: 'Order with id nope not found', data: { orderId: 'nope' } } },
    });
  });

  it('unknown paths, methods and hosts → 404 with the Wix error shape, route "unknown"', async () => {
    const before = emu.requests.length;
    for (const req of [
      get('/ecom/v2/orders/o-1', devTokens.app),
      new Request(BASE + '/ecom/v1/orders/o-1', { method: 'DELETE', headers: { authorization: devTokens.app } }),
      get('/stores/v1/products/p-001', devTokens.app),
      new Request('https://example.com/ecom/v1/orders/o-1', { headers: { authorization: devTokens.app } }),
    ]) {
      const res = await emu.handle(req);
      expect(res.status).toBe(404);
      expect((await json(res)).details.applicationError.code).toBe('NOT_FOUND');
    }
    expect(emu.requests.slice(before).map((r) => r.route)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('fetch normalises ".." in path parameters: the request lands where the URL points', async () => {
    const res = await emu.fetch(`${BASE}/ecom/v1/orders/x/../../v2/other/cancel`, {
      method: 'POST',
      headers: { authorization: devTokens.app },
      body: '{}',
    });
    expect(res.status).toBe(404);
    // x/.. cancels x, the second .. cancels "orders": an elevated POST to another service's path
    expect(emu.requests.at(-1)).toMatchObject({ path: '/ecom/v1/v2/other/cancel', route: 'unknown' });
    const res2 = await emu.fetch(`${BASE}/ecom/v1/orders/a/../o-2?id=a/../o-2`, { headers: { authorization: devTokens.app } });
    expect((await json(res2)).order.id).toBe('o-2');
  });

  it('invalid JSON bodies → 400', async () => {
    const res = await emu.handle(new Request(BASE + '/ecom/v1/orders/search', { method: 'POST', headers: { authorization: devTokens.app }, body: '{nope' }));
    expect(res.status).toBe(400);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'searchOrders', body: undefined });
  });
});

describe('orders', () => {
  it('getOrder by path or ?id=', async () => {
    const emu = createWixEmulator();
    expect((await json(await emu.handle(get('/ecom/v1/orders/o-4?id=o-4', devTokens.app)))).order).toMatchObject({
      id: 'o-4',
      buyerInfo: { memberId: 'm-2' },
      fulfillmentStatus: 'NOT_FULFILLED',
    });
    expect((await json(await emu.handle(get('/ecom/v1/orders?id=o-2', devTokens.app)))).order.id).toBe('o-2');
  });

  it('searchOrders: filter, default sort createdDate DESC, cursor paging', async () => {
    const emu = createWixEmulator();
    const first = await json(
      await emu.handle(post('/ecom/v1/orders/search', { search: { filter: { 'buyerInfo.memberId': 'm-1' }, cursorPaging: { limit: 2 } } }, devTokens.app)),
    );
    expect(first.orders.map((o: any) => o.id)).toEqual(['o-3', 'o-2']);
    expect(first.metadata).toMatchObject({ count: 2, hasNext: true });
    const second = await json(
      await emu.handle(post('/ecom/v1/orders/search', { search: { cursorPaging: { limit: 2, cursor: first.metadata.cursors.next } } }, devTokens.app)),
    );
    expect(second.orders.map((o: any) => o.id)).toEqual(['o-1']);
    expect(second.metadata).toMatchObject({ count: 1, hasNext: false });
    expect(second.metadata.cursors.next).toBeUndefined();

    const sorted = await json(await emu.handle(post('/ecom/v1/orders/search', { search: { sort: [{ fieldName: 'number', order: 'ASC' }] } }, devTokens.app)));
    expect(sorted.orders.map((o: any) => o.id)).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6', 'o-7', 'o-8', 'o-9']);

    const nf = await json(
      await emu.handle(
        post('/ecom/v1/orders/search', { search: { filter: { fulfillmentStatus: 'NOT_FULFILLED', 'buyerInfo.memberId': { $exists: true } } } }, devTokens.app),
      ),
    );
    expect(nf.orders.map((o: any) => o.id).sort()).toEqual(['o-1', 'o-3', 'o-4', 'o-7']);
  });

  it('searchOrders limits: default 50, max 100, garbage → 400 validation errors on the field path', async () => {
    const emu = createWixEmulator();
    const all = await json(await emu.handle(post('/ecom/v1/orders/search', {}, devTokens.app)));
    expect(all.orders).toHaveLength(9);
    for (const limit of [101, [1, 1000], -1, 1.5, 'ten']) {
      const res = await emu.handle(post('/ecom/v1/orders/search', { search: { cursorPaging: { limit } } }, devTokens.app));
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.details.validationError.fieldViolations[0].field).toBe('search.cursorPaging.limit');
      expect(body.message).toMatch(/^INVALID_ARGUMENT: "search.cursorPaging.limit"/);
    }
    expect((await emu.handle(post('/ecom/v1/orders/search', { search: { cursorPaging: { limit: 100 } } }, devTokens.app))).status).toBe(200);
    const badFilter = await emu.handle(post('/ecom/v1/orders/search', { search: { filter: { id: { $regex: '.*' } } } }, devTokens.app));
    expect(badFilter.status).toBe(400);
    expect((await json(badFilter)).details.validationError.fieldViolations[0].field).toBe('search.filter');
    const badCursor = await emu.handle(post('/ecom/v1/orders/search', { search: { cursorPaging: { cursor: 'forged' } } }, devTokens.app));
    expect(badCursor.status).toBe(400);
  });

  it('ignoreFilters: a misbehaving Wix returns everything (permissions still apply)', async () => {
    const emu = createWixEmulator({ ignoreFilters: true });
    const res = await json(await emu.handle(post('/ecom/v1/orders/search', { search: { filter: { 'buyerInfo.memberId': 'm-1' } } }, devTokens.app)));
    expect(res.orders).toHaveLength(9);
    expect((await emu.handle(post('/ecom/v1/orders/search', { search: {} }, devTokens.visitor))).status).toBe(403);
  });

  it('cancelOrder mutates state; twice → 428 ORDER_ALREADY_CANCELED; missing → 404; reset restores', async () => {
    const emu = createWixEmulator({ now: () => NOW });
    const orders = emu.data.orders;
    const res = await emu.handle(post('/ecom/v1/orders/o-1/cancel', { id: 'o-1', sendOrderCanceledEmail: false }, devTokens.app));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.order).toMatchObject({ id: 'o-1', status: 'CANCELED', updatedDate: new Date(NOW).toISOString() });
    expect(emu.data.orders.find((o) => o.id === 'o-1')!.status).toBe('CANCELED');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'cancelOrder', body: { id: 'o-1', sendOrderCanceledEmail: false } });

    const again = await emu.handle(post('/ecom/v1/orders/o-1/cancel', { id: 'o-1' }, devTokens.app));
    expect(again.status).toBe(428);
    expect((await json(again)).details.applicationError.code).toBe('ORDER_ALREADY_CANCELED');
    const missing = await emu.handle(post('/ecom/v1/orders/o-99/cancel', {}, devTokens.app));
    expect(missing.status).toBe(404);
    expect((await json(missing)).details.applicationError.code).toBe('ORDER_NOT_FOUND');

    emu.reset();
    expect(emu.requests).toHaveLength(0);
    expect(emu.data.orders).toBe(orders);
    expect(emu.data.orders.find((o) => o.id === 'o-1')!.status).toBe('APPROVED');
  });
});

describe('products', () => {
  const emu = createWixEmulator();

  it('getProduct strips merchant data unless fields has MERCHANT_DATA (APP only)', async () => {
    const plain = (await json(await emu.handle(get('/stores/v3/products/p-001?productId=p-001', devTokens.visitor)))).product;
    expect(plain).toMatchObject({ id: 'p-001', visible: true, productType: 'PHYSICAL' });
    expect(plain.costRange).toBeUndefined();
    expect(plain.variantsInfo.variants[0].revenueDetails).toBeUndefined();
    expect(plain.plainDescription).toBeUndefined();

    const merchant = (
      await json(await emu.handle(get('/stores/v3/products/p-001?productId=p-001&fields=MERCHANT_DATA&fields=PLAIN_DESCRIPTION', devTokens.app)))
    ).product;
    expect(merchant.costRange.minValue.amount).toMatch(/^\d+\.\d\d$/);
    expect(merchant.variantsInfo.variants[0].revenueDetails.profitMargin).toEqual(expect.any(Number));
    expect(merchant.plainDescription).toContain('Linen Tote Bag');

    const denied = await emu.handle(get('/stores/v3/products/p-001?productId=p-001&fields=MERCHANT_DATA', devTokens.members['m-1']));
    expect(denied.status).toBe(403);
    expect((await json(denied)).details.applicationError.code).toBe('NO_PERMISSION_TO_READ_MERCHANT_DATA');
  });

  it('hidden products: APP only', async () => {
    const denied = await emu.handle(get('/stores/v3/products/p-002?productId=p-002', devTokens.visitor));
    expect(denied.status).toBe(403);
    expect((await json(denied)).details.applicationError.code).toBe('NO_PERMISSION_TO_INCLUDE_NOT_VISIBLE_PRODUCTS');
    expect((await json(await emu.handle(get('/stores/v3/products/p-002', devTokens.app)))).product.visible).toBe(false);
    const missing = await emu.handle(get('/stores/v3/products/p-999', devTokens.app));
    expect(missing.status).toBe(404);
    expect((await json(missing)).details.applicationError.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('queryProducts through .r: filter, paging, visibility, fields', async () => {
    const r = (payload: unknown) => `/stores/v3/products/query?.r=${base64UrlEncode(JSON.stringify(payload))}`;
    const visitorAll = await json(await emu.handle(get(r({ query: {} }), devTokens.visitor)));
    expect(visitorAll.products).toHaveLength(87);
    expect(visitorAll.products.every((p: any) => p.visible)).toBe(true);
    expect(visitorAll.pagingMetadata).toMatchObject({ count: 87, hasNext: false });

    const appAll = await json(await emu.handle(get(r({ query: { cursorPaging: { limit: 100 } } }), devTokens.app)));
    expect(appAll.products).toHaveLength(100);
    expect(appAll.products[0].costRange).toBeUndefined();

    const hidden = await json(
      await emu.handle(get(r({ query: { filter: { visible: false }, cursorPaging: { limit: 5 } }, fields: ['MERCHANT_DATA'] }), devTokens.app)),
    );
    expect(hidden.products.map((p: any) => p.id)).toEqual(['p-002', 'p-010', 'p-018', 'p-026', 'p-034']);
    expect(hidden.products[0].costRange).toBeDefined();
    expect(hidden.pagingMetadata.hasNext).toBe(true);
    const next = await json(await emu.handle(get(r({ query: { cursorPaging: { cursor: hidden.pagingMetadata.cursors.next } } }), devTokens.app)));
    expect(next.products.map((p: any) => p.id)).toEqual(['p-042', 'p-050', 'p-058', 'p-066', 'p-074', 'p-082', 'p-090', 'p-098']);

    const offset = await json(await emu.handle(get(r({ query: { paging: { limit: 10, offset: 95 } } }), devTokens.app)));
    expect(offset.products.map((p: any) => p.id)).toEqual(['p-096', 'p-097', 'p-098', 'p-099', 'p-100']);
    expect(offset.pagingMetadata).toEqual({ count: 5, offset: 95, total: 100, hasNext: false });

    const denied = await emu.handle(get(r({ query: {}, fields: ['MERCHANT_DATA'] }), devTokens.visitor));
    expect(denied.status).toBe(403);
    expect(emu.requests.at(-1)!.payload).toEqual({ query: {}, fields: ['MERCHANT_DATA'] });
  });

  it('queryProducts limits and malformed input → 400', async () => {
    const r = (payload: unknown) => `/stores/v3/products/query?.r=${base64UrlEncode(JSON.stringify(payload))}`;
    for (const [payload, field] of [
      [{ query: { cursorPaging: { limit: 101 } } }, 'query.cursorPaging.limit'],
      [{ query: { paging: { limit: 1000 } } }, 'query.paging.limit'],
      [{ query: { paging: { offset: -1 } } }, 'query.paging.offset'],
      [{ query: { paging: { limit: 1 }, cursorPaging: { limit: 1 } } }, 'query.paging'],
      [{ query: { filter: { name: { $like: 'x' } } } }, 'query.filter'],
      [{ query: {}, fields: [{}] }, 'fields'],
    ] as const) {
      const res = await emu.handle(get(r(payload), devTokens.app));
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect((await json(res)).details.validationError.fieldViolations[0].field).toBe(field);
    }
    const garbage = await emu.handle(get('/stores/v3/products/query?.r=%%%', devTokens.app));
    expect(garbage.status).toBe(400);
  });

  it('queryProducts also accepts plain query params', async () => {
    const res = await json(
      await emu.handle(
        get(
          `/stores/v3/products/query?query.cursorPaging.limit=3&query.filter=${encodeURIComponent('{"name":{"$startsWith":"cedar"}}')}&fields=MERCHANT_DATA`,
          devTokens.app,
        ),
      ),
    );
    expect(res.products.map((p: any) => p.name)).toEqual(['Cedar Tote Bag', 'Cedar Mug', 'Cedar Notebook']);
    expect(res.products[0].costRange).toBeDefined();
  });

  it('ignoreFilters returns unfiltered products (visitors still only see visible ones)', async () => {
    const e = createWixEmulator({ ignoreFilters: true });
    const r = `/stores/v3/products/query?.r=${base64UrlEncode(JSON.stringify({ query: { filter: { id: 'p-001' } } }))}`;
    expect((await json(await e.handle(get(r, devTokens.app)))).products).toHaveLength(100);
    expect((await json(await e.handle(get(r, devTokens.visitor)))).products).toHaveLength(87);
  });
});

describe('recording, latency and faults', () => {
  it('records every request with route, auth, body, params', async () => {
    const emu = createWixEmulator();
    await emu.handle(get('/stores/v3/products/p-001?productId=p-001&fields=MERCHANT_DATA&fields=URL', devTokens.app));
    await emu.handle(post('/oauth2/token-info', { token: devTokens.visitor }));
    expect(emu.requests).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'GET',
        path: '/stores/v3/products/p-001',
        search: '?productId=p-001&fields=MERCHANT_DATA&fields=URL',
        authorization: devTokens.app,
        body: undefined,
        route: 'getProduct',
        params: { productId: 'p-001', fields: ['MERCHANT_DATA', 'URL'] },
        payload: { productId: 'p-001', fields: ['MERCHANT_DATA', 'URL'] },
      }),
      expect.objectContaining({ seq: 2, method: 'POST', route: 'token-info', authorization: null, body: { token: devTokens.visitor } }),
    ]);
  });

  it('latency per route kind, recorded before the delay', async () => {
    const emu = createWixEmulator({ latencyMs: { tokenInfo: 40, rest: 5 } });
    const t0 = performance.now();
    const pending = emu.handle(post('/oauth2/token-info', { token: devTokens.app }));
    expect(emu.requests).toHaveLength(0); // body is read asynchronously first…
    await new Promise((r) => setTimeout(r, 5));
    expect(emu.requests).toHaveLength(1); // …then recorded while the latency is still running
    expect((await pending).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
  });

  it('fault injection: error500, hang (raced), custom Response; recorded first', async () => {
    const seen: string[] = [];
    const emu = createWixEmulator({
      fault: (route, req) => {
        seen.push(`${route}:${req.seq}`);
        if (route === 'token-info') return 'hang';
        if (route === 'getOrder') return 'error500';
        if (route === 'getProduct') return new Response('teapot', { status: 418 });
        return undefined;
      },
    });
    const hung = emu.handle(post('/oauth2/token-info', { token: devTokens.app }));
    const winner = await Promise.race([hung.then(() => 'answered'), new Promise((r) => setTimeout(() => r('timeout'), 30))]);
    expect(winner).toBe('timeout');

    const err = await emu.handle(get('/ecom/v1/orders/o-1', devTokens.app));
    expect(err.status).toBe(500);
    expect((await json(err)).details.applicationError.code).toBe('INTERNAL_ERROR');
    expect((await emu.handle(get('/stores/v3/products/p-001', devTokens.app))).status).toBe(418);
    expect((await emu.handle(post('/ecom/v1/orders/search', {}, devTokens.app))).status).toBe(200);
    expect(seen).toEqual(['token-info:1', 'getOrder:2', 'getProduct:3', 'searchOrders:4']);
    expect(emu.requests.map((r) => r.route)).toEqual(['token-info', 'getOrder', 'getProduct', 'searchOrders']);
  });

  it('a hang rejects when the request is aborted', async () => {
    const emu = createWixEmulator({ fault: () => 'hang' });
    const ctrl = new AbortController();
    const pending = emu.fetch(`${BASE}/ecom/v1/orders/o-1`, { headers: { authorization: devTokens.app }, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 5);
    await expect(pending).rejects.toThrow();
  });

  it('fallback handles other hosts', async () => {
    const emu = createWixEmulator({ fallback: async () => new Response('elsewhere') });
    expect(await (await emu.fetch('https://example.com/x')).text()).toBe('elsewhere');
    expect(emu.requests).toHaveLength(0);
  });
});
