// Object- and field-level authorization with the example policy (and fixtures for the features it
// does not use): resource conditions, forced filters, item re-checks, preloads, field rules, caps,
// write-field allow-lists, presets and the combination of several rules for one call.
import { describe, expect, it } from 'vitest';
import { createTestBed, type Reply } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens, HIDDEN_PRODUCT_IDS } from '../dev/emulator/index.ts';
import { encodeCursor } from '../dev/emulator/paging.ts';

const visitor = devTokens.visitor;
const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];
const user = devTokens.user;
const withoutRequestId = (r: Reply) => ({ status: r.status, code: r.body.error?.code, message: r.body.error?.message });
const MERCHANT = /costRange|revenueDetails/;

describe('members reach only their own orders', () => {
  it('m-1 reads an own order', async () => {
    const bed = createTestBed();
    const reply = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1']);
    expect(reply.status).toBe(200);
    expect(reply.body.result).toMatchObject({ _id: 'o-1', buyerInfo: { memberId: 'm-1' } });
    expect(bed.upstream()[0]!.authorization).toBe(devTokens.app);
  });

  it("another member's order and a nonexistent id get identical 403 replies", async () => {
    const bed = createTestBed();
    const other = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-4']);
    const missing = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-404']);
    expect(other.status).toBe(403);
    expect(withoutRequestId(other)).toEqual(withoutRequestId(missing));
    expect(Object.keys(other.body.error).sort()).toEqual(Object.keys(missing.body.error).sort());
    expect(JSON.stringify(other.body)).not.toContain('m-2');
  });

  it.each([
    ['no filter', {}],
    ['a filter naming another member', { filter: { 'buyerInfo.memberId': 'm-2' } }],
    ['a widening $or', { filter: { $or: [{ 'buyerInfo.memberId': 'm-2' }, { 'buyerInfo.memberId': { $ne: 'nobody' } }] } }],
    ['a filter on another key', { filter: { fulfillmentStatus: 'FULFILLED' } }],
  ])("m-1's search with %s returns only m-1's orders, even from a Wix that ignores filters", async (_name, search) => {
    for (const ignoreFilters of [false, true]) {
      const bed = createTestBed({ emulator: { ignoreFilters } });
      const reply = await bed.call(m1, 'ecom.orders', 'searchOrders', [search]);
      expect(reply.status).toBe(200);
      const owners = reply.body.result.orders.map((o: any) => o.buyerInfo?.memberId);
      expect(
        owners.every((m: string) => m === 'm-1'),
        `${ignoreFilters ? 'ignoring' : 'honouring'} filters: ${owners}`,
      ).toBe(true);
      expect(JSON.stringify(reply.body)).not.toMatch(/m-2|m-3/);
      expect(Object.keys(reply.body.result).every((k) => ['orders', 'metadata'].includes(k))).toBe(true);
    }
  });

  describe('cursors of restricted lists are signed for the caller', () => {
    const page = async (bed: ReturnType<typeof createTestBed>, token: string, cursor?: string) =>
      bed.call(token, 'ecom.orders', 'searchOrders', [{ cursorPaging: cursor === undefined ? { limit: 1 } : { limit: 1, cursor } }]);

    it('a member pages through own orders with the cursors the gateway hands out', async () => {
      const bed = createTestBed();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 3; i++) {
        const reply = await page(bed, m1, cursor);
        expect(reply.status).toBe(200);
        seen.push(...reply.body.result.orders.map((o: any) => o._id));
        cursor = reply.body.result.metadata.cursors.next;
        if (i < 2) expect(cursor).toMatch(/^gw2\./);
      }
      expect(seen.sort()).toEqual(['o-1', 'o-2', 'o-3']);
      // Wix got its own cursor back, not the signed wrapper.
      const sent = bed
        .upstream()
        .map((r) => (r.body as any).search.cursorPaging.cursor)
        .filter(Boolean);
      expect(sent.length).toBe(2);
      expect(sent.every((c: string) => !c.startsWith('gw2.'))).toBe(true);
    });

    it.each([
      ['a cursor written by the client', () => encodeCursor({ offset: 0, filter: { 'buyerInfo.memberId': 'm-2', 'buyerInfo.email': { $startsWith: 'g' } } })],
      [
        'a signed-looking cursor with a made-up signature',
        () =>
          `gw2.${Buffer.from(JSON.stringify({ c: encodeCursor({ offset: 0, filter: {} }), a: [{}], r: 'x', x: 9e9 })).toString('base64url')}.${'A'.repeat(43)}`,
      ],
      ['a cursor that is not a string', () => 42 as unknown as string],
    ])('%s is 400 and nothing reaches Wix', async (_name, forge) => {
      const bed = createTestBed();
      const reply = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 1, cursor: forge() } }]);
      expect(reply.status).toBe(400);
      expect(bed.upstream()).toHaveLength(0);
    });

    it('a cursor issued to one member does not open for another, nor with its Wix part changed', async () => {
      const bed = createTestBed();
      const next = (await page(bed, m1)).body.result.metadata.cursors.next as string;
      bed.emulator.requests.length = 0;
      expect((await page(bed, m2, next)).status).toBe(400);
      const [prefix, payload, signature] = next.split('.');
      const body = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const tampered = [prefix, Buffer.from(JSON.stringify({ ...body, c: encodeCursor({ offset: 0, filter: {} }) })).toString('base64url'), signature].join(
        '.',
      );
      expect((await page(bed, m1, tampered)).status).toBe(400);
      expect(bed.upstream()).toHaveLength(0);
    });

    it('a visitor cannot query by cost through a cursor either', async () => {
      const bed = createTestBed();
      const cursor = encodeCursor({ offset: 0, filter: { 'costRange.minValue.amount': { $gt: 30 } } });
      const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor, limit: 50 } }]);
      expect(reply.status).toBe(400);
      expect(bed.upstream()).toHaveLength(0);
    });
  });

  it("the forced filter is joined to the client's with $and, so it can only narrow", async () => {
    const bed = createTestBed();
    const reply = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ filter: { fulfillmentStatus: 'NOT_FULFILLED' } }]);
    expect(reply.status).toBe(200);
    expect(reply.body.result.orders.map((o: any) => o._id).sort()).toEqual(['o-1', 'o-3']);
    const sent = bed.upstream()[0]!.body as any;
    expect(sent.search.filter).toEqual({ $and: [{ fulfillmentStatus: 'NOT_FULFILLED' }, { 'buyerInfo.memberId': { $eq: 'm-1' } }] });
    expect(sent.search.cursorPaging.limit).toBe(50);
    const entry = bed.log.entries[0]!;
    expect(entry.obligations.map((o) => o.type)).toEqual(expect.arrayContaining(['filter', 'cap']));
  });

  it('the decision log says how many items a misbehaving Wix returned that were dropped', async () => {
    const bed = createTestBed({ emulator: { ignoreFilters: true } });
    await bed.call(m1, 'ecom.orders', 'searchOrders', [{}]);
    const dropped = bed.log.entries[0]!.obligations.find((o) => o.type === 'items-dropped');
    expect(dropped).toEqual({ type: 'items-dropped', count: 6 });
  });

  it('m-1 cancels an own unfulfilled order: exactly one cancel reaches Wix, after the preload', async () => {
    const bed = createTestBed();
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', { sendOrderCanceledEmail: true, customMessage: 'sorry' }]);
    expect(reply.status).toBe(200);
    expect(bed.upstream().map((r) => r.route)).toEqual(['getOrder', 'cancelOrder']);
    expect(bed.upstream().every((r) => r.authorization === devTokens.app)).toBe(true);
    expect(bed.emulator.data.orders.find((o) => o.id === 'o-1')!.status).toBe('CANCELED');
    expect(bed.log.entries[0]!.obligations).toContainEqual({ type: 'preload', call: 'ecom.orders.getOrder', passed: true });
  });

  it.each([
    ['an own fulfilled order', 'o-2'],
    ["another member's order", 'o-4'],
    ['a guest order', 'o-9'],
    ['a missing order', 'o-404'],
  ])('cancelling %s is 403 and no cancel is sent', async (_name, id) => {
    const bed = createTestBed();
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', [id, {}]);
    expect(reply.status).toBe(403);
    expect(bed.upstream().filter((r) => r.route === 'cancelOrder')).toHaveLength(0);
  });

  it('members may set only the cancel e-mail fields (mass assignment is refused)', async () => {
    const bed = createTestBed();
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', { restockAllItems: true }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('args.1.restockAllItems');
    expect(bed.upstream()).toHaveLength(0);
  });

  it("a Wix user's search still sees every member's orders", async () => {
    const bed = createTestBed();
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 100 } }]);
    expect(reply.status).toBe(200);
    const members = new Set(reply.body.result.orders.map((o: any) => o.buyerInfo?.memberId).filter(Boolean));
    expect([...members].sort()).toEqual(['m-1', 'm-2', 'm-3']);
    expect((bed.upstream()[0]!.body as any).search.filter).toBeUndefined();
  });
});

