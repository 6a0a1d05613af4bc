// Caller attributes end to end: the real SDK's getMember reads the member's contact id with the
// app's authority (Wix-hosted elevation), a rule forces `buyerInfo.contactId: ${caller.contactId}`
// into an order search, and every case looks at what reached the emulated Wix.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens, type RouteName } from '../dev/emulator/index.ts';
import { createIdentityCache } from './identity-cache.ts';
import { attributeNeeds, createCallerAttributeCache } from './caller-attributes.ts';

const POLICY = `version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER] }
callerAttributes:
  contactId:
    description: The member's contact id, from their own member record.
    subjects: [MEMBER]
    read: members.members.getMember
    args: ["\${caller.id}"]
    value: contactId
rules:
  - id: orders-of-my-contact
    description: A member searches the orders placed by their contact (guest orders included).
    roles: [member]
    allow: ecom.orders.searchOrders
    resource: { buyerInfo.contactId: "\${caller.contactId}" }
    cap: 10
  - id: own-order
    description: A member reads an order of their own member id (no attribute needed).
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
`;

const searchOrders = { module: 'ecom.orders', method: 'searchOrders', args: [{ filter: {} }] };
const faultOn = (route: RouteName) => (r: RouteName) => (r === route ? ('error500' as const) : undefined);

async function bed(options: Parameters<typeof createTestBed>[0] = {}) {
  return createTestBed({
    policy: await policyFromYaml(POLICY),
    gateway: { identityCache: createIdentityCache(), ...options.gateway },
    ...(options.emulator ? { emulator: options.emulator } : {}),
  });
}

describe('a rule on ${caller.contactId}', () => {
  it("reads the member's contact id elevated, then forces it into the search: own orders only", async () => {
    const b = await bed();
    const reply = await b.send(devTokens.members['m-1'], searchOrders);
    expect(reply.status).toBe(200);
    expect(reply.body.result.orders.map((o: { _id: string }) => o._id).sort()).toEqual(['o-1', 'o-2', 'o-3']);
    const upstream = b.upstream();
    expect(upstream.map((r) => r.route)).toEqual(['getMember', 'searchOrders']);
    // The attribute's read ran as the app, for the caller's own id, whatever the request said.
    expect(upstream[0]).toMatchObject({ path: '/members/v1/members/m-1', authorization: devTokens.app });
    expect(JSON.stringify(upstream[1]!.body)).toContain('"buyerInfo.contactId":{"$eq":"c-1"}');
  });

  it('reads it once per token while the identity cache keeps the token', async () => {
    const b = await bed();
    for (let i = 0; i < 3; i++) expect((await b.send(devTokens.members['m-2'], searchOrders)).status).toBe(200);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'searchOrders', 'searchOrders', 'searchOrders']);
    // Another member's token is another entry.
    expect((await b.send(devTokens.members['m-1'], searchOrders)).status).toBe(200);
    expect(
      b
        .upstream()
        .filter((r) => r.route === 'getMember')
        .map((r) => r.path),
    ).toEqual(['/members/v1/members/m-2', '/members/v1/members/m-1']);
  });

  it('reads it on every request when the backend keeps no identity cache', async () => {
    const b = createTestBed({ policy: await policyFromYaml(POLICY) });
    for (let i = 0; i < 2; i++) expect((await b.send(devTokens.members['m-2'], searchOrders)).status).toBe(200);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'searchOrders', 'getMember', 'searchOrders']);
  });

  it('cannot be steered by the request: a filter naming another contact only narrows', async () => {
    const b = await bed();
    const reply = await b.send(devTokens.members['m-2'], { ...searchOrders, args: [{ filter: { 'buyerInfo.contactId': 'c-1' } }] });
    expect(reply.status).toBe(200);
    expect(reply.body.result.orders).toEqual([]);
    expect(b.upstream()[0]).toMatchObject({ route: 'getMember', path: '/members/v1/members/m-2' });
    // A placeholder sent by a client is a plain string, never the caller's value.
    const literal = await b.send(devTokens.members['m-2'], { ...searchOrders, args: [{ filter: { 'buyerInfo.contactId': '${caller.contactId}' } }] });
    expect(literal.body.result.orders).toEqual([]);
  });

  it('a failing read refuses the call with 503, and nothing of the call reaches Wix', async () => {
    const b = await bed({ emulator: { fault: faultOn('getMember') } });
    const reply = await b.send(devTokens.members['m-1'], searchOrders);
    expect(reply.status).toBe(503);
    expect(reply.body.error).toMatchObject({ code: 'IDENTITY_UNAVAILABLE', message: 'The caller could not be identified right now; try again.' });
    expect(JSON.stringify(reply.body)).not.toMatch(/getMember|contactId|500/);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember']);
    expect(b.log.entries.at(-1)).toMatchObject({
      status: 503,
      code: 'IDENTITY_UNAVAILABLE',
      reason: 'caller attribute contactId: members.members.getMember: Wix answered 500',
    });
    // A failure is not cached: the next request reads again.
    await b.send(devTokens.members['m-1'], searchOrders);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'getMember']);
  });

  it('a member Wix does not know (404), or a record without the value, refuses the call the same way', async () => {
    const b = await bed({ emulator: { tokens: { 'tok-ghost': { subjectType: 'MEMBER', subjectId: 'm-404' } } } });
    const ghost = await b.send('tok-ghost', searchOrders);
    expect(ghost.status).toBe(503);
    b.emulator.data.members.find((m) => m.id === 'm-3')!.contactId = '';
    const blank = await b.send(devTokens.members['m-3'], searchOrders);
    expect(blank.status).toBe(503);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'getMember']);
    expect(b.log.entries.map((e) => e.reason)).toEqual([
      'caller attribute contactId: members.members.getMember: Wix answered 404',
      'caller attribute contactId: members.members.getMember answered without a string at contactId',
    ]);
  });

  it('remembers briefly that Wix has no value (404, or no value), and refuses arguments that cannot be sent before reading', async () => {
    const b = await bed({ emulator: { tokens: { 'tok-ghost': { subjectType: 'MEMBER', subjectId: 'm-404' } } } });
    for (let i = 0; i < 3; i++) expect((await b.send('tok-ghost', searchOrders)).status).toBe(503);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember']);
    const bad = await b.send(devTokens.members['m-1'], { ...searchOrders, args: [{ filter: {}, nope: 1 }] });
    expect(bad.status).toBe(400);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember']);
  });

  it('is not read for a subject type it is not declared for (the compiler keeps its rules to those)', async () => {
    const b = await bed();
    const reply = await b.send(devTokens.visitor, searchOrders);
    expect(reply.status).toBe(403);
    expect(b.upstream()).toEqual([]);
  });

  it("is not read for a call whose rules do not use it, nor for a call the caller's roles are not granted", async () => {
    const b = await bed();
    expect((await b.call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
    expect((await b.call(devTokens.members['m-1'], 'ecom.orders', 'cancelOrder', ['o-1'])).status).toBe(403);
    expect((await b.call(devTokens.members['m-1'], 'ecom.orders', 'nope', [])).status).toBe(403);
    expect(b.upstream().map((r) => r.route)).toEqual(['getOrder']);
  });
});

