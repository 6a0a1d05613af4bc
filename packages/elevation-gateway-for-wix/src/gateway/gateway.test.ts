// The gateway core against the real SDK, the real CASL and the real generated policy module, with
// only Wix's servers emulated. Each describe block proves one promise of the contract.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';
import { validationErrorBody } from '../dev/emulator/errors.ts';

const visitor = devTokens.visitor;
const m1 = devTokens.members['m-1'];
const user = devTokens.user;

const browse = (query: unknown, options?: unknown) => ({
  module: 'stores.productsV3',
  method: 'queryProducts',
  args: options === undefined ? [query] : [query, options],
});

describe('errors and the wire contract', () => {
  it('malformed JSON is 400 INVALID_REQUEST with a request id, and nothing reaches Wix', async () => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, '{"module": ', { raw: true });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(reply.body.error.requestId).toBe(reply.headers.get('x-request-id'));
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it.each([
    ['a missing module', { method: 'getOrder', args: [] }, 'module'],
    ['an unknown key', { module: 'ecom.orders', method: 'getOrder', args: [], elevate: true }, 'elevate'],
    ['args that are not an array', { module: 'ecom.orders', method: 'getOrder', args: { 0: 'x' } }, 'args'],
    ['a module that is not a string', { module: ['ecom.orders'], method: 'getOrder' }, 'module'],
    ['a body that is not an object', [1, 2], 'body'],
  ])('%s is 400 naming the field', async (_name, body, field) => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(reply.body.error.message).toContain(field);
  });

  it('too many arguments is 400', async () => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, { module: 'stores.productsV3', method: 'queryProducts', args: [{}, {}, {}, {}, {}] });
    expect(reply.status).toBe(400);
  });

  it('reads the body as JSON whatever the Content-Type says', async () => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, browse({ filter: { visible: true }, cursorPaging: { limit: 3 } }), { contentType: 'text/plain' });
    expect(reply.status).toBe(200);
  });

  it('an oversized body is 413 (streamed bodies: see request-limits.test.ts)', async () => {
    const bed = createTestBed();
    const big = JSON.stringify(browse({ filter: { visible: true, name: 'x'.repeat(70_000) } }));
    const reply = await bed.send(visitor, big, { raw: true });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('deep JSON and long strings and arrays are 400', async () => {
    const bed = createTestBed();
    const deep = '{"module":"stores.productsV3","method":"queryProducts","args":[' + '['.repeat(100) + ']'.repeat(100) + ']}';
    expect((await bed.send(visitor, deep, { raw: true })).status).toBe(400);
    expect((await bed.send(visitor, browse({ filter: { visible: true, slug: 'x'.repeat(5000) } }))).status).toBe(400);
    expect((await bed.send(visitor, browse({ filter: { visible: true, id: { $in: Array(500).fill('p') } } }))).status).toBe(400);
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('an argument key that shadows an Object.prototype member is 400 before dispatch', async () => {
    const bed = createTestBed();
    for (const key of ['hasOwnProperty', 'constructor', '__proto__', 'toString']) {
      const body = `{"module":"stores.productsV3","method":"queryProducts","args":[{"filter":{"visible":true},"cursorPaging":{"limit":5},"${key}":1}]}`;
      const reply = await bed.send(visitor, body, { raw: true });
      expect(reply.status, key).toBe(400);
      expect(reply.body.error.message).toContain(key);
    }
    expect(bed.upstream()).toHaveLength(0);
  });

  it('a method other than POST is refused without a crash', async () => {
    const bed = createTestBed();
    const response = await bed.gateway.handle(new Request('https://app.example/functions/elevate', { method: 'GET', headers: { authorization: visitor } }));
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('who is calling', () => {
  it('no token is 401 UNAUTHENTICATED, and token-info is not even asked', async () => {
    const bed = createTestBed();
    const reply = await bed.send(undefined, browse({ filter: { visible: true }, cursorPaging: { limit: 5 } }));
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('an inactive token and an unknown token are 401', async () => {
    const bed = createTestBed();
    const body = browse({ filter: { visible: true }, cursorPaging: { limit: 5 } });
    expect((await bed.send(devTokens.inactive, body)).status).toBe(401);
    expect((await bed.send('not-a-wix-token', body)).status).toBe(401);
    expect(bed.upstream()).toHaveLength(0);
  });

  it('token-info failing or unreachable is 503 IDENTITY_UNAVAILABLE, never a pass', async () => {
    const failing = createTestBed({ emulator: { fault: (route) => (route === 'token-info' ? 'error500' : undefined) } });
    const reply = await failing.send(visitor, browse({ filter: { visible: true }, cursorPaging: { limit: 5 } }));
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
    expect(failing.upstream()).toHaveLength(0);

    const down = createTestBed({
      gateway: {
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      },
    });
    const again = await down.send(visitor, browse({ filter: { visible: true }, cursorPaging: { limit: 5 } }));
    expect(again.status).toBe(503);
    expect(again.body.error.code).toBe('IDENTITY_UNAVAILABLE');
  });

  it('nothing in the body or other headers changes who is calling', async () => {
    const bed = createTestBed();
    const request = new Request('https://app.example/functions/elevate', {
      method: 'POST',
      headers: { authorization: visitor, 'x-wix-subject-type': 'USER', 'x-forwarded-user': 'u-1' },
      body: JSON.stringify({ module: 'ecom.orders', method: 'searchOrders', args: [{}] }),
    });
    const response = await bed.runtime.serve(request, bed.gateway.handle);
    expect(response.status).toBe(403);
    expect(bed.upstream()).toHaveLength(0);
  });
});

describe('the example policy: visitors browse visible products', () => {
  it("a visitor gets 10 visible products; the upstream call carried the app's authority and the exact REST shape", async () => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, browse({ filter: { visible: true }, cursorPaging: { limit: 10 } }));
    expect(reply.status).toBe(200);
    expect(reply.body.result.products).toHaveLength(10);
    expect(reply.body.result.products.every((p: any) => p.visible === true)).toBe(true);
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const [upstream, ...more] = bed.upstream();
    expect(more).toHaveLength(0);
    expect(upstream!.method).toBe('GET');
    expect(upstream!.path).toBe('/stores/v3/products/query');
    expect(upstream!.authorization).toBe(devTokens.app);
    expect(upstream!.payload).toEqual({
      query: { filter: { $and: [{ visible: true }, { visible: { $eq: true } }] }, cursorPaging: { limit: 10 } },
    });

    const asked = bed.tokenInfoRequests();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body).toEqual({ token: visitor });
  });

  it.each([
    ['a page size as a string', { filter: { visible: true }, cursorPaging: { limit: '10' } }],
    ['a page size as an array', { filter: { visible: true }, cursorPaging: { limit: [1, 1000] } }],
    ['a page size as an operator object', { filter: { visible: true }, cursorPaging: { limit: { $lte: 50 } } }],
    ['a fractional page size', { cursorPaging: { limit: 10.5 } }],
    ['a negative page size', { cursorPaging: { limit: -1 } }],
    ['offset paging with a string size', { paging: { limit: '100' } }],
    ['cursor paging that is not an object', { cursorPaging: [50] }],
    ['a query that is not an object', 'everything'],
    ['a filter that is not an object', { filter: ['visible'] }],
  ])('%s is 400 with nothing sent to Wix', async (_name, query) => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, browse(query));
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(bed.upstream()).toHaveLength(0);
  });

  it.each([
    ['cost', { filter: { 'costRange.minValue.amount': { $gt: '10' } } }],
    ['revenue details inside an $or', { filter: { $or: [{ visible: true }, { 'variantsInfo.variants.revenueDetails.profit.amount': { $gt: '1' } }] } }],
    ['a parent of a removed field', { filter: { variantsInfo: { $exists: true } } }],
    ['a sort on cost', { sort: [{ fieldName: 'costRange.minValue.amount', order: 'ASC' }] }],
  ])('filtering or sorting on %s, which visitors may not read and the query spec does not declare, is 400 with nothing sent', async (_name, query) => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, browse(query));
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(bed.upstream()).toHaveLength(0);
  });

  it('safe extra fields are allowed and never bring merchant data', async () => {
    const bed = createTestBed();
    const reply = await bed.send(visitor, browse({ filter: { visible: true }, cursorPaging: { limit: 5 } }, { fields: ['URL', 'CURRENCY'] }));
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toMatch(/costRange|revenueDetails/);
  });
});

describe('deny by default', () => {
  it.each([
    ['a visitor asking for an order', visitor, 'ecom.orders', 'getOrder', ['o-1']],
    ['a member asking for a method nobody is granted', m1, 'ecom.orders', 'updateOrder', ['o-1', {}]],
    ["a member asking for a Wix user's method", m1, 'stores.productsV3', 'updateProduct', ['p-001', {}]],
    ['a Wix user asking for a method nobody is granted', user, 'ecom.orders', 'updateOrder', ['o-1', {}]],
    ['an event registrar', user, 'ecom.orders', 'onOrderCreated', []],
    ['an enum', user, 'ecom.orders', 'OrderStatus', []],
    ['__proto__', user, 'ecom.orders', '__proto__', []],
    ['constructor', user, 'ecom.orders', 'constructor', []],
    ['hasOwnProperty', user, 'ecom.orders', 'hasOwnProperty', []],
    ['a prototype module', user, '__proto__', 'searchOrders', [{}]],
    ['an unknown module', user, 'ecom.nope', 'searchOrders', [{}]],
    ['a look-alike name', user, 'ecom.orders', 'searchOrders ', [{}]],
    ['a dotted method smuggling a module', user, 'ecom', 'orders.searchOrders', [{}]],
  ])('%s is 403 FORBIDDEN with nothing sent', async (_name, token, module, method, args) => {
    const bed = createTestBed();
    const reply = await bed.call(token, module, method, args);
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
    expect(bed.upstream()).toHaveLength(0);
  });

  it('every denial reads the same, so a reply never tells whether a method exists', async () => {
    const bed = createTestBed();
    const a = await bed.call(visitor, 'ecom.orders', 'getOrder', ['o-1']);
    const b = await bed.call(visitor, 'ecom.orders', 'noSuchMethod', ['o-1']);
    expect(a.body.error.message).toBe(b.body.error.message);
  });
});

describe('Wix errors', () => {
  it('an error Wix returns is 502 UPSTREAM_ERROR with its status and code and nothing else of it', async () => {
    const bed = createTestBed({ emulator: { fault: (route) => (route === 'searchOrders' ? 'error500' : undefined) } });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(reply.body.error.code).toBe('UPSTREAM_ERROR');
    expect(reply.body.error.upstream.status).toBe(500);
    expect(Object.keys(reply.body.error).sort()).toEqual(['code', 'message', 'requestId', 'upstream']);
    expect(Object.keys(reply.body.error.upstream).every((k) => k === 'status' || k === 'code')).toBe(true);
    expect(JSON.stringify(reply.body)).not.toMatch(/stack|at .*\.js|wixapis|dev-/);
  });

  it('a Wix validation error is 502 with its status', async () => {
    // Wix refusing what the SDK's types allow (a rule it keeps on its servers): a 400 with field violations.
    const bed = createTestBed({
      emulator: {
        fault: (route) =>
          route === 'searchOrders'
            ? Response.json(validationErrorBody([{ field: 'search.filter', description: 'not supported', violatedRule: 'INVALID' }]), { status: 400 })
            : undefined,
      },
    });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(reply.body.error.upstream.status).toBe(400);
  });
});

describe('the decision log', () => {
  it('writes exactly one line per request, with no token and no argument values', async () => {
    const bed = createTestBed();
    await bed.send(visitor, browse({ filter: { visible: true, slug: 'secret-search-term' }, cursorPaging: { limit: 5 } }));
    await bed.call(visitor, 'ecom.orders', 'getOrder', ['o-1']);
    await bed.send(undefined, {});
    await bed.send(visitor, 'nope', { raw: true });
    expect(bed.log.entries).toHaveLength(4);
    const text = JSON.stringify(bed.log.entries);
    expect(text).not.toContain(visitor);
    expect(text).not.toContain('secret-search-term');
    const [allowed, denied, unauthenticated, malformed] = bed.log.entries;
    expect(allowed).toMatchObject({
      effect: 'allow',
      decision: 'allow',
      rule: 'visitor-browses-catalog',
      status: 200,
      call: 'stores.productsV3.queryProducts',
      caller: { subjectType: 'VISITOR', id: 'v-1' },
    });
    expect(denied).toMatchObject({ effect: 'deny', decision: 'deny', status: 403, call: 'ecom.orders.getOrder' });
    // Refused before the policy decided: no effect (replay: "no decision was made").
    expect(unauthenticated!.effect).toBeUndefined();
    expect(malformed!.effect).toBeUndefined();
    for (const e of bed.log.entries) {
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof e.durationMs).toBe('number');
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
      // The digest of the policy module that decided (decision-log.test.ts: the module's own); arguments off by default.
      expect(e.policy).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(e.policy).toBe(allowed!.policy);
      expect('args' in e).toBe(false);
    }
  });
});