describe('visitors never see hidden products or merchant data', () => {
  const noMerchantData = (reply: Reply) => expect(JSON.stringify(reply.body)).not.toMatch(MERCHANT);

  it.each([[undefined], [{ fields: ['MERCHANT_DATA'] }], [{ fields: ['URL', 'MERCHANT_DATA', 'CURRENCY'] }]])(
    'getProduct of a visible product with options %j has no cost or profit',
    async (options) => {
      const bed = createTestBed();
      const reply = await bed.call(visitor, 'stores.productsV3', 'getProduct', options ? ['p-001', options] : ['p-001']);
      expect(reply.status).toBe(200);
      expect(reply.body.result._id).toBe('p-001');
      noMerchantData(reply);
    },
  );

  it('the merchant data really came back from Wix and was removed (the log says so)', async () => {
    const bed = createTestBed();
    await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-001', { fields: ['MERCHANT_DATA'] }]);
    const removed = bed.log.entries[0]!.obligations.find((o) => o.type === 'fields-removed') as { paths: string[] };
    expect(removed.paths).toEqual(expect.arrayContaining(['costRange', 'variantsInfo.variants.revenueDetails']));
  });

  it('a hidden product is denied exactly like a missing one', async () => {
    const bed = createTestBed();
    const hidden = await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-002', { fields: ['MERCHANT_DATA'] }]);
    const missing = await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-999']);
    expect(hidden.status).toBe(403);
    expect(withoutRequestId(hidden)).toEqual(withoutRequestId(missing));
  });

  it.each([
    ['no arguments', []],
    ['a page of 1000 (the SDK says at most 100)', [{ cursorPaging: { limit: 1000 } }]],
    ['offset paging of 1000 (the method pages by cursor only)', [{ paging: { limit: 1000 } }]],
  ])('a listing with %s is 400 with nothing sent', async (_name, args) => {
    const bed = createTestBed();
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', args);
    expect(reply.status).toBe(400);
    expect(bed.upstream()).toHaveLength(0);
  });

  it.each([
    ['no filter at all', [{}]],
    ['a filter asking for hidden products', [{ filter: { visible: false } }]],
    ['merchant data', [{ cursorPaging: { limit: 100 } }, { fields: ['MERCHANT_DATA'] }]],
  ])('a listing with %s returns at most 50 visible products without merchant data', async (_name, args) => {
    for (const ignoreFilters of [false, true]) {
      const bed = createTestBed({ emulator: { ignoreFilters } });
      const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', args);
      expect(reply.status).toBe(200);
      const products = reply.body.result.products as any[];
      expect(products.length).toBeLessThanOrEqual(50);
      expect(products.every((p) => p.visible === true && !HIDDEN_PRODUCT_IDS.includes(p._id))).toBe(true);
      noMerchantData(reply);
    }
  });

  it('a listing without a filter still returns visible products (the filter is forced) and pages of 50', async () => {
    const bed = createTestBed();
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', [{}]);
    expect(reply.body.result.products).toHaveLength(50);
    expect(bed.upstream()[0]!.payload).toMatchObject({ query: { filter: { visible: { $eq: true } }, cursorPaging: { limit: 50 } } });
  });

  it("a larger page is cut to 50 in the method's own paging form", async () => {
    const bed = createTestBed();
    await bed.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { limit: 100 } }]);
    expect((bed.upstream()[0]!.payload as any).query.cursorPaging.limit).toBe(50);
  });
});