describe('attributeNeeds', () => {
  it('names the attributes of the rules that apply to the call and the roles, for the declared subject types', async () => {
    const { policy } = await policyFromYaml(POLICY);
    const needs = attributeNeeds(policy);
    const member = { subjectType: 'MEMBER' as const, id: 'm-1', roles: ['member'] };
    expect(needs(member, 'ecom.orders.searchOrders')).toEqual(['contactId']);
    expect(needs(member, 'ecom.orders.getOrder')).toEqual([]);
    expect(needs({ subjectType: 'VISITOR', id: 'v-1', roles: ['visitor'] }, 'ecom.orders.searchOrders')).toEqual([]);
    expect(needs({ subjectType: 'USER', id: 'u-1', roles: [] }, 'ecom.orders.searchOrders')).toEqual([]);
  });
});

describe('the attribute cache', () => {
  it("keeps a value no longer than the TTL nor the token's expiry, bounded", () => {
    let now = 1_000_000;
    const cache = createCallerAttributeCache({ ttlMs: 60_000, maxEntries: 2, now: () => now });
    cache.set('a', 'c-1', now + 10_000);
    cache.set('b', 'c-2', Infinity);
    expect(cache.get('a')).toBe('c-1');
    now += 10_000;
    expect(cache.get('a')).toBeUndefined(); // the token expired
    expect(cache.get('b')).toBe('c-2');
    now += 50_000;
    expect(cache.get('b')).toBeUndefined(); // the TTL
    cache.set('x', '1', Infinity);
    cache.set('y', '2', Infinity);
    cache.set('z', '3', Infinity);
    expect([cache.get('x'), cache.get('y'), cache.get('z')]).toEqual([undefined, '2', '3']);
    cache.set('gone', 'v', now - 1);
    expect(cache.get('gone')).toBeUndefined();
    expect(() => createCallerAttributeCache({ ttlMs: -1 })).toThrow(RangeError);
  });
});
