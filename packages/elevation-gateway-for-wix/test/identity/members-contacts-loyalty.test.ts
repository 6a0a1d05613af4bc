// Members, contacts and loyalty accounts through the gateway, the product's own fixture policy
// (test/fixtures/members-contacts-loyalty.yaml), the real @wix/members, @wix/crm and @wix/loyalty
// functions elevated as on Wix, and the emulated Wix: own objects 200; another's and a missing one
// the same 403; visitors see public profiles only, never a login email. Each case looks at what
// reached Wix.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../../src/dev/testing/test-bed.ts';
import { fixturePolicy } from '../../src/dev/testing/policy-fixture.ts';
import { createIdentityCache } from '../../src/gateway/identity-cache.ts';
import { devTokens } from '../../src/dev/emulator/index.ts';
import { exampleArgs } from '../../src/dev/playground/call-inventory.ts';

const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];

async function bed() {
  return createTestBed({ policy: await fixturePolicy('members-contacts-loyalty'), gateway: { identityCache: createIdentityCache() } });
}

const forbidden = { status: 403, body: { error: { code: 'FORBIDDEN', message: 'The policy does not permit this call.', requestId: expect.any(String) } } };
const strip = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });

describe('members.members', () => {
  it("a visitor opens a public member's profile: the profile only, though Wix sent the login email", async () => {
    const b = await bed();
    const reply = await b.call(devTokens.visitor, 'members.members', 'getMember', ['m-1', { fieldsets: ['FULL'] }]);
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({ _id: 'm-1', profile: expect.objectContaining({ nickname: 'Member 1', slug: 'member-1' }) });
    expect(JSON.stringify(reply.body)).not.toMatch(/loginEmail|member1@example\.com|contactId/);
    const [sent] = b.upstream();
    expect(sent).toMatchObject({ route: 'getMember', path: '/members/v1/members/m-1', authorization: devTokens.app });
    expect(b.log.entries.at(-1)).toMatchObject({ decision: 'allow', rule: 'public-profile' });
  });

  it('a visitor gets the same 403 for a private member, a missing one, and a request Wix answers without a privacy status', async () => {
    const b = await bed();
    const replies = [
      await b.call(devTokens.visitor, 'members.members', 'getMember', ['m-3', { fieldsets: ['EXTENDED'] }]),
      await b.call(devTokens.visitor, 'members.members', 'getMember', ['m-404', { fieldsets: ['EXTENDED'] }]),
      // PUBLIC (the default) answers privacyStatus UNKNOWN: not public, so not shown.
      await b.call(devTokens.visitor, 'members.members', 'getMember', ['m-1']),
    ];
    for (const r of replies) expect(strip(r)).toEqual(forbidden);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'getMember', 'getMember']);
  });

  it('a visitor lists public profiles only: the forced filter reaches Wix, and no login email leaves', async () => {
    const b = await bed();
    const reply = await b.call(devTokens.visitor, 'members.members', 'queryMembers', [{ paging: { limit: 50 } }, { fieldsets: ['FULL'] }]);
    expect(reply.status).toBe(200);
    expect(reply.body.result.members.map((m: { _id: string }) => m._id).sort()).toEqual(['m-1', 'm-2']);
    expect(JSON.stringify(reply.body)).not.toMatch(/loginEmail|@example\.com/);
    const [sent] = b.upstream();
    expect(sent!.route).toBe('queryMembers');
    expect(JSON.stringify(sent!.body)).toContain('"privacyStatus":{"$eq":"PUBLIC"}');
    expect((sent!.body as { query: { paging: { limit: number } } }).query.paging.limit).toBe(20);
  });

  it('a visitor cannot filter on the login email (a field it may not read)', async () => {
    const b = await bed();
    const reply = await b.call(devTokens.visitor, 'members.members', 'queryMembers', [
      { filter: { loginEmail: 'member1@example.com' } },
      { fieldsets: ['FULL'] },
    ]);
    expect(strip(reply)).toEqual(forbidden);
    expect(b.upstream()).toEqual([]);
  });

  it("a member reads their own full record; another member's public profile stays a public profile", async () => {
    const b = await bed();
    const own = await b.call(m1, 'members.members', 'getMember', ['m-1', { fieldsets: ['FULL'] }]);
    expect(own.status).toBe(200);
    expect(own.body.result).toMatchObject({ _id: 'm-1', loginEmail: 'member1@example.com', contactId: 'c-1', privacyStatus: 'PUBLIC' });
    // Both rules let a public member's own record through: the log names the first in policy order.
    expect(b.log.entries.at(-1)).toMatchObject({ decision: 'allow', rule: 'public-profile' });
    const other = await b.call(m1, 'members.members', 'getMember', ['m-2', { fieldsets: ['FULL'] }]);
    expect(other.status).toBe(200);
    expect(b.log.entries.at(-1)).toMatchObject({ decision: 'allow', rule: 'public-profile' });
    expect(Object.keys(other.body.result).sort()).toEqual(['_id', 'profile']);
    expect(JSON.stringify(other.body)).not.toMatch(/loginEmail|member2@example\.com/);
  });

  it('a private member reads their own record, and nobody else does', async () => {
    const b = await bed();
    const own = await b.call(devTokens.members['m-3'], 'members.members', 'getMember', ['m-3', { fieldsets: ['EXTENDED'] }]);
    expect(own.status).toBe(200);
    expect(own.body.result).toMatchObject({ _id: 'm-3', privacyStatus: 'PRIVATE', loginEmail: 'member3@example.com' });
    // Only the own-record rule lets a private record through: the log names it, not the first rule whose `when` held.
    expect(b.log.entries.at(-1)).toMatchObject({ decision: 'allow', rule: 'own-member-record' });
    expect(strip(await b.call(m2, 'members.members', 'getMember', ['m-3', { fieldsets: ['FULL'] }]))).toEqual(forbidden);
  });
});