describe('several rules for one call combine as CASL does', () => {
  const combined = `
version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: own-orders-summary
    description: own orders, summary fields
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    fields: { allow: [_id, number, buyerInfo] }
  - id: fulfilled-orders-status
    description: any fulfilled order, status fields
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { fulfillmentStatus: FULFILLED }
    fields: { allow: [_id, fulfillmentStatus] }
  - id: small-search
    description: search, pages of 10
    roles: [member]
    allow: ecom.orders.searchOrders
    resource: { buyerInfo.memberId: "\${caller.id}" }
    cap: 10
  - id: larger-search
    description: search, pages of 20
    roles: [member]
    allow: ecom.orders.searchOrders
    resource: { fulfillmentStatus: FULFILLED }
    cap: 20
  - id: never-o-3
    description: deny wins
    roles: [member]
    deny: ecom.orders.*
    when: { args.0: o-3 }
`;

  it("resource conditions are OR'd and permitted fields are the union", async () => {
    const bed = createTestBed({ policy: await policyFromYaml(combined) });
    const both = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-2']); // own and fulfilled
    expect(Object.keys(both.body.result).sort()).toEqual(['_id', 'buyerInfo', 'fulfillmentStatus', 'number']);
    const ownOnly = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1']); // own, not fulfilled
    expect(ownOnly.status).toBe(200);
    const fulfilledOnly = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-5']); // m-2's, fulfilled
    expect(fulfilledOnly.status).toBe(200);
    const neither = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-4']); // m-2's, not fulfilled
    expect(neither.status).toBe(403);
  });

  it("the largest cap applies and the forced filters are OR'd", async () => {
    const bed = createTestBed({ policy: await policyFromYaml(combined) });
    const reply = await bed.call(m1, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 100 } }]);
    expect(reply.status).toBe(200);
    const sent = (bed.upstream()[0]!.body as any).search;
    expect(sent.cursorPaging.limit).toBe(20);
    expect(sent.filter).toEqual({ $or: [{ 'buyerInfo.memberId': { $eq: 'm-1' } }, { fulfillmentStatus: { $eq: 'FULFILLED' } }] });
    const ids = reply.body.result.orders.map((o: any) => o._id).sort();
    expect(ids).toEqual(['o-1', 'o-2', 'o-3', 'o-5', 'o-6', 'o-8']);
  });

  it('a deny rule still wins', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(combined) });
    const reply = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-3']);
    expect(reply.status).toBe(403);
    expect(bed.upstream()).toHaveLength(0);
    expect(bed.log.entries[0]).toMatchObject({ decision: 'deny', rule: 'never-o-3' });
  });
});

