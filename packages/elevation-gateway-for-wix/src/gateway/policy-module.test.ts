// Fail closed: a compiled policy module that is missing, does not load, was edited by hand or does
// not match what it names makes every call 503 POLICY_UNAVAILABLE, also through api.ts as the Wix
// runtime calls it; and no internal failure (a throwing log sink, engine, store or SDK function)
// ever turns into an allow.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { createWixEmulator, devTokens } from '../dev/emulator/index.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import { POLICY_FORMAT } from '../contract/compiled-policy.ts';
import { policyDigest } from '../contract/policy-digest.ts';
import { PolicyEngine } from './decide.ts';
import type { SdkFunction } from './dispatch.ts';
import type { RateLimitStore } from './rate-limit.ts';
import type { PolicyModule } from './policy-module.ts';

const visitor = devTokens.visitor;
const m1 = devTokens.members['m-1'];
const user = devTokens.user;

/** A spread of calls: allowed ones for each caller, a denied one, one with no token. */
const CALLS: [string | undefined, string, string, unknown[]][] = [
  [visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { limit: 2 } }]],
  [visitor, 'stores.productsV3', 'getProduct', ['p-001']],
  [m1, 'ecom.orders', 'getOrder', ['o-1']],
  [m1, 'ecom.orders', 'cancelOrder', ['o-1', {}]],
  [user, 'ecom.orders', 'searchOrders', [{}]],
  [visitor, 'ecom.orders', 'searchOrders', [{}]],
  [undefined, 'ecom.orders', 'getOrder', ['o-1']],
];

const example = (): PolicyModule => ({ policy: structuredClone(generated.policy), digest: generated.digest, sdkMethods: generated.sdkMethods });

async function expectEveryCallRefused(policy: () => Promise<PolicyModule>) {
  const bed = createTestBed({ policy });
  for (const [token, module, method, args] of CALLS) {
    const reply = await bed.call(token, module, method, args);
    expect(reply.status, `${module}.${method}`).toBe(503);
    expect(reply.body.error.code).toBe('POLICY_UNAVAILABLE');
  }
  expect(bed.emulator.requests).toHaveLength(0); // not even token-info
  expect(bed.log.entries.every((e) => e.decision === 'error' && e.code === 'POLICY_UNAVAILABLE')).toBe(true);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.doUnmock('../../test/fixtures/shop/src/generated/policy.ts');
  vi.resetModules();
});