describe('crm.contacts and loyalty.accounts, keyed by ${caller.contactId}', () => {
  it('a member reads their own contact; another contact and a missing one are the same 403', async () => {
    const b = await bed();
    const own = await b.call(m1, 'crm.contacts', 'getContact', ['c-1']);
    expect(own.status).toBe(200);
    expect(own.body.result._id).toBe('c-1');
    expect(b.upstream().map((r) => [r.route, r.path, r.authorization])).toEqual([
      ['getMember', '/members/v1/members/m-1', devTokens.app],
      ['getContact', '/contacts/v4/contacts/c-1', devTokens.app],
    ]);
    expect(strip(await b.call(m1, 'crm.contacts', 'getContact', ['c-2']))).toEqual(forbidden);
    expect(strip(await b.call(m1, 'crm.contacts', 'getContact', ['c-404']))).toEqual(forbidden);
    // The attribute was read once for this token.
    expect(b.upstream().filter((r) => r.route === 'getMember')).toHaveLength(1);
  });

  it('a member reads their own loyalty account; another and a missing one are the same 403', async () => {
    const b = await bed();
    const own = await b.call(m2, 'loyalty.accounts', 'getAccount', ['la-2']);
    expect(own.status).toBe(200);
    expect(own.body.result).toMatchObject({ _id: 'la-2', contactId: 'c-2' });
    expect(strip(await b.call(m2, 'loyalty.accounts', 'getAccount', ['la-1']))).toEqual(forbidden);
    expect(strip(await b.call(m2, 'loyalty.accounts', 'getAccount', ['la-404']))).toEqual(forbidden);
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember', 'getLoyaltyAccount', 'getLoyaltyAccount', 'getLoyaltyAccount']);
  });

  it("a member's listing of loyalty accounts is filtered by their contact id at Wix, whatever the filter asks", async () => {
    const b = await bed();
    const reply = await b.call(m1, 'loyalty.accounts', 'queryLoyaltyAccounts', [{ filter: { contactId: { $in: ['c-1', 'c-2', 'c-4'] } } }]);
    expect(reply.status).toBe(200);
    expect(reply.body.result.loyaltyAccounts.map((a: { _id: string }) => a._id)).toEqual(['la-1']);
    const query = b.upstream().find((r) => r.route === 'queryLoyaltyAccounts')!;
    expect(JSON.stringify(query.body)).toContain('"contactId":{"$eq":"c-1"}');
  });

  it('a visitor has no contact id: the rules match nothing and nothing is read', async () => {
    const b = await bed();
    expect(strip(await b.call(devTokens.visitor, 'crm.contacts', 'getContact', ['c-guest']))).toEqual(forbidden);
    expect(strip(await b.call(devTokens.visitor, 'loyalty.accounts', 'getAccount', ['la-1']))).toEqual(forbidden);
    expect(b.upstream()).toEqual([]);
  });

  it('a failing attribute read refuses the call (503) and nothing of the call reaches Wix', async () => {
    const b = createTestBed({
      policy: await fixturePolicy('members-contacts-loyalty'),
      emulator: { fault: (route) => (route === 'getMember' ? 'error500' : undefined) },
    });
    const reply = await b.call(m1, 'loyalty.accounts', 'getAccount', ['la-1']);
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
    expect(b.upstream().map((r) => r.route)).toEqual(['getMember']);
  });
});

describe("the playground's first arguments", () => {
  it.each([
    'members.members.getMember',
    'members.members.queryMembers',
    'crm.contacts.getContact',
    'loyalty.accounts.getAccount',
    'loyalty.accounts.queryLoyaltyAccounts',
  ])('%s: answered 200 for member m-1', async (call) => {
    const b = await bed();
    const cut = call.lastIndexOf('.');
    const reply = await b.call(m1, call.slice(0, cut), call.slice(cut + 1), exampleArgs(call, 'm-1'));
    expect(reply.status).toBe(200);
  });
});
