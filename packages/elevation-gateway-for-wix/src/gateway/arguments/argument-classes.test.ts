// The four classes of "an argument the gateway never looked at reaches Wix" (issue: argument
// schemas from the SDK's types), each pinned by what the emulated Wix recorded, on the fixture
// policy test/fixtures/every-kind-of-call.yaml (never the example's).
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBed } from '../../dev/testing/test-bed.ts';
import { fixturePolicy } from '../../dev/testing/policy-fixture.ts';
import { devTokens } from '../../dev/emulator/index.ts';
import type { PolicyModule } from '../policy-module.ts';

const visitor = devTokens.visitor;
const m1 = devTokens.members['m-1'];
const user = devTokens.user;

let policy: PolicyModule;
beforeAll(async () => {
  policy = await fixturePolicy('every-kind-of-call');
});
const bed = () => createTestBed({ policy });
const payloadOf = (b: ReturnType<typeof bed>) => b.upstream()[0]!.payload as { query: Record<string, any>; fields?: string[] };

describe('class 1: an options argument cannot replace the query the gateway checked', () => {
  it.each([
    ['a query of its own', { query: { filter: { visible: false } } }],
    ['a paging form', { cursorPaging: { limit: 100 } }],
    ['a filter', { filter: { visible: false } }],
    ['a sort', { sort: [{ fieldName: 'slug' }] }],
  ])('options carrying %s are 400 and nothing reaches Wix', async (_name, options) => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{}, options]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^args\.1: unknown field "\w+" \(accepted: fields\)$/);
    expect(b.upstream()).toEqual([]);
  });

  it('Wix receives the checked query: the forced filter, the cap, and only the options the SDK declares', async () => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [
      { filter: { slug: { $startsWith: 'a' } } },
      { fields: ['MERCHANT_DATA', 'URL'] },
    ]);
    expect(reply.status).toBe(200);
    expect(b.upstream()).toHaveLength(1);
    expect(payloadOf(b)).toEqual({
      query: { filter: { $and: [{ slug: { $startsWith: 'a' } }, { visible: { $eq: true } }] }, cursorPaging: { limit: 20 } },
      fields: ['MERCHANT_DATA', 'URL'],
    });
    expect(JSON.stringify(reply.body)).not.toMatch(/costRange|revenueDetails/);
  });

  it('the SDK receives a copy: the object the client sent is never what is sent on', async () => {
    const b = bed();
    // An own key shadowing Object.prototype would make the SDK throw; the schema never lets it through.
    const reply = await b.send(visitor, '{"module":"stores.productsV3","method":"queryProducts","args":[{},{"fields":["URL"],"__proto__":{"query":{}}}]}', {
      raw: true,
    });
    expect(reply.status).toBe(400);
    expect(b.upstream()).toEqual([]);
  });
});

describe('class 2: the page cap holds in the paging form the method pages by', () => {
  it('a paging form the method does not declare is 400 and nothing reaches Wix', async () => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ paging: { limit: 1 } }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('args.0: unknown field "paging" (accepted: cursorPaging, filter, sort)');
    expect(b.upstream()).toEqual([]);
  });

  it.each([
    ['no paging at all', {}],
    ["a size of 0 (Wix's default, 100)", { cursorPaging: { limit: 0 } }],
    ['a size of null', { cursorPaging: { limit: null } }],
    ['a size above the cap', { cursorPaging: { limit: 100 } }],
  ])('with %s Wix receives cursorPaging.limit at the cap', async (_name, query) => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [query]);
    expect(reply.status).toBe(200);
    expect(payloadOf(b).query.cursorPaging).toEqual({ limit: 20 });
    expect(payloadOf(b).query).not.toHaveProperty('paging');
    expect(reply.body.result.products.length).toBeLessThanOrEqual(20);
  });

  it('a search gets its cap in its body, in its only paging form', async () => {
    const b = bed();
    const reply = await b.call(m1, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(200);
    expect(b.upstream()[0]!.body).toEqual({ search: { filter: { 'buyerInfo.memberId': { $eq: 'm-1' } }, cursorPaging: { limit: 10 } } });
  });

  it.each([
    ['a fractional size', 2.5],
    ['a negative size', -1],
    ['a size as a string', '5'],
    ["a size above the SDK's maximum", 101],
  ])('%s is 400 and nothing reaches Wix', async (_name, limit) => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { limit } }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^args\.0\.cursorPaging\.limit must be/);
    expect(b.upstream()).toEqual([]);
  });
});

