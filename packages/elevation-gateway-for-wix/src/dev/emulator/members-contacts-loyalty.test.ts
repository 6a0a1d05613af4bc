/**
 * Drives the REAL SDK modules (`members` from @wix/members, `contacts` from @wix/crm, `accounts` from @wix/loyalty)
 * against the emulator through `createClient({ fetch: emulator.fetch })`: what the SDK puts on the wire is what the
 * emulator must accept, and what it answers is what the SDK must be able to read.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@wix/sdk';
import { authFor, rejection } from '../testing/sdk-auth.ts';
import { members } from '@wix/members';
import { contacts } from '@wix/crm';
import { accounts } from '@wix/loyalty';
import { SEED_CONTACT_TABLE, SEED_LOYALTY_ACCOUNT_TABLE, SEED_MEMBER_TABLE, seedContacts, seedLoyaltyAccounts, seedMembers } from './seed.ts';
import { devTokens } from './tokens.ts';
import { createWixEmulator, type WixEmulator, type WixEmulatorOptions } from './wix-emulator.ts';
import { get, post } from '../testing/wix-requests.ts';

function clientFor(emu: WixEmulator, token: string) {
  return createClient({ modules: { members, contacts, accounts }, auth: authFor(token), fetch: emu.fetch });
}

let emu: WixEmulator;
function fresh(options?: WixEmulatorOptions) {
  emu = createWixEmulator(options);
  return emu;
}
beforeEach(() => fresh());

const m1 = devTokens.members['m-1'];
const m3 = devTokens.members['m-3'];
const NOT_ADMIN = [
  ['visitor', devTokens.visitor],
  ['member', m1],
] as const;

describe('seed: members, contacts, loyalty accounts', () => {
  it('is deterministic, fresh on every call, and consistent across the three', () => {
    expect(seedMembers()).toEqual(seedMembers());
    expect(seedContacts()).toEqual(seedContacts());
    expect(seedLoyaltyAccounts()).toEqual(seedLoyaltyAccounts());
    const a = seedContacts();
    a[0]!.info.name.first = 'changed';
    expect(seedContacts()[0]!.info.name.first).toBe('Ada');

    const contactIds = seedContacts().map((c) => c.id);
    expect(contactIds).toEqual(SEED_CONTACT_TABLE.map((r) => r.id));
    expect(contactIds).toEqual(['c-1', 'c-2', 'c-3', 'c-guest', 'c-4']);
    for (const member of seedMembers()) expect(contactIds).toContain(member.contactId);
    for (const account of seedLoyaltyAccounts()) {
      expect(contactIds).toContain(account.contactId);
      const member = seedMembers().find((m) => m.contactId === account.contactId);
      expect(account.memberId).toBe(member?.id);
      expect(account.points.balance).toBe(account.points.earned + account.points.adjusted - account.points.redeemed);
    }
    expect(seedLoyaltyAccounts().map((a) => a.id)).toEqual(SEED_LOYALTY_ACCOUNT_TABLE.map((r) => r.id));
    // the values existing tests rely on
    expect(seedMembers().map((m) => [m.id, m.contactId, m.loginEmail, m.profile.nickname, m.profile.slug, m.privacyStatus])).toEqual([
      ['m-1', 'c-1', 'member1@example.com', 'Member 1', 'member-1', 'PUBLIC'],
      ['m-2', 'c-2', 'member2@example.com', 'Member 2', 'member-2', 'PUBLIC'],
      ['m-3', 'c-3', 'member3@example.com', 'Member 3', 'member-3', 'PRIVATE'],
    ]);
    expect(SEED_MEMBER_TABLE).toHaveLength(3);
  });

  it('reset() restores contacts and loyalty accounts (in place)', () => {
    const contactsRef = emu.data.contacts;
    emu.data.contacts.splice(0, 2);
    emu.data.loyaltyAccounts[0]!.points.balance = 0;
    emu.data.members[0]!.profile.nickname = 'x';
    emu.reset();
    expect(emu.data.contacts).toBe(contactsRef);
    expect(emu.data.contacts).toEqual(seedContacts());
    expect(emu.data.loyaltyAccounts).toEqual(seedLoyaltyAccounts());
    expect(emu.data.members).toEqual(seedMembers());
  });
});

describe('members.getMember', () => {
  it('default fieldset PUBLIC: GET /members/v1/members/{id}?id={id}; profile, no loginEmail, statuses UNKNOWN', async () => {
    const member = await clientFor(emu, devTokens.app).members.getMember('m-1');
    expect(member).toMatchObject({
      _id: 'm-1',
      contactId: 'c-1',
      profile: { nickname: 'Member 1', slug: 'member-1' },
      status: 'UNKNOWN',
      privacyStatus: 'UNKNOWN',
    });
    expect(member.profile?.photo).toMatchObject({ _id: 'member-1-photo', width: 400 });
    expect(member._createdDate).toEqual(new Date('2026-01-01T10:00:00.000Z'));
    expect(member.loginEmail).toBeUndefined();
    expect(member.contact).toBeUndefined();
    expect(emu.requests).toEqual([
      expect.objectContaining({ route: 'getMember', method: 'GET', path: '/members/v1/members/m-1', search: '?id=m-1', authorization: devTokens.app }),
    ]);
  });

  it('EXTENDED adds loginEmail and the real statuses; FULL adds contact, lastLoginDate (elevated)', async () => {
    const app = clientFor(emu, devTokens.app);
    const extended = await app.members.getMember('m-2', { fieldsets: ['EXTENDED'] });
    expect(extended).toMatchObject({ _id: 'm-2', loginEmail: 'member2@example.com', status: 'APPROVED', privacyStatus: 'PUBLIC', activityStatus: 'ACTIVE' });
    expect(extended.contact).toBeUndefined();
    expect(extended.profile?.title).toBe('Rear Admiral');

    const full = await app.members.getMember('m-1', { fieldsets: ['FULL'] });
    expect(full).toMatchObject({
      _id: 'm-1',
      loginEmail: 'member1@example.com',
      loginEmailVerified: true,
      status: 'APPROVED',
      contact: { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@example.com'], phones: ['+1-555-0101'] },
    });
    expect(full.contact?.addresses?.[0]).toMatchObject({ addressLine: '1 Analytical Way', city: 'New York', country: 'US' });
    expect(full.lastLoginDate).toEqual(new Date('2026-05-01T08:00:00.000Z'));
    expect(emu.requests.at(-1)).toMatchObject({ route: 'getMember', search: '?id=m-1&fieldsets=FULL', payload: { id: 'm-1', fieldsets: 'FULL' } });

    await app.members.getMember('m-1', { fieldsets: ['PUBLIC', 'FULL'] });
    expect(emu.requests.at(-1)).toMatchObject({ search: '?id=m-1&fieldsets=PUBLIC&fieldsets=FULL', payload: { fieldsets: ['PUBLIC', 'FULL'] } });
  });

  it('a PRIVATE member is withheld from visitors and other members (404), not from themselves, USER or APP', async () => {
    for (const token of [devTokens.visitor, m1]) {
      const err = await rejection(clientFor(emu, token).members.getMember('m-3', { fieldsets: ['FULL'] }));
      expect(err.status).toBe(404);
      expect(err.details.applicationError.code).toBe('MEMBER_NOT_FOUND');
      expect(JSON.stringify(err)).not.toContain('member3@example.com');
    }
    const own = await clientFor(emu, m3).members.getMember('m-3', { fieldsets: ['FULL'] });
    expect(own).toMatchObject({ _id: 'm-3', loginEmail: 'member3@example.com', privacyStatus: 'PRIVATE', contact: { firstName: 'Alan' } });
    expect((await clientFor(emu, devTokens.user).members.getMember('m-3', { fieldsets: ['FULL'] })).loginEmail).toBe('member3@example.com');
    expect((await clientFor(emu, devTokens.app).members.getMember('m-3')).profile?.nickname).toBe('Member 3');
  });

  it("another PUBLIC member's record comes in PUBLIC to visitors and members, whatever fieldsets they ask", async () => {
    const visitorView = await clientFor(emu, devTokens.visitor).members.getMember('m-1', { fieldsets: ['FULL'] });
    expect(visitorView).toMatchObject({ _id: 'm-1', profile: { nickname: 'Member 1' }, status: 'UNKNOWN' });
    expect(visitorView.loginEmail).toBeUndefined();
    expect(visitorView.contact).toBeUndefined();
    const foreign = await clientFor(emu, m1).members.getMember('m-2', { fieldsets: ['EXTENDED', 'FULL'] });
    expect(foreign.loginEmail).toBeUndefined();
    const own = await clientFor(emu, m1).members.getMember('m-1', { fieldsets: ['FULL'] });
    expect(own.loginEmail).toBe('member1@example.com');
    // the record a caller gets is what Wix sent: the request asked for FULL, the answer is PUBLIC
    expect(emu.requests.filter((r) => r.route === 'getMember').map((r) => r.params.fieldsets)).toEqual(['FULL', ['EXTENDED', 'FULL'], 'FULL']);
  });

  it('missing id → 404 MEMBER_NOT_FOUND; an unknown fieldset → 400; no token → 401', async () => {
    const app = clientFor(emu, devTokens.app);
    const missing = await rejection(app.members.getMember('m-404'));
    expect(missing.status).toBe(404);
    expect(missing.details.applicationError).toMatchObject({ code: 'MEMBER_NOT_FOUND', description: 'Member with id m-404 not found' });
    const bad = await rejection(app.members.getMember('m-1', { fieldsets: ['EVERYTHING' as any] }));
    expect(bad.status).toBe(400);
    expect(bad.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'ENUM' });
    const tooMany = await rejection(app.members.getMember('m-1', { fieldsets: ['FULL', 'FULL', 'FULL', 'FULL'] }));
    expect(tooMany.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'MAX_SIZE' });
    const anon = await rejection(clientFor(emu, 'forged-token').members.getMember('m-1'));
    expect(anon.status).toBe(401);
  });

  it('a path word of another method is no id: getMember("my") reaches getCurrentMember\'s path, which is not emulated', async () => {
    const err = await rejection(clientFor(emu, devTokens.app).members.getMember('my'));
    expect(err.status).toBe(404);
    expect(err.details.applicationError.code).toBe('NOT_FOUND');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'unknown', method: 'GET', path: '/members/v1/members/my' });
  });
});

describe('members.queryMembers', () => {
  it('typed query: POST /members/v1/members/query with filter, offset paging and fieldsets', async () => {
    const res = await clientFor(emu, devTokens.app).members.queryMembers(
      { filter: { 'profile.nickname': { $startsWith: 'member' } }, paging: { limit: 2, offset: 1 } },
      { fieldsets: ['FULL'] },
    );
    expect(res.members?.map((m) => m._id)).toEqual(['m-2', 'm-3']);
    expect(res.members?.map((m) => m.loginEmail)).toEqual(['member2@example.com', 'member3@example.com']);
    expect(res.members?.[0]!._createdDate).toEqual(new Date('2026-02-01T10:00:00.000Z'));
    expect(res.metadata).toEqual({ count: 2, offset: 1, total: 3, tooManyToCount: false });
    expect(emu.requests).toEqual([
      expect.objectContaining({
        route: 'queryMembers',
        method: 'POST',
        path: '/members/v1/members/query',
        body: { query: { filter: { 'profile.nickname': { $startsWith: 'member' } }, paging: { limit: 2, offset: 1 } }, fieldsets: ['FULL'] },
      }),
    ]);
  });

  it('the query builder sends `_id` as `id`, offset 0 and limit 50; sorting by profile.nickname', async () => {
    const app = clientFor(emu, devTokens.app);
    const found = await app.members
      .queryMembers({ fieldsets: ['EXTENDED'] })
      .eq('_id', 'm-2')
      .find();
    expect(found.items.map((m) => [m._id, m.loginEmail])).toEqual([['m-2', 'member2@example.com']]);
    expect(found.totalCount).toBe(1);
    expect(emu.requests.at(-1)!.body).toEqual({ fieldsets: ['EXTENDED'], query: { filter: { id: 'm-2' }, paging: { offset: 0, limit: 50 } } });

    const sorted = await app.members.queryMembers({ filter: {}, sorting: [{ fieldName: 'profile.nickname', order: 'DESC' }] } as any);
    expect(sorted.members?.map((m) => m._id)).toEqual(['m-3', 'm-2', 'm-1']);
  });

  it('visitors and members do not get PRIVATE members (but a member gets themselves), and only PUBLIC fields of others', async () => {
    const visitor = await clientFor(emu, devTokens.visitor).members.queryMembers({ paging: { limit: 10 } }, { fieldsets: ['FULL'] });
    expect(visitor.members?.map((m) => m._id)).toEqual(['m-1', 'm-2']);
    expect(visitor.members?.some((m) => m.loginEmail !== undefined)).toBe(false);
    expect(visitor.metadata?.total).toBe(2);
    // asking for the private ones by filter does not reveal them
    const probe = await clientFor(emu, devTokens.visitor).members.queryMembers({ filter: { privacyStatus: 'PRIVATE' }, paging: { limit: 10 } });
    expect(probe.members).toEqual([]);

    const self = await clientFor(emu, m3).members.queryMembers({ paging: { limit: 10 } }, { fieldsets: ['FULL'] });
    expect(self.members?.map((m) => [m._id, m.loginEmail ?? null])).toEqual([
      ['m-1', null],
      ['m-2', null],
      ['m-3', 'member3@example.com'],
    ]);
    const other = await clientFor(emu, m1).members.queryMembers({ paging: { limit: 10 } });
    expect(other.members?.map((m) => m._id)).toEqual(['m-1', 'm-2']);
    const admin = await clientFor(emu, devTokens.user).members.queryMembers({ paging: { limit: 10 } });
    expect(admin.members?.map((m) => m._id)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('plain-text search (options.search) looks in the fields it names', async () => {
    const app = clientFor(emu, devTokens.app);
    const res = await app.members.queryMembers({ paging: { limit: 5 } }, { search: { expression: 'grace', fields: ['contact.firstName'] } });
    expect(res.members?.map((m) => m._id)).toEqual(['m-2']);
    expect(emu.requests.at(-1)!.body).toEqual({ query: { paging: { limit: 5 } }, search: { expression: 'grace', fields: ['contact.firstName'] } });
  });

  it('filters only on MemberQuerySpec fields; limit at most 100', async () => {
    const app = clientFor(emu, devTokens.app);
    const unknown = await rejection(app.members.queryMembers({ filter: { lastLoginDate: { $gt: '2026-01-01' } } as any, paging: { limit: 5 } }));
    expect(unknown.status).toBe(400);
    expect(unknown.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'UNSUPPORTED_FILTER_FIELD' });
    const tooMany = await rejection(app.members.queryMembers({ paging: { limit: 101 } }));
    expect(tooMany.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'MAX' });
    const unsortable = await emu.handle(post('/members/v1/members/query', { query: { sorting: [{ fieldName: 'loginEmail' }] } }, devTokens.app));
    expect(unsortable.status).toBe(400);
  });

  it('ignoreFilters: a misbehaving Wix returns every member it may, privacy still applies', async () => {
    fresh({ ignoreFilters: true });
    const res = await clientFor(emu, devTokens.visitor).members.queryMembers({ filter: { _id: 'm-1' }, paging: { limit: 10 } });
    expect(res.members?.map((m) => m._id)).toEqual(['m-1', 'm-2']);
  });
});

describe('contacts.getContact', () => {
  it('GET /contacts/v4/contacts/{id}?id={id}: FULL by default, in the SDK shape', async () => {
    const contact = await clientFor(emu, devTokens.app).contacts.getContact('c-1');
    expect(contact).toMatchObject({
      _id: 'c-1',
      revision: 2,
      source: { sourceType: 'WIX_SITE_MEMBERS' },
      primaryInfo: { email: 'ada@example.com', phone: '+1-555-0101' },
      info: { name: { first: 'Ada', last: 'Lovelace' }, labelKeys: { items: ['custom.vip'] } },
      primaryEmail: { email: 'ada@example.com', deliverabilityStatus: 'VALID' },
    });
    expect(contact.info?.emails?.items?.map((e) => e.email)).toEqual(['ada@example.com', 'member1@example.com']);
    // the SDK renames the REST address's addressLine to addressLine1
    expect(contact.info?.addresses?.items?.[0]?.address).toMatchObject({ addressLine1: '1 Analytical Way', city: 'New York' });
    expect(contact._createdDate).toEqual(new Date('2025-01-10T10:00:00.000Z'));
    expect(emu.requests).toEqual([expect.objectContaining({ route: 'getContact', method: 'GET', path: '/contacts/v4/contacts/c-1', search: '?id=c-1' })]);
  });

  it('fieldsets and fields project the contact (id and revision always)', async () => {
    const app = clientFor(emu, devTokens.app);
    const basic = await app.contacts.getContact('c-2', { fieldsets: ['BASIC'] });
    expect(basic).toEqual({
      _id: 'c-2',
      revision: 2,
      primaryInfo: { email: 'grace@example.com', phone: '+1-555-0102' },
      info: { name: { first: 'Grace', last: 'Hopper' } },
    });
    const withEmails = await app.contacts.getContact('c-2', { fieldsets: ['BASIC'], fields: ['info.emails', 'info.company'] });
    expect(withEmails.info).toMatchObject({
      name: { first: 'Grace' },
      company: 'US Navy',
      emails: { items: [{ email: 'grace@example.com' }, { email: 'member2@example.com' }] },
    });
    expect(withEmails.info?.phones).toBeUndefined();
    expect(emu.requests.at(-1)).toMatchObject({ search: '?id=c-2&fields=info.emails&fields=info.company&fieldsets=BASIC' });
    const onlyFields = await app.contacts.getContact('c-4', { fields: ['info.jobTitle'] });
    expect(onlyFields).toEqual({ _id: 'c-4', revision: 1, info: { jobTitle: 'Mathematician' } });
  });

  it('is admin data: 403 PERMISSION_DENIED for visitors and members, USER reads; missing id → 404 CONTACT_NOT_FOUND', async () => {
    for (const [, token] of NOT_ADMIN) {
      const err = await rejection(clientFor(emu, token).contacts.getContact('c-1'));
      expect(err.status).toBe(403);
      expect(err.details.applicationError.code).toBe('PERMISSION_DENIED');
    }
    // a member's own contact too
    expect((await rejection(clientFor(emu, m1).contacts.getContact('c-1'))).status).toBe(403);
    expect((await clientFor(emu, devTokens.user).contacts.getContact('c-guest')).info?.name?.first).toBe('Gus');
    const missing = await rejection(clientFor(emu, devTokens.app).contacts.getContact('c-404'));
    expect(missing.status).toBe(404);
    expect(missing.details.applicationError.code).toBe('CONTACT_NOT_FOUND');
    expect(emu.requests.map((r) => r.route)).toEqual(['getContact', 'getContact', 'getContact', 'getContact', 'getContact']);
  });
});

describe('contacts.queryContacts', () => {
  it('default order is createdDate DESC, offset paging with total', async () => {
    const res = await clientFor(emu, devTokens.app).contacts.queryContacts({ paging: { limit: 3 } });
    expect(res.contacts?.map((c) => c._id)).toEqual(['c-4', 'c-guest', 'c-3']);
    expect(res.pagingMetadata).toEqual({ count: 3, offset: 0, total: 5, tooManyToCount: false });
    const next = await clientFor(emu, devTokens.app).contacts.queryContacts({ paging: { limit: 3, offset: 3 } });
    expect(next.contacts?.map((c) => c._id)).toEqual(['c-2', 'c-1']);
    expect(emu.requests[0]).toMatchObject({
      route: 'queryContacts',
      method: 'POST',
      path: '/contacts/v4/contacts/query',
      body: { query: { paging: { limit: 3 } } },
    });
  });

  it('typed query: `_id` / `_createdDate` go out as `id` / `createdDate`; labelKeys with $hasSome; sort and projection', async () => {
    const app = clientFor(emu, devTokens.app);
    const vip = await app.contacts.queryContacts({
      // the SDK types `info.labelKeys` as its stored wrapper ({ items }); on the wire it is filtered as the list of keys
      filter: { 'info.labelKeys': { $hasSome: ['custom.vip'] } } as any,
      sort: [{ fieldName: 'info.name.first', order: 'ASC' }],
      paging: { limit: 1 },
    });
    expect(vip.contacts?.map((c) => c._id)).toEqual(['c-1']);
    expect(vip.pagingMetadata?.total).toBe(2);

    const some = await app.contacts.queryContacts({
      filter: { _id: { $in: ['c-1', 'c-4', 'c-guest'] }, _createdDate: { $gt: new Date('2025-02-01T00:00:00.000Z') } },
      sort: [{ fieldName: '_createdDate', order: 'ASC' }],
      paging: { limit: 10 },
    });
    expect(some.contacts?.map((c) => c._id)).toEqual(['c-guest', 'c-4']);
    expect(emu.requests.at(-1)!.body).toEqual({
      query: {
        filter: { id: { $in: ['c-1', 'c-4', 'c-guest'] }, createdDate: { $gt: '2025-02-01T00:00:00.000Z' } },
        sort: [{ fieldName: 'createdDate', order: 'ASC' }],
        paging: { limit: 10 },
      },
    });
  });

  it('the query builder (eq, descending, limit) reaches the same route', async () => {
    const found = await clientFor(emu, devTokens.app).contacts.queryContacts().startsWith('info.name.first', 'a').descending('_createdDate').limit(5).find();
    expect(found.items.map((c) => c._id)).toEqual(['c-3', 'c-1']);
    expect(found.totalCount).toBe(2);
    expect(emu.requests.at(-1)!.body).toEqual({
      query: { filter: { 'info.name.first': { $startsWith: 'a' } }, paging: { limit: 5, offset: 0 }, sort: [{ fieldName: 'createdDate', order: 'DESC' }] },
    });
  });

  it('refuses what ContactQuerySpec does not allow, with the codes the SDK declares', async () => {
    const app = clientFor(emu, devTokens.app);
    const field = await rejection(app.contacts.queryContacts({ filter: { 'info.emails.items.email': 'x' } as any, paging: { limit: 1 } }));
    expect(field.status).toBe(400);
    expect(field.details.applicationError.code).toBe('UNSUPPORTED_FILTER_FIELD_UNKNOWN');
    const op = await rejection(app.contacts.queryContacts({ filter: { _id: { $startsWith: 'c-' } } as any, paging: { limit: 1 } }));
    expect(op.details.applicationError.code).toBe('UNSUPPORTED_FILTER_OPERATOR');
    const sort = await rejection(app.contacts.queryContacts({ sort: [{ fieldName: '_updatedDate' as any }], paging: { limit: 1 } }));
    expect(sort.details.applicationError.code).toBe('UNSUPPORTED_SORT_FIELD');
    const malformed = await rejection(app.contacts.queryContacts({ filter: { 'info.name.first': { $in: 'Ada' } } as any, paging: { limit: 1 } }));
    expect(malformed.details.applicationError.code).toBe('MALFORMED_FILTER');
    const limit = await rejection(app.contacts.queryContacts({ paging: { limit: 1001 } }));
    expect(limit.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'MAX' });
  });

  it('is admin data: 403 for visitors and members, USER may query', async () => {
    for (const [, token] of NOT_ADMIN) {
      const err = await rejection(clientFor(emu, token).contacts.queryContacts({ paging: { limit: 1 } }));
      expect(err.status).toBe(403);
      expect(err.details.applicationError.code).toBe('PERMISSION_DENIED');
    }
    expect((await clientFor(emu, devTokens.user).contacts.queryContacts({ paging: { limit: 10 } })).contacts).toHaveLength(5);
  });
});

describe('loyalty accounts', () => {
  it('getAccount: GET /loyalty-accounts/v1/accounts/{id}?id={id} → the account', async () => {
    const account = await clientFor(emu, devTokens.app).accounts.getAccount('la-1');
    expect(account).toMatchObject({
      _id: 'la-1',
      contactId: 'c-1',
      memberId: 'm-1',
      points: { balance: 1250, earned: 1500, adjusted: 0, redeemed: 250, expired: 0 },
      rewardAvailable: true,
      revision: '4',
      tier: { _id: 'tier-gold', points: 1500 },
      contact: { _id: 'c-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(account._createdDate).toEqual(new Date('2025-03-01T09:05:00.000Z'));
    expect(account.pointsExpiration?.expirationDate).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    expect(emu.requests).toEqual([
      expect.objectContaining({ route: 'getLoyaltyAccount', method: 'GET', path: '/loyalty-accounts/v1/accounts/la-1', search: '?id=la-1' }),
    ]);
    const missing = await rejection(clientFor(emu, devTokens.app).accounts.getAccount('la-404'));
    expect(missing.status).toBe(404);
    expect(missing.details.applicationError.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('getAccountBySecondaryId: GET …/accounts/fetch-by?contactId= | ?memberId=, answers { account }', async () => {
    const app = clientFor(emu, devTokens.app);
    const byContact = await app.accounts.getAccountBySecondaryId({ contactId: 'c-2' });
    expect(byContact.account).toMatchObject({ _id: 'la-2', contactId: 'c-2', memberId: 'm-2', points: { balance: 300 } });
    expect(byContact.account?.tier?._id).toBeUndefined(); // the base tier has no id
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'getLoyaltyAccountBySecondaryId',
      method: 'GET',
      path: '/loyalty-accounts/v1/accounts/fetch-by',
      search: '?contactId=c-2',
    });
    expect((await app.accounts.getAccountBySecondaryId({ memberId: 'm-3' })).account?._id).toBe('la-3');
    expect(emu.requests.at(-1)!.search).toBe('?memberId=m-3');
    const noMember = await app.accounts.getAccountBySecondaryId({ contactId: 'c-4' });
    expect(noMember.account).toMatchObject({ _id: 'la-4', contactId: 'c-4' });
    expect(noMember.account?.memberId).toBeUndefined();

    const guest = await rejection(app.accounts.getAccountBySecondaryId({ contactId: 'c-guest' }));
    expect(guest.status).toBe(404);
    expect(guest.details.applicationError.code).toBe('ACCOUNT_NOT_FOUND');
    const neither = await rejection(app.accounts.getAccountBySecondaryId({}));
    expect(neither.status).toBe(400);
    const both = await rejection(app.accounts.getAccountBySecondaryId({ contactId: 'c-1', memberId: 'm-1' }));
    expect(both.status).toBe(400);
  });

  it('queryLoyaltyAccounts: filter, sort, cursor paging (POST …/accounts/query)', async () => {
    const app = clientFor(emu, devTokens.app);
    const page1 = await app.accounts.queryLoyaltyAccounts({
      filter: { 'points.balance': { $gte: 300 } },
      sort: [{ fieldName: 'points.balance', order: 'DESC' }],
      cursorPaging: { limit: 2 },
    });
    expect(page1.loyaltyAccounts?.map((a) => a._id)).toEqual(['la-1', 'la-4']);
    expect(page1.pagingMetadata).toMatchObject({ count: 2, hasNext: true });
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'queryLoyaltyAccounts',
      method: 'POST',
      path: '/loyalty-accounts/v1/accounts/query',
      body: { query: { filter: { 'points.balance': { $gte: 300 } }, sort: [{ fieldName: 'points.balance', order: 'DESC' }], cursorPaging: { limit: 2 } } },
    });
    const page2 = await app.accounts.queryLoyaltyAccounts({ cursorPaging: { limit: 2, cursor: page1.pagingMetadata!.cursors!.next! } });
    expect(page2.loyaltyAccounts?.map((a) => a._id)).toEqual(['la-2']);
    expect(page2.pagingMetadata?.hasNext).toBe(false);

    const newest = await app.accounts.queryLoyaltyAccounts({ cursorPaging: { limit: 10 } });
    expect(newest.loyaltyAccounts?.map((a) => a._id)).toEqual(['la-4', 'la-3', 'la-2', 'la-1']);
    const byTier = await app.accounts.queryLoyaltyAccounts({ filter: { 'tier._id': { $exists: true } }, cursorPaging: { limit: 10 } });
    expect(byTier.loyaltyAccounts?.map((a) => a._id)).toEqual(['la-3', 'la-1']);
    expect(emu.requests.at(-1)!.body).toEqual({ query: { filter: { 'tier.id': { $exists: true } }, cursorPaging: { limit: 10 } } });
  });

  it('the query builder sends cursorPaging with limit 50 by default', async () => {
    const res = await clientFor(emu, devTokens.app).accounts.queryLoyaltyAccounts().eq('memberId', 'm-1').find();
    expect(res.items.map((a) => a._id)).toEqual(['la-1']);
    expect(emu.requests.at(-1)!.body).toEqual({ query: { filter: { memberId: 'm-1' }, cursorPaging: { limit: 50 } } });
  });

  it('refuses fields outside LoyaltyAccountQuerySpec and limits over 100', async () => {
    const app = clientFor(emu, devTokens.app);
    const field = await rejection(app.accounts.queryLoyaltyAccounts({ filter: { 'contact.email': 'ada@example.com' } as any, cursorPaging: { limit: 1 } }));
    expect(field.status).toBe(400);
    expect(field.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'UNSUPPORTED_FILTER_FIELD' });
    const limit = await rejection(app.accounts.queryLoyaltyAccounts({ cursorPaging: { limit: 101 } }));
    expect(limit.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'MAX' });
  });

  it('is admin data: every method is 403 for visitors and members, USER reads', async () => {
    for (const [, token] of NOT_ADMIN) {
      const c = clientFor(emu, token);
      for (const call of [
        c.accounts.getAccount('la-1'),
        c.accounts.getAccountBySecondaryId({ memberId: 'm-1' }),
        c.accounts.queryLoyaltyAccounts({ cursorPaging: { limit: 1 } }),
      ]) {
        const err = await rejection(call);
        expect(err.status).toBe(403);
        expect(err.details.applicationError.code).toBe('PERMISSION_DENIED');
      }
    }
    expect(emu.requests.map((r) => r.route)).toEqual([
      'getLoyaltyAccount',
      'getLoyaltyAccountBySecondaryId',
      'queryLoyaltyAccounts',
      'getLoyaltyAccount',
      'getLoyaltyAccountBySecondaryId',
      'queryLoyaltyAccounts',
    ]);
    expect((await clientFor(emu, devTokens.user).accounts.getAccount('la-4')).contactId).toBe('c-4');
  });
});

describe('any other route', () => {
  const NOT_FOUND_SHAPE = (method: string, path: string) => ({
    message: 'Not Found',
    details: { applicationError: { code: 'NOT_FOUND', description: `no route for ${method} www.wixapis.com${path}`, data: {} } },
  });

  it("answers Wix's 404 shape and is recorded as route 'unknown' (GET and POST, with or without a token)", async () => {
    const cases: [Request, string, string][] = [
      [get('/bookings/v2/bookings/x', devTokens.app), 'GET', '/bookings/v2/bookings/x'],
      [post('/crm/v9/anything', { x: 1 }, devTokens.app), 'POST', '/crm/v9/anything'],
      [post('/members/v1/members/m-1/approve', {}, devTokens.app), 'POST', '/members/v1/members/m-1/approve'],
      [get('/loyalty-accounts/v1/accounts/my-account', m1), 'GET', '/loyalty-accounts/v1/accounts/my-account'],
      [get('/contacts/v4/contacts/facets'), 'GET', '/contacts/v4/contacts/facets'],
    ];
    for (const [request, method, path] of cases) {
      const res = await emu.handle(request);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual(NOT_FOUND_SHAPE(method, path));
      expect(emu.requests.at(-1)).toMatchObject({ route: 'unknown', method, path });
    }
    expect(emu.requests.map((r) => r.route)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('SDK methods the emulator does not serve come back as SDK errors carrying NOT_FOUND', async () => {
    const c = clientFor(emu, m1);
    const current = await rejection(c.members.getCurrentMember());
    expect(current.status).toBe(404);
    expect(current.details.applicationError.code).toBe('NOT_FOUND');
    const mine = await rejection(c.accounts.getCurrentMemberAccount());
    expect(mine.status).toBe(404);
    expect(emu.requests.map((r) => [r.route, r.method, r.path])).toEqual([
      ['unknown', 'GET', '/members/v1/members/my'],
      ['unknown', 'GET', '/loyalty-accounts/v1/accounts/my-account'],
    ]);
  });
});
