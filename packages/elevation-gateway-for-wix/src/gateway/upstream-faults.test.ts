// What the gateway answers when Wix misbehaves: a call that hangs is a 504 (and a write that timed
// out is said to be possibly done), a Wix error is a 502 with Wix's status and code and nothing
// else of it, and token-info failing is a 401 (the token is bad) or a 503 (Wix is), never a pass.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { APP_ID, createWixEmulator, devTokens, type RouteName } from '../dev/emulator/index.ts';
import { validationErrorBody } from '../dev/emulator/errors.ts';
import { createGateway } from './gateway.ts';
import { memorySink } from './decision-log.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import type { PolicyModule } from './policy-module.ts';

const visitor = devTokens.visitor;
const m1 = devTokens.members['m-1'];
const user = devTokens.user;

/** Text a Wix error might carry that must never reach the client. */
const LEAKS = /SECRET|stack|at \w+ \(|\.js:\d+|https?:\/\/|wixapis|dev-[a-z]+-token|Bearer|internal\.wix|field violation/i;

const fixture = () =>
  policyFromYaml(`
version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER], inherits: [visitor] }
rules:
  - id: visitor-views-product
    description: Visitors open visible products; Wix gets 100 ms.
    roles: [visitor]
    allow: stores.productsV3.getProduct
    resource: { visible: true }
    timeoutMs: 100
  - id: visitor-browses-catalog
    description: Visitors list visible products, with the default timeout.
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    resource: { visible: true }
  - id: member-cancels-own-order
    description: Members cancel their own unfulfilled orders; Wix gets 100 ms per call.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}", fulfillmentStatus: NOT_FULFILLED }
    timeoutMs: 100
`);

const faultOn = (route: RouteName, action: 'hang' | 'error500' | (() => Response)) => (r: RouteName) =>
  r === route ? (typeof action === 'function' ? action() : action) : undefined;

afterEach(() => {
  vi.useRealTimers();
});

/** With setTimeout faked, lets real asynchronous work (crypto, streams) run until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

describe('a Wix call that does not answer', () => {
  it("a read that hangs past the rule's timeoutMs is 504 UPSTREAM_TIMEOUT", async () => {
    const bed = createTestBed({ policy: await fixture(), emulator: { fault: faultOn('getProduct', 'hang') } });
    const started = Date.now();
    const reply = await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-001']);
    expect(reply.status).toBe(504);
    expect(reply.body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(reply.body.error.message).toContain('100 ms');
    expect(reply.body.error.message).not.toContain('may still complete');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bed.log.entries[0]).toMatchObject({ decision: 'allow', code: 'UPSTREAM_TIMEOUT', status: 504 });
  });

  it('a write that hangs is 504 and the reply says it may still complete at Wix', async () => {
    const bed = createTestBed({ policy: await fixture(), emulator: { fault: faultOn('cancelOrder', 'hang') } });
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}]);
    expect(reply.status).toBe(504);
    expect(reply.body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(reply.body.error.message).toMatch(/write may still complete at Wix/);
    // The preload answered; the cancel itself was sent and did not answer.
    expect(bed.upstream().map((r) => r.route)).toEqual(['getOrder', 'cancelOrder']);
  });

  it('a preload that hangs is 504 and the write is never sent', async () => {
    const bed = createTestBed({ policy: await fixture(), emulator: { fault: faultOn('getOrder', 'hang') } });
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}]);
    expect(reply.status).toBe(504);
    expect(bed.upstream().map((r) => r.route)).toEqual(['getOrder']);
  });

  it('without a timeoutMs the default is 10 s: nothing at 9.9 s, 504 at 10 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const bed = createTestBed({ policy: await fixture(), emulator: { fault: faultOn('queryProducts', 'hang') } });
    let settled = false;
    const pending = bed.call(visitor, 'stores.productsV3', 'queryProducts', [{}]).finally(() => {
      settled = true;
    });
    await until(() => bed.upstream().length === 1); // the call is out; its timer runs from here
    await vi.advanceTimersByTimeAsync(9_900);
    expect(settled).toBe(false);
    expect(bed.upstream().map((r) => r.route)).toEqual(['queryProducts']);
    await vi.advanceTimersByTimeAsync(100);
    const reply = await pending;
    expect(reply.status).toBe(504);
    expect(reply.body.error.message).toContain('10000 ms');
  });
});

describe('Wix answers with an error', () => {
  it('a Wix 500 carrying a message, a stack, URLs and a token is 502 with { status, code } and none of them', async () => {
    const body = {
      message:
        'SECRET internal failure at Object.handle (/srv/internal.wix/orders.js:42:7) calling https://internal.wix/orders with Bearer dev-app-token-2d8f6b4a0c9e',
      details: {
        applicationError: {
          code: 'INTERNAL_ERROR',
          description: 'SECRET stack: Error\n    at run (/srv/a.js:1:1)',
          data: { url: 'https://www.wixapis.com/x' },
        },
      },
    };
    const bed = createTestBed({ emulator: { fault: faultOn('searchOrders', () => Response.json(body, { status: 500 })) } });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(reply.body.error).toEqual({
      code: 'UPSTREAM_ERROR',
      message: 'Wix answered 500.',
      requestId: expect.any(String),
      upstream: { status: 500, code: 'INTERNAL_ERROR' },
    });
    expect(JSON.stringify(reply.body)).not.toMatch(LEAKS);
    expect(JSON.stringify(bed.log.entries)).not.toMatch(LEAKS);
  });

  it('a Wix validation error (details.validationError, no application code) is 502 with its status only', async () => {
    // Wix refusing what the SDK's types allow (a rule it keeps on its servers): a 400 with field violations.
    const bed = createTestBed({
      emulator: {
        fault: faultOn('searchOrders', () =>
          Response.json(validationErrorBody([{ field: 'search.cursorPaging', description: 'not supported', violatedRule: 'INVALID_ARGUMENT' }]), {
            status: 400,
          }),
        ),
      },
    });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(reply.body.error.upstream).toEqual({ status: 400 });
    expect(JSON.stringify(reply.body)).not.toMatch(/cursor|cursorPaging|INVALID_ARGUMENT|fieldViolations/);
  });

  it.each([
    [
      'an HTML 503 page',
      () => new Response('<html>SECRET upstream https://internal.wix down</html>', { status: 503, headers: { 'content-type': 'text/html' } }),
    ],
    [
      'an application code that is not a code',
      () => Response.json({ message: 'x', details: { applicationError: { code: 'SECRET https://internal.wix <script>' } } }, { status: 409 }),
    ],
  ])('%s is 502 with the status only', async (_name, make) => {
    const bed = createTestBed({ emulator: { fault: faultOn('searchOrders', make) } });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(reply.body.error.code).toBe('UPSTREAM_ERROR');
    expect(Object.keys(reply.body.error.upstream)).toEqual(['status']);
    expect(JSON.stringify(reply.body)).not.toMatch(LEAKS);
  });

  it("a 429 from Wix (the app's quota) is 503 UPSTREAM_UNAVAILABLE with nothing of Wix's answer", async () => {
    const bed = createTestBed({ emulator: { fault: faultOn('searchOrders', () => Response.json({ message: 'SECRET quota' }, { status: 429 })) } });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(503);
    expect(reply.body.error).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: "Wix is limiting this app's calls right now; try again later.",
      requestId: expect.any(String),
    });
  });

  it("a 200 that is not the method's shape is 502, never passed through unchecked", async () => {
    const bed = createTestBed({
      emulator: { fault: faultOn('queryProducts', () => Response.json({ items: [{ visible: false, costRange: { min: 1 } }] })) },
    });
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', [{}]);
    expect(reply.status).toBe(502);
    expect(JSON.stringify(reply.body)).not.toMatch(/costRange/);
  });

  it('a network failure on the REST call is 502 with nothing of the error', async () => {
    const emulator = createWixEmulator();
    const failing: typeof fetch = async (input, init) => {
      const url = new Request(input, init).url;
      if (url.includes('/oauth2/')) return emulator.fetch(input, init);
      throw new TypeError('SECRET getaddrinfo ENOTFOUND internal.wix');
    };
    const runtime = createWixRuntime({ fetch: failing, appToken: devTokens.app });
    const gateway = createGateway({ appId: APP_ID, policy: async () => generated as PolicyModule, fetch: emulator.fetch, decisionLog: memorySink() });
    const response = await runtime.serve(
      new Request('https://app.example/functions/elevate', {
        method: 'POST',
        headers: { authorization: user },
        body: JSON.stringify({ module: 'ecom.orders', method: 'searchOrders', args: [{}] }),
      }),
      gateway.handle,
    );
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('UPSTREAM_ERROR');
    expect(text).not.toMatch(LEAKS);
  });
});

describe('token-info failures are 401 or 503, never a pass', () => {
  const browse = [{ filter: { visible: true }, cursorPaging: { limit: 1 } }];

  it.each([400, 401, 403, 404])('token-info answering %i is 401 UNAUTHENTICATED', async (status) => {
    const bed = createTestBed({ emulator: { fault: faultOn('token-info', () => Response.json({ message: 'SECRET' }, { status })) } });
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', browse);
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(bed.upstream()).toHaveLength(0);
  });

  it('an unknown token and an inactive one are 401', async () => {
    const bed = createTestBed();
    for (const token of ['unknown-token', devTokens.inactive]) {
      const reply = await bed.call(token, 'stores.productsV3', 'queryProducts', browse);
      expect(reply.status).toBe(401);
    }
    expect(bed.upstream()).toHaveLength(0);
  });

  it.each<[string, () => Response]>([
    ['500', () => Response.json({}, { status: 500 })],
    ['502', () => new Response('bad gateway', { status: 502 })],
    ['429', () => Response.json({}, { status: 429 })],
    ['a 200 that is not JSON', () => new Response('<html>hi</html>', { status: 200 })],
    ['a 200 without active', () => Response.json({ subjectType: 'USER', subjectId: 'u-1' })],
    ['a 200 with active as a string', () => Response.json({ active: 'true', subjectType: 'USER', subjectId: 'u-1' })],
    ['a 200 that is an array', () => Response.json([{ active: true, subjectType: 'USER' }])],
    ['a redirect', () => new Response(null, { status: 302, headers: { location: 'https://evil.example/' } })],
  ])('token-info answering %s is 503 IDENTITY_UNAVAILABLE', async (_name, make) => {
    const bed = createTestBed({ emulator: { fault: faultOn('token-info', make) } });
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', browse);
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
    expect(bed.upstream()).toHaveLength(0);
  });

  it('a token-info that hangs is 503 after its timeout (5 s), never a pass', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const bed = createTestBed({ emulator: { fault: faultOn('token-info', 'hang') } });
    let settled = false;
    const pending = bed.call(user, 'ecom.orders', 'searchOrders', [{}]).finally(() => {
      settled = true;
    });
    await until(() => bed.tokenInfoRequests().length === 1);
    await vi.advanceTimersByTimeAsync(4_900);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    const reply = await pending;
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
    expect(bed.upstream()).toHaveLength(0);
  });

  it('token-info unreachable (the fetch throws) is 503', async () => {
    const bed = createTestBed({
      gateway: {
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      },
    });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(503);
    expect(bed.upstream()).toHaveLength(0);
  });
});