describe("untrusted arguments against the SDK's sharp edges", () => {
  const readsById = `
version: 1
roles: { wix-user: { subjects: [USER] } }
rules:
  - id: user-reads-order
    description: test fixture
    roles: [wix-user]
    allow: ecom.orders.getOrder
  - id: user-lists-products
    description: test fixture
    roles: [wix-user]
    allow: stores.productsV3.queryProducts
`;

  it.each([['a/../b'], ['x/../../v2/other'], ['a?x=1'], ['a#f'], ['..'], ['.'], ['.a'], ['a b'], [''], ['%2e%2e'], ['a\\b']])(
    'a path argument %j is refused before anything is sent',
    async (id) => {
      const bed = createTestBed({ policy: await policyFromYaml(readsById) });
      const reply = await bed.call(user, 'ecom.orders', 'getOrder', [id]);
      expect(reply.status).toBe(400);
      expect(bed.upstream()).toHaveLength(0);
    },
  );

  it.each([[{ id: 'o-1' }], [['o-1', 'o-2']], [42], [null]])('a path argument %j that is not a string is refused', async (id) => {
    const bed = createTestBed({ policy: await policyFromYaml(readsById) });
    const reply = await bed.call(user, 'ecom.orders', 'getOrder', [id]);
    expect(reply.status).toBe(400);
    expect(bed.upstream()).toHaveLength(0);
  });

  it("a plain id goes through to exactly the method's own path", async () => {
    const bed = createTestBed({ policy: await policyFromYaml(readsById) });
    const reply = await bed.call(user, 'ecom.orders', 'getOrder', ['o-1']);
    expect(reply.status).toBe(200);
    expect(reply.body.result._id).toBe('o-1');
    expect(bed.upstream().map((r) => r.path)).toEqual(['/ecom/v1/orders/o-1']);
  });

  it('an id with a dot inside (a CRM label key, custom.vip) stays one path segment', async () => {
    const bed = createTestBed({ policy: await policyFromYaml(readsById) });
    const reply = await bed.call(user, 'ecom.orders', 'getOrder', ['o.1..x']);
    expect(reply.status).not.toBe(400); // sent (the fake Wix has no such order)
    expect(bed.upstream().map((r) => r.path)).toEqual(['/ecom/v1/orders/o.1..x']);
  });

  it.each([[[{}]], [[{}, { fields: ['URL'] }]]])('a query method called as %j returns data, never a builder', async (args) => {
    const bed = createTestBed({ policy: await policyFromYaml(readsById) });
    const reply = await bed.call(user, 'stores.productsV3', 'queryProducts', args);
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.body.result.products)).toBe(true);
    expect(bed.upstream()).toHaveLength(1);
  });

  it.each([
    ['no query at all', [], 'args: this method takes at least 1 argument(s) (query, options?)'],
    ["the options in the query's place", [{ fields: ['URL'] }], 'args.0: unknown field "fields"'],
  ])('a query method called with %s (the SDK would return a builder) is 400 with nothing sent', async (_name, args, message) => {
    const bed = createTestBed({ policy: await policyFromYaml(readsById) });
    const reply = await bed.call(user, 'stores.productsV3', 'queryProducts', args);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain(message);
    expect(bed.upstream()).toHaveLength(0);
  });
});

describe('Wix users search orders', () => {
  it("a Wix user sees every member's orders", async () => {
    const bed = createTestBed();
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 100 } }]);
    expect(reply.status).toBe(200);
    const members = new Set(reply.body.result.orders.map((o: any) => o.buyerInfo?.memberId).filter(Boolean));
    expect([...members].sort()).toEqual(['m-1', 'm-2', 'm-3']);
    expect(bed.upstream()[0]!.authorization).toBe(devTokens.app);
  });
});

describe('the decision log for refusals after the policy allowed a call', () => {
  it('a bad argument to an allowed call is logged as a deny by the rule, with the reason', async () => {
    const bed = createTestBed();
    const reply = await bed.call(visitor, 'stores.productsV3', 'getProduct', ['../x']);
    expect(reply.status).toBe(400);
    expect(bed.log.entries[0]).toMatchObject({ decision: 'deny', rule: 'visitor-views-product', status: 400, code: 'INVALID_REQUEST' });
    expect(bed.log.entries[0]!.reason).toContain('args.0');
    expect(JSON.stringify(bed.log.entries[0])).not.toContain('../x');
  });
});
