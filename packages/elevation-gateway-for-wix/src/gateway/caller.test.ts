// Identity without Wix's runtime: the gateway itself checks that a token was issued for this app,
// is active and unexpired, and names a subject, so a self-hosted backend is as safe as a hosted one.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { APP_ID, INSTANCE_ID, devTokens } from '../dev/emulator/index.ts';
import { createGateway } from './gateway.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import type { PolicyModule } from './policy-module.ts';

const m1 = devTokens.members['m-1'];

describe('the app id', () => {
  it.each([[undefined], [''], ['  '], ['a b'], [42]])('createGateway refuses to start with an app id of %j', (appId) => {
    expect(() => createGateway({ appId: appId as never, policy: async () => generated as PolicyModule })).toThrow(/appId is required/);
  });
});

describe('token-info answers that never lead to an elevated call', () => {
  const base = { active: true, subjectType: 'MEMBER', subjectId: 'm-1', clientId: APP_ID, instanceId: INSTANCE_ID, exp: Math.floor(Date.now() / 1000) + 3600 };
  const { clientId: _omit, ...withoutClientId } = base;
  it.each([
    ["another app's clientId", { ...base, clientId: '11111111-2222-4333-8444-555555555555' }, 401, 'UNAUTHENTICATED'],
    ['no clientId', withoutClientId, 401, 'UNAUTHENTICATED'],
    ['an empty clientId', { ...base, clientId: '' }, 401, 'UNAUTHENTICATED'],
    ['no instanceId', (({ instanceId: _i, ...rest }) => rest)(base), 401, 'UNAUTHENTICATED'],
    ['an empty subjectId', { ...base, subjectId: '' }, 503, 'IDENTITY_UNAVAILABLE'],
    ['a string exp', { ...base, exp: String(base.exp) }, 503, 'IDENTITY_UNAVAILABLE'],
    ['a string iat', { ...base, iat: '1700000000' }, 503, 'IDENTITY_UNAVAILABLE'],
    ['an exp in the past', { ...base, exp: 1000 }, 401, 'UNAUTHENTICATED'],
  ])("%s: %i %s, and Wix's REST APIs see nothing", async (_name, info, status, code) => {
    const bed = createTestBed({ emulator: { fault: (route) => (route === 'token-info' ? Response.json(info) : undefined) } });
    for (const [module, method, args] of [
      ['ecom.orders', 'getOrder', ['o-1']],
      ['ecom.orders', 'searchOrders', [{}]],
      ['ecom.orders', 'cancelOrder', ['o-1', {}]],
    ] as const) {
      const reply = await bed.call(m1, module, method, [...args]);
      expect(reply.status).toBe(status);
      expect(reply.body.error.code).toBe(code);
    }
    expect(bed.upstream()).toEqual([]);
  });

  it("the same answer with this app's clientId is served", async () => {
    const bed = createTestBed({ emulator: { fault: (route) => (route === 'token-info' ? Response.json(base) : undefined) } });
    expect((await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
  });

  it('a subject type the policy grants nothing may lack an id: it is simply denied', async () => {
    const bed = createTestBed({
      emulator: { fault: (route) => (route === 'token-info' ? Response.json({ ...base, subjectType: 'UNKNOWN', subjectId: '' }) : undefined) },
    });
    expect((await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(403);
    expect(bed.upstream()).toEqual([]);
  });
});