describe("class 3: only the SDK's spelling of a field the spec declares is a field", () => {
  it.each([
    ['proto-style snake case', { filter: { cost_range: { $exists: true } } }, 'args.0.filter: "cost_range" is not a filterable field'],
    ['another case', { filter: { Visible: true } }, 'args.0.filter: "Visible" is not a filterable field'],
    ['the REST name of _id', { filter: { id: 'p-001' } }, 'args.0.filter: "id" is not a filterable field'],
    [
      'a field the spec does not declare',
      { filter: { 'costRange.minValue.amount': { $gt: '1' } } },
      'args.0.filter: "costRange.minValue.amount" is not a filterable field',
    ],
    ['a nested object instead of a dotted name', { filter: { options: { _id: { $hasSome: ['x'] } } } }, 'args.0.filter: "options" is not a filterable field'],
    ['an operator the spec does not give the field', { filter: { visible: { $gt: false } } }, 'args.0.filter.visible: unknown field "$gt"'],
    ['an empty operator object', { filter: { slug: {} } }, 'args.0.filter.slug needs an operator'],
    ['inside $and', { filter: { $and: [{ visible: true }, { cost: 1 }] } }, 'args.0.filter.$and.1: "cost" is not a filterable field'],
    ['$nor, which Wix has not', { filter: { $nor: [{ visible: false }] } }, 'args.0.filter: "$nor" is not a filterable field'],
    ['a sort on a field the spec does not declare sortable', { sort: [{ fieldName: 'handle' }] }, 'args.0.sort.0.fieldName must be one of'],
    [
      'a sort entry with keys besides fieldName and order',
      { sort: [{ fieldName: 'slug', order: 'ASC', selectItemsBy: [{ 'costRange.minValue.amount': '1' }] }] },
      'args.0.sort.0: unknown field "selectItemsBy" (accepted: fieldName, order)',
    ],
    ['a sort order that is not ASC or DESC', { sort: [{ fieldName: 'slug', order: 'asc' }] }, 'args.0.sort.0.order must be one of "ASC", "DESC"'],
  ])('%s is 400 naming the path, and nothing reaches Wix', async (_name, query, message) => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [query]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain(message);
    expect(b.upstream()).toEqual([]);
  });

  it('a refusal names the path, never the value', async () => {
    const b = bed();
    const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ filter: { slug: { $eq: 'SECRET-VALUE' }, visible: 'SECRET-2' } }]);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).not.toContain('SECRET');
    expect(JSON.stringify(b.log.entries)).not.toContain('SECRET');
  });

  it.each([
    ['a filter', { filter: { 'buyerInfo.email': { $eq: 'someone@example.com' } } }],
    ['a sort', { sort: [{ fieldName: 'buyerInfo.email', order: 'ASC' }] }],
    ['a filter inside $or', { filter: { $or: [{ status: 'APPROVED' }, { 'buyerInfo.email': { $ne: 'x' } }] } }],
  ])('%s on a field the spec declares but the rule hides is 403 and nothing reaches Wix', async (_name, search) => {
    const b = bed();
    const reply = await b.call(m1, 'ecom.orders', 'searchOrders', [search]);
    expect(reply.status).toBe(403);
    expect(b.upstream()).toEqual([]);
  });

  it("the SDK's spelling reaches Wix renamed by the SDK, as for any client", async () => {
    const b = bed();
    const reply = await b.call(m1, 'ecom.orders', 'searchOrders', [
      { filter: { _createdDate: { $gte: '2025-01-01T00:00:00Z' } }, sort: [{ fieldName: '_createdDate', order: 'DESC' }] },
    ]);
    expect(reply.status).toBe(200);
    expect(b.upstream()[0]!.body).toEqual({
      search: {
        filter: { $and: [{ createdDate: { $gte: '2025-01-01T00:00:00Z' } }, { 'buyerInfo.memberId': { $eq: 'm-1' } }] },
        sort: [{ fieldName: 'createdDate', order: 'DESC' }],
        cursorPaging: { limit: 10 },
      },
    });
  });
});

describe('class 4: writable covers every argument position the method has', () => {
  const rename = (product: Record<string, unknown>, ...more: unknown[]) => ['p-001', { revision: '1', ...product }, ...more];

  it('a rename the rule allows is sent as checked, after the preload', async () => {
    const b = bed();
    const reply = await b.call(user, 'stores.productsV3', 'updateProduct', rename({ name: 'Renamed' }));
    expect(reply.status).toBe(200);
    expect(b.upstream().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /stores/v3/products/p-001', 'PATCH /stores/v3/products/p-001']);
    expect(b.upstream()[1]!.body).toEqual({ product: { revision: '1', name: 'Renamed', id: 'p-001' } });
  });

  it('the options position is restricted too: asking for merchant data is 400 and nothing reaches Wix', async () => {
    const b = bed();
    const reply = await b.call(user, 'stores.productsV3', 'updateProduct', rename({ name: 'Renamed' }, { fields: ['MERCHANT_DATA'] }));
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('args.2.fields may not be set by this caller');
    expect(b.upstream()).toEqual([]);
  });

  it.each([
    ['a field the rule does not list', rename({ name: 'x', visible: false }), 'args.1.visible may not be set by this caller'],
    ['a nested field the rule does not list', rename({ name: 'x', brand: { _id: 'b-1' } }), 'args.1.brand._id may not be set by this caller'],
    [
      "an argument beyond the method's arity",
      rename({ name: 'x' }, {}, { fields: ['MERCHANT_DATA'] }),
      'args: this method takes at most 3 argument(s) (_id, product, options?)',
    ],
    ["a key that is not the SDK's", rename({ 'name.first': 'x' }), 'args.1: unknown field "name.first"'],
  ])('%s is 400 and nothing reaches Wix', async (_name, args, message) => {
    const b = bed();
    const reply = await b.call(user, 'stores.productsV3', 'updateProduct', args);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain(message);
    expect(b.upstream()).toEqual([]);
  });

  it('a cancel may set only its writable field; the id it addresses is the selector, not a write', async () => {
    const b = bed();
    const refused = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', { customMessage: 'sorry', sendOrderCanceledEmail: true }]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('args.1.sendOrderCanceledEmail may not be set by this caller');
    expect(b.upstream()).toEqual([]);
    const sent = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', { customMessage: 'sorry' }]);
    expect(sent.status).toBe(200);
    expect(b.upstream().find((r) => r.route === 'cancelOrder')!.body).toEqual({ id: 'o-1', customMessage: 'sorry' });
  });
});
