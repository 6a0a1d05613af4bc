/**
 * Drives the REAL Wix SDK (@wix/sdk + @wix/ecom orders + @wix/stores productsV3) against the emulator through
 * `createClient({ fetch: emulator.fetch })`: whatever the SDK puts on the wire is what the emulator must accept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '@wix/sdk';
import { authFor, rejection } from '../testing/sdk-auth.ts';
import { orders } from '@wix/ecom';
import { productsV3 } from '@wix/stores';
import { auth } from '@wix/essentials';
import { seedProducts } from './seed.ts';
import { APP_ID, INSTANCE_ID, SITE_ID, devTokens } from './tokens.ts';
import { createWixEmulator, type WixEmulator, type WixEmulatorOptions } from './wix-emulator.ts';

function clientFor(emu: WixEmulator, token: string) {
  return createClient({ modules: { orders, productsV3 }, auth: authFor(token), fetch: emu.fetch });
}

let emu: WixEmulator;
function fresh(options?: WixEmulatorOptions) {
  emu = createWixEmulator(options);
  return emu;
}
beforeEach(() => fresh());

describe('orders through the SDK (client modules, app token)', () => {
  it('getOrder: GET /ecom/v1/orders/{id}?id={id}, SDK renames id → _id and revives dates', async () => {
    const order = await clientFor(emu, devTokens.app).orders.getOrder('o-1');
    expect(order).toMatchObject({ _id: 'o-1', number: '10001', buyerInfo: { memberId: 'm-1' }, fulfillmentStatus: 'NOT_FULFILLED' });
    expect(order._createdDate).toEqual(new Date('2025-03-01T09:00:00.000Z'));
    expect(order.lineItems?.[0]?.productName?.original).toBe('Linen Tote Bag');
    expect(emu.requests).toEqual([
      expect.objectContaining({
        route: 'getOrder',
        method: 'GET',
        path: '/ecom/v1/orders/o-1',
        search: '?id=o-1',
        authorization: devTokens.app,
      }),
    ]);
  });

  it('searchOrders filtered by buyerInfo.memberId, newest first, with cursor paging', async () => {
    const client = clientFor(emu, devTokens.app);
    const page1 = await client.orders.searchOrders({ filter: { 'buyerInfo.memberId': 'm-2' }, cursorPaging: { limit: 2 } });
    expect(page1.orders?.map((o) => o._id)).toEqual(['o-6', 'o-5']);
    expect(page1.metadata).toMatchObject({ count: 2, hasNext: true });
    const page2 = await client.orders.searchOrders({ cursorPaging: { limit: 2, cursor: page1.metadata!.cursors!.next! } });
    expect(page2.orders?.map((o) => o._id)).toEqual(['o-4']);
    expect(emu.requests[0]).toMatchObject({
      route: 'searchOrders',
      method: 'POST',
      path: '/ecom/v1/orders/search',
      body: { search: { filter: { 'buyerInfo.memberId': 'm-2' }, cursorPaging: { limit: 2 } } },
    });

    const fulfilled = await client.orders.searchOrders({
      filter: { $and: [{ 'buyerInfo.memberId': 'm-1' }, { fulfillmentStatus: { $eq: 'FULFILLED' } }] },
    });
    expect(fulfilled.orders?.map((o) => o._id)).toEqual(['o-2']);
  });

  it('searchOrders with ignoreFilters returns every order', async () => {
    fresh({ ignoreFilters: true });
    const res = await clientFor(emu, devTokens.app).orders.searchOrders({ filter: { 'buyerInfo.memberId': 'm-1' } });
    expect(res.orders).toHaveLength(9);
    expect(new Set(res.orders!.map((o) => o.buyerInfo?.memberId))).toEqual(new Set(['m-1', 'm-2', 'm-3', undefined]));
  });

  it('cancelOrder changes state, is recorded, and a second cancel is an application error', async () => {
    const client = clientFor(emu, devTokens.app);
    const res = await client.orders.cancelOrder('o-4', { sendOrderCanceledEmail: false, restockAllItems: true });
    expect(res.order).toMatchObject({ _id: 'o-4', status: 'CANCELED' });
    expect(emu.data.orders.find((o) => o.id === 'o-4')!.status).toBe('CANCELED');
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'cancelOrder',
      method: 'POST',
      path: '/ecom/v1/orders/o-4/cancel',
      body: { id: 'o-4', sendOrderCanceledEmail: false, restockAllItems: true },
    });
    expect((await client.orders.getOrder('o-4')).status).toBe('CANCELED');

    const err = await rejection(client.orders.cancelOrder('o-4', {}));
    expect(err.details.applicationError.code).toBe('ORDER_ALREADY_CANCELED');

    emu.reset();
    expect((await client.orders.getOrder('o-4')).status).toBe('APPROVED');
  });

  it('surfaces Wix errors as SDK errors carrying details.applicationError.code', async () => {
    const app = clientFor(emu, devTokens.app);
    const notFound = await rejection(app.orders.getOrder('nope'));
    expect(notFound).toBeInstanceOf(Error);
    expect(notFound.status).toBe(404);
    expect(notFound.details.applicationError).toMatchObject({ code: 'ORDER_NOT_FOUND', description: 'Order with id nope not found' });
    expect(notFound.requestId).toMatch(/^emu-\d+$/);

    const member = clientFor(emu, devTokens.members['m-1']);
    const denied = await rejection(member.orders.getOrder('o-1'));
    expect(denied.status).toBe(403);
    expect(denied.details.applicationError.code).toBe('PERMISSION_DENIED');

    const anon = clientFor(emu, 'forged-token');
    const unauth = await rejection(anon.orders.searchOrders({}));
    expect(unauth.status).toBe(401);
    expect(unauth.details.applicationError.code).toBe('UNAUTHENTICATED');
  });

  it('validation errors come back as details.validationError (limit over 100, garbage limits)', async () => {
    const app = clientFor(emu, devTokens.app);
    const tooMany = await rejection(app.orders.searchOrders({ cursorPaging: { limit: 1000 } }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.details.validationError.fieldViolations[0]).toMatchObject({ field: 'search.cursorPaging.limit', violatedRule: 'MAX' });
    // the SDK forwards an array where a number belongs; Wix (and the emulator) reject it
    const arr = await rejection(app.orders.searchOrders({ cursorPaging: { limit: [1, 1000] as any } }));
    expect(arr.status).toBe(400);
    expect(emu.requests.at(-1)!.body).toEqual({ search: { cursorPaging: { limit: [1, 1000] } } });
  });

  it('path parameters reach the wire unencoded (the SDK sharp edge), and land where fetch normalises them', async () => {
    const app = clientFor(emu, devTokens.app);
    const order = await app.orders.getOrder('a/../o-2');
    expect(order._id).toBe('o-2');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'getOrder', path: '/ecom/v1/orders/o-2', params: { id: 'a/../o-2' } });
    const err = await rejection(app.orders.cancelOrder('x/../../v2/other', {}));
    expect(err.status).toBe(404);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'unknown', method: 'POST', path: '/ecom/v1/v2/other/cancel' });
  });
});

describe('productsV3 through the SDK', () => {
  it('getProduct without fields: no merchant data; with MERCHANT_DATA (app): costRange and revenueDetails', async () => {
    const visitor = clientFor(emu, devTokens.visitor);
    const p = await visitor.productsV3.getProduct('p-001');
    expect(p).toMatchObject({ _id: 'p-001', name: 'Linen Tote Bag', visible: true });
    expect(p.costRange).toBeUndefined();
    expect(p.variantsInfo?.variants?.[0]?.revenueDetails).toBeUndefined();
    expect(emu.requests.at(-1)).toMatchObject({ route: 'getProduct', path: '/stores/v3/products/p-001', search: '?productId=p-001' });

    const app = clientFor(emu, devTokens.app);
    const m = await app.productsV3.getProduct('p-001', { fields: ['MERCHANT_DATA', 'URL'] });
    expect(m.costRange?.minValue?.amount).toMatch(/^\d+\.\d\d$/);
    expect(m.variantsInfo?.variants?.[0]?.revenueDetails?.cost?.amount).toBeDefined();
    expect(emu.requests.at(-1)).toMatchObject({ search: '?productId=p-001&fields=MERCHANT_DATA&fields=URL' });
  });

  it('MERCHANT_DATA and hidden products are refused to non-app callers', async () => {
    const member = clientFor(emu, devTokens.members['m-2']);
    const merchant = await rejection(member.productsV3.getProduct('p-001', { fields: ['MERCHANT_DATA'] }));
    expect(merchant.status).toBe(403);
    expect(merchant.details.applicationError.code).toBe('NO_PERMISSION_TO_READ_MERCHANT_DATA');
    const hidden = await rejection(member.productsV3.getProduct('p-002'));
    expect(hidden.status).toBe(403);
    expect(hidden.details.applicationError.code).toBe('NO_PERMISSION_TO_INCLUDE_NOT_VISIBLE_PRODUCTS');
    expect((await clientFor(emu, devTokens.app).productsV3.getProduct('p-002')).visible).toBe(false);
  });

  it('queryProducts(query, { fields }) goes through the .r parameter', async () => {
    const app = clientFor(emu, devTokens.app);
    const res = await app.productsV3.queryProducts(
      { filter: { visible: false }, sort: [{ fieldName: 'slug', order: 'ASC' }], cursorPaging: { limit: 3 } },
      { fields: ['MERCHANT_DATA'] },
    );
    const hiddenSlugsSorted = seedProducts()
      .filter((p) => !p.visible)
      .map((p) => p.slug)
      .sort();
    expect(res.products?.map((p) => p.slug)).toEqual(hiddenSlugsSorted.slice(0, 3));
    expect(res.products?.map((p) => p.slug)).toEqual(['cedar-blanket', 'cedar-scarf', 'cedar-tote-bag']);
    expect(res.products?.every((p) => p.costRange !== undefined)).toBe(true);
    expect(res.pagingMetadata).toMatchObject({ count: 3, hasNext: true });
    const rec = emu.requests.at(-1)!;
    expect(rec).toMatchObject({ route: 'queryProducts', path: '/stores/v3/products/query' });
    expect(rec.search).toMatch(/^\?\.r=[A-Za-z0-9_-]+$/);
    expect(rec.payload).toEqual({
      query: { filter: { visible: false }, sort: [{ fieldName: 'slug', order: 'ASC' }], cursorPaging: { limit: 3 } },
      fields: ['MERCHANT_DATA'],
    });

    // one argument with cursorPaging → data, not a builder; a visitor sees only visible products, no merchant data
    const visitor = clientFor(emu, devTokens.visitor);
    const v = await visitor.productsV3.queryProducts({ cursorPaging: { limit: 100 } });
    expect(v.products).toHaveLength(87);
    expect(v.products?.some((p) => p.costRange)).toBe(false);
    const denied = await rejection(visitor.productsV3.queryProducts({ cursorPaging: { limit: 1 } }, { fields: ['MERCHANT_DATA'] }));
    expect(denied.details.applicationError.code).toBe('NO_PERMISSION_TO_READ_MERCHANT_DATA');
    const tooMany = await rejection(visitor.productsV3.queryProducts({ cursorPaging: { limit: 101 } }));
    expect(tooMany.details.validationError.fieldViolations[0].field).toBe('query.cursorPaging.limit');
  });

  it('the query builder works too (filter, limit, next page via cursor)', async () => {
    const app = clientFor(emu, devTokens.app);
    const page = await app.productsV3
      .queryProducts({ fields: ['MERCHANT_DATA'] })
      .eq('visible', false)
      .limit(4)
      .find();
    expect(page.items.map((p) => p._id)).toEqual(['p-002', 'p-010', 'p-018', 'p-026']);
    expect(page.items[0]?.costRange).toBeDefined();
    expect(page.hasNext()).toBe(true);
    const next = await page.next();
    expect(next.items.map((p) => p._id)).toEqual(['p-034', 'p-042', 'p-050', 'p-058']);
  });

  it('updateProduct: PATCH /stores/v3/products/{id} with { product, fields }, revision checked and incremented', async () => {
    const app = clientFor(emu, devTokens.app);
    const updated = await app.productsV3.updateProduct('p-001', { name: 'Renamed Tote', revision: '1' }, { fields: ['MERCHANT_DATA'] });
    expect(updated).toMatchObject({ _id: 'p-001', name: 'Renamed Tote', revision: '2' });
    expect(updated.costRange).toBeDefined();
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'updateProduct',
      method: 'PATCH',
      path: '/stores/v3/products/p-001',
      body: { product: { name: 'Renamed Tote', revision: '1', id: 'p-001' }, fields: ['MERCHANT_DATA'] },
    });
    const stale = await rejection(app.productsV3.updateProduct('p-001', { name: 'Again', revision: '1' }));
    expect(stale.details.applicationError.code).toBe('REVISION_MISMATCH');
    const visitor = clientFor(emu, devTokens.visitor);
    const denied = await rejection(visitor.productsV3.updateProduct('p-001', { name: 'x', revision: '2' }));
    expect(denied.details.applicationError.code).toBe('PERMISSION_DENIED');
  });
});

describe('ambient context, as in the hosted runtime', () => {
  afterEach(() => {
    delete (globalThis as any).__wix_context__;
    vi.unstubAllGlobals();
  });

  it('enableContext: plain calls run as the caller, auth.elevate(...) as the app', async () => {
    const caller = createClient({ auth: authFor(devTokens.members['m-1']), fetch: emu.fetch });
    const elevated = createClient({ auth: authFor(devTokens.app), fetch: emu.fetch });
    caller.enableContext('global');
    elevated.enableContext('global', { elevated: true });

    const denied = await rejection(orders.getOrder('o-1'));
    expect(denied.details.applicationError.code).toBe('PERMISSION_DENIED');
    expect(emu.requests.at(-1)!.authorization).toBe(devTokens.members['m-1']);

    const order = await auth.elevate(orders.getOrder)('o-1');
    expect(order._id).toBe('o-1');
    expect(emu.requests.at(-1)!.authorization).toBe(devTokens.app);

    const product = await auth.elevate(productsV3.getProduct)('p-002', { fields: ['MERCHANT_DATA'] });
    expect(product.costRange).toBeDefined();
  });

  it('emulator.fetch replaces the global fetch: auth.getTokenInfo() for each dev token', async () => {
    vi.stubGlobal('fetch', emu.fetch);
    const expectations = [
      [devTokens.visitor, 'VISITOR', 'v-1'],
      [devTokens.members['m-1'], 'MEMBER', 'm-1'],
      [devTokens.members['m-2'], 'MEMBER', 'm-2'],
      [devTokens.members['m-3'], 'MEMBER', 'm-3'],
      [devTokens.user, 'USER', 'u-1'],
      [devTokens.app, 'APP', APP_ID],
    ] as const;
    for (const [token, subjectType, subjectId] of expectations) {
      createClient({ auth: authFor(token) }).enableContext('global');
      const info = await auth.getTokenInfo();
      expect(info).toMatchObject({ active: true, subjectType, subjectId, clientId: APP_ID, siteId: SITE_ID, instanceId: INSTANCE_ID });
    }
    createClient({ auth: authFor(devTokens.inactive) }).enableContext('global');
    expect(await auth.getTokenInfo()).toMatchObject({ active: false });

    createClient({ auth: authFor('forged') }).enableContext('global');
    await expect(auth.getTokenInfo()).rejects.toThrow(/401/);
    expect(emu.requests.filter((r) => r.route === 'token-info')).toHaveLength(8);
  });
});

describe('secrets.getSecretValue through the real SDK (@wix/secrets)', () => {
  const secretsClient = async (emu: WixEmulator, token: string) => {
    const { secrets } = await import('@wix/secrets');
    return createClient({ modules: { secrets }, auth: authFor(token), fetch: emu.fetch });
  };

  it('answers { value } to the app, from data.secrets, at the path the SDK requests', async () => {
    const emu = createWixEmulator();
    emu.data.secrets['elevate-cursor-key'] = 'the-value-0123456789';
    const client = await secretsClient(emu, devTokens.app);
    await expect(client.secrets.getSecretValue('elevate-cursor-key')).resolves.toEqual({ value: 'the-value-0123456789' });
    expect(emu.requests.at(-1)).toMatchObject({
      method: 'GET',
      route: 'getSecretValue',
      path: '/_api/cloud-secrets-vault-server/api/v1/secrets/name/elevate-cursor-key',
      search: '?name=elevate-cursor-key',
      authorization: devTokens.app,
    });
    emu.reset();
    expect(emu.data.secrets).toEqual({});
  });

  it('an unknown name is 404 SECRET_NOT_FOUND; a caller other than the app is 403', async () => {
    const emu = createWixEmulator();
    emu.data.secrets.k = 'the-value-0123456789';
    const missing = await rejection((await secretsClient(emu, devTokens.app)).secrets.getSecretValue('nope'));
    expect(missing.status).toBe(404);
    expect(missing.details.applicationError.code).toBe('SECRET_NOT_FOUND');
    const member = await rejection((await secretsClient(emu, devTokens.members['m-1'])).secrets.getSecretValue('k'));
    expect(member.status).toBe(403);
    expect(member.details.applicationError.code).toBe('PERMISSION_DENIED');
  });
});