describe('write-field allow-lists and presets', () => {
  const presets = `
version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: member-cancels-with-preset-message
    description: cancel own orders; the message is forced
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    writable: [args.1.sendOrderCanceledEmail]
    presets:
      args.1.customMessage: "\${caller.id}"
      args.1.restockAllItems: true
`;

  it('presets overwrite what the client sent and reach Wix', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(presets) });
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-3', { sendOrderCanceledEmail: false }]);
    expect(reply.status).toBe(200);
    const cancel = bed.upstream().find((r) => r.route === 'cancelOrder')!;
    expect(cancel.body).toMatchObject({ customMessage: 'm-1', restockAllItems: true, sendOrderCanceledEmail: false });
  });

  it("a client's value at a preset's path is replaced, whatever it sent", async () => {
    const bed = createTestBed({ policy: await policyFromYaml(presets) });
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-3', { customMessage: 'forged', restockAllItems: false }]);
    expect(reply.status).toBe(200);
    expect(bed.upstream().find((r) => r.route === 'cancelOrder')!.body).toMatchObject({ customMessage: 'm-1', restockAllItems: true });
    expect(JSON.stringify(bed.upstream())).not.toContain('forged');
  });

  it('a client may not set any field outside the allow-list and the presets', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(presets) });
    expect((await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-3', { nested: { x: 1 } }])).status).toBe(400);
    expect((await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-3', 'not-an-object'])).status).toBe(400);
    expect(bed.upstream()).toHaveLength(0);
  });

  it('an allowed write without options still gets its presets', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(presets) });
    const reply = await bed.call(m2, 'ecom.orders', 'cancelOrder', ['o-4']);
    expect(reply.status).toBe(200);
    expect(bed.upstream().find((r) => r.route === 'cancelOrder')!.body).toMatchObject({ customMessage: 'm-2', restockAllItems: true });
  });
});