describe('a compiled policy that does not check out makes every call 503 POLICY_UNAVAILABLE', () => {
  it('the untouched example module serves (the control)', async () => {
    const bed = createTestBed({ policy: async () => example() });
    expect((await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-001'])).status).toBe(200);
  });

  it('a tampered rule (a resource condition removed by hand, digest left as built)', async () => {
    await expectEveryCallRefused(async () => {
      const mod = example();
      const rule = mod.policy.rules.find((r) => r.id === 'member-reads-own-order')!;
      delete rule.resource;
      return mod;
    });
  });

  it('a tampered role (visitors made wix-users)', async () => {
    await expectEveryCallRefused(async () => {
      const mod = example();
      mod.policy.subjectRoles.VISITOR = [...mod.policy.subjectRoles.VISITOR, 'wix-user'];
      return mod;
    });
  });

  it('a wrong digest', async () => {
    await expectEveryCallRefused(async () => ({ ...example(), digest: `sha256:${'0'.repeat(64)}` }));
  });

  it('a missing digest', async () => {
    await expectEveryCallRefused(async () => ({ ...example(), digest: undefined as never }));
  });

  it('a wrong format, even with a matching digest', async () => {
    await expectEveryCallRefused(async () => {
      const mod = example();
      (mod.policy as { format: number }).format = POLICY_FORMAT + 1;
      return { ...mod, digest: await policyDigest(mod.policy) };
    });
  });

  it('a module that is missing (the dynamic import rejects)', async () => {
    await expectEveryCallRefused(() =>
      Promise.reject(Object.assign(new Error("Cannot find module '../../../generated/policy'"), { code: 'ERR_MODULE_NOT_FOUND' })),
    );
  });

  it('a module that throws while loading (synchronously, before any promise)', async () => {
    await expectEveryCallRefused(() => {
      throw new SyntaxError('Unexpected token');
    });
  });

  it('a module without a policy export, or not an object at all', async () => {
    await expectEveryCallRefused(async () => ({ digest: generated.digest, sdkMethods: generated.sdkMethods }) as never);
    await expectEveryCallRefused(async () => null as never);
  });

  it('a module whose sdkMethods lacks a call the policy names', async () => {
    await expectEveryCallRefused(async () => {
      const { 'ecom.orders.getOrder': _dropped, ...rest } = generated.sdkMethods as Record<string, SdkFunction>;
      return { ...example(), sdkMethods: rest };
    });
  });

  it('a module whose sdkMethods names a call with something that is not a function', async () => {
    await expectEveryCallRefused(async () => ({ ...example(), sdkMethods: { ...generated.sdkMethods, 'ecom.orders.getOrder': 'getOrder' as never } }));
  });
});

describe('through api.ts, as the Wix runtime calls it', () => {
  async function postThroughApi(token: string, body: unknown) {
    const emulator = createWixEmulator();
    const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
    const { POST } = await import('../../test/fixtures/shop/src/backend/api/elevate/api.ts');
    const response = await runtime.serve(
      new Request('https://app.example/functions/elevate', {
        method: 'POST',
        headers: { authorization: token },
        body: JSON.stringify(body),
      }),
      POST,
    );
    return { status: response.status, body: await response.json().catch(() => undefined), emulator };
  }

  it("a generated module that fails to import is 503, not the runtime's 500", async () => {
    vi.doMock('../../test/fixtures/shop/src/generated/policy.ts', () => {
      throw new Error('the generated module is broken');
    });
    vi.resetModules();
    const reply = await postThroughApi(user, { module: 'ecom.orders', method: 'searchOrders', args: [{}] });
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('POLICY_UNAVAILABLE');
    expect(reply.emulator.requests).toHaveLength(0);
  });

  it('a generated module edited by hand is 503', async () => {
    vi.doMock('../../test/fixtures/shop/src/generated/policy.ts', async (importOriginal) => {
      const original = await importOriginal<typeof generated>();
      const policy = structuredClone(original.policy);
      policy.rules = policy.rules.map((r) => ({ ...r, roles: [...r.roles, 'visitor'] }));
      return { ...original, policy };
    });
    vi.resetModules();
    const reply = await postThroughApi(visitor, { module: 'ecom.orders', method: 'searchOrders', args: [{}] });
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('POLICY_UNAVAILABLE');
  });
});

describe('no internal failure turns into an allow', () => {
  it('a decision-log sink that throws changes neither a denial nor an allow', async () => {
    const bed = createTestBed({
      gateway: {
        decisionLog: {
          write() {
            throw new Error('disk full');
          },
        },
      },
    });
    const denied = await bed.call(visitor, 'ecom.orders', 'searchOrders', [{}]);
    expect(denied.status).toBe(403);
    const objectDenied = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-4']);
    expect(objectDenied.status).toBe(403);
    const allowed = await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1']);
    expect(allowed.status).toBe(200);
  });

  it('an SDK function that throws a non-HTTP error is 502, never a 200', async () => {
    const throwing: SdkFunction = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    };
    const bed = createTestBed({ policy: async () => ({ ...example(), sdkMethods: { ...generated.sdkMethods, 'ecom.orders.searchOrders': throwing } }) });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBe(502);
    expect(JSON.stringify(reply.body)).not.toContain('Cannot read');
  });

  it('an SDK function that is not what the module claims (a builder, a circular or BigInt result) is refused, never a 200', async () => {
    const circular: Record<string, unknown> = { _id: 'o-1', buyerInfo: { memberId: 'm-1' } };
    circular.self = circular;
    const cases: Record<string, SdkFunction> = {
      'ecom.orders.getOrder': async () => circular,
      'stores.productsV3.queryProducts': () => ({ find: () => [], limit: () => undefined }),
      'stores.productsV3.getProduct': async () => ({ _id: 'p-001', visible: true, price: 10n }),
    };
    const bed = createTestBed({ policy: async () => ({ ...example(), sdkMethods: { ...generated.sdkMethods, ...cases } }) });
    for (const [token, module, method, args] of [
      [m1, 'ecom.orders', 'getOrder', ['o-1']],
      [visitor, 'stores.productsV3', 'queryProducts', [{}]],
      [visitor, 'stores.productsV3', 'getProduct', ['p-001']],
    ] as const) {
      const reply = await bed.call(token, module, method, [...args]);
      expect([500, 502], method).toContain(reply.status);
      expect(reply.body.result).toBeUndefined();
    }
  });

  it('an engine that throws while deciding or checking an object is 500, and nothing is written', async () => {
    vi.spyOn(PolicyEngine.prototype, 'resourcePermitted').mockImplementation(() => {
      throw new Error('matcher bug');
    });
    const bed = createTestBed();
    expect((await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(500);
    expect((await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}])).status).toBe(500);
    expect(bed.upstream().map((r) => r.route)).not.toContain('cancelOrder');
    vi.spyOn(PolicyEngine.prototype, 'decide').mockImplementation(() => {
      throw new Error('ability bug');
    });
    expect((await bed.call(user, 'ecom.orders', 'searchOrders', [{}])).status).toBe(500);
  });

  it('a rate-limit store that throws refuses the limited call (503) and sends nothing to Wix', async () => {
    const broken: RateLimitStore = {
      hit() {
        throw new Error('store down');
      },
    };
    const bed = createTestBed({ gateway: { rateLimits: broken } });
    const reply = await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}]);
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(reply.body.error.message).not.toContain('store down');
    expect(bed.upstream()).toHaveLength(0);
    expect(bed.log.entries.at(-1)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(bed.log.entries.at(-1)!.reason).toContain('store down');
  });

  it('an identity cache that throws is never a pass', async () => {
    const bed = createTestBed({
      gateway: {
        identityCache: {
          get: async () => {
            throw new Error('cache down');
          },
          set: async () => undefined,
        },
      },
    });
    const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{}]);
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(bed.upstream()).toHaveLength(0);
  });
});
