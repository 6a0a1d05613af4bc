// A cursor continues the listing the gateway forced, and nothing else: only the cursor and a page
// size travel with it; it is bound to the caller, the call, the rules that allowed the first page
// and that page's checked options; it expires; its keys rotate. On fixture policies, never the
// example's, with what the emulated Wix recorded.
import { describe, expect, it } from 'vitest';
import { createTestBed, type TestBedOptions } from '../dev/testing/test-bed.ts';
import { fixturePolicy, policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';
import { CURSOR_EXPIRED, CURSOR_REFUSED } from './obligations/signed-cursor.ts';
import { CURSOR_RULES_CHANGED } from './continued-listing.ts';

const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];
const visitor = devTokens.visitor;
const OLD = 'old-cursor-secret-0123456789';
const NEW = 'new-cursor-secret-9876543210';

const bed = async (options: Omit<TestBedOptions, 'policy'> & { policy?: TestBedOptions['policy'] } = {}) =>
  createTestBed({ policy: await fixturePolicy('every-kind-of-call'), ...options });

async function firstPage(
  b: Awaited<ReturnType<typeof bed>>,
  token: string = visitor,
  query: Record<string, unknown> = { cursorPaging: { limit: 2 } },
  options: unknown = { fields: ['URL'] },
) {
  const reply = await b.call(token, 'stores.productsV3', 'queryProducts', [query, options]);
  expect(reply.status).toBe(200);
  const next = reply.body.result.pagingMetadata.cursors.next as string;
  expect(next).toMatch(/^gw2\./);
  b.emulator.requests.length = 0;
  return next;
}
const continueWith = (b: Awaited<ReturnType<typeof bed>>, cursor: string, extra: Record<string, unknown> = {}, more: unknown[] = [], token: string = visitor) =>
  b.call(token, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor, limit: 2 }, ...extra }, ...more]);

describe('a continued listing', () => {
  it("sends Wix only its own cursor and the page size, with the first page's options re-applied", async () => {
    const b = await bed();
    const cursor = await firstPage(b);
    const reply = await continueWith(b, cursor);
    expect(reply.status).toBe(200);
    expect(b.upstream()).toHaveLength(1);
    const payload = b.upstream()[0]!.payload as any;
    expect(Object.keys(payload.query)).toEqual(['cursorPaging']);
    expect(payload.query.cursorPaging.limit).toBe(2);
    expect(payload.query.cursorPaging.cursor).not.toMatch(/^gw2\./);
    expect(payload.fields).toEqual(['URL']);
    expect(reply.body.result.products.every((p: any) => p.visible === true)).toBe(true);
    expect(reply.body.result.pagingMetadata.cursors.next).toMatch(/^gw2\./);
  });

  it.each([
    ['a filter', { filter: { visible: false } }, []],
    ['a sort', { sort: [{ fieldName: 'slug' }] }, []],
    ['an option', {}, [{ fields: ['MERCHANT_DATA'] }]],
    ['an empty option', {}, [{}]],
  ])('carrying %s beside the cursor is 400 and nothing reaches Wix', async (_name, extra, more) => {
    const b = await bed();
    const cursor = await firstPage(b);
    const reply = await continueWith(b, cursor, extra, more);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/^a continued listing carries only args\.0\.cursorPaging\.cursor and, at most, a page size/);
    expect(b.upstream()).toEqual([]);
  });

  it("a page size above the cap is 400 with nothing sent; none at all is the first page's", async () => {
    const b = await bed();
    const cursor = await firstPage(b);
    const tooLarge = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor, limit: 21 } }]);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error.message).toBe('a continued listing takes at most 20 items per page (cursorPaging.limit)');
    expect(b.upstream()).toEqual([]);
    const none = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor } }]);
    expect(none.status).toBe(200);
    expect((b.upstream()[0]!.payload as any).query.cursorPaging.limit).toBe(2);
  });

  it("is decided on the first page's arguments, so a rule's `when` on them holds on every page", async () => {
    const policy = await policyFromYaml(`
version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - id: browse-urls-only
    description: only listings that ask for URLs
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    when: { args.1.fields: { $all: [URL] } }
    resource: { visible: true }
    cap: 5
`);
    const b = await bed({ policy });
    const cursor = await firstPage(b, visitor, { cursorPaging: { limit: 2 } }, { fields: ['URL'] });
    expect((await continueWith(b, cursor)).status).toBe(200);
  });
});

describe('a continued listing is decided page by page on what it asks for', () => {
  const limitedBy = (when: string) =>
    policyFromYaml(`
version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - id: small-pages
    description: pages of at most 2
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    resource: { visible: true }
${when}
`);

  it("a rule's `when` on the page size holds on every page, not only the first", async () => {
    const b = await bed({ policy: await limitedBy('    when: { args.0.cursorPaging.limit: { $lte: 2 } }') });
    const cursor = await firstPage(b, visitor, { cursorPaging: { limit: 2 } }, {});
    expect((await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor, limit: 50 } }])).status).toBe(403);
    expect(b.upstream()).toEqual([]);
    expect((await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor } }])).status).toBe(200);
  });

  it('a deny rule on the page size too', async () => {
    const policy = await policyFromYaml(`
version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - { id: browse, description: test, roles: [visitor], allow: stores.productsV3.queryProducts, resource: { visible: true } }
  - { id: no-big-pages, description: test, roles: [visitor], deny: stores.productsV3.queryProducts, when: { args.0.cursorPaging.limit: { $gt: 2 } } }
`);
    const b = await bed({ policy });
    const cursor = await firstPage(b, visitor, { cursorPaging: { limit: 2 } }, {});
    expect((await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor, limit: 90 } }])).status).toBe(403);
    expect(b.upstream()).toEqual([]);
  });

  it('a rule for first pages only (no cursor) does not continue listings', async () => {
    const b = await bed({ policy: await limitedBy('    when: { args.0.cursorPaging.cursor: { $exists: false } }') });
    const cursor = await firstPage(b, visitor, { cursorPaging: { limit: 2 } }, {});
    expect((await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor } }])).status).toBe(403);
  });

  it('a listing lasts one lifetime from its first page, however many pages follow', async () => {
    const clock = { now: Date.parse('2026-06-01T00:00:00Z') };
    const b = await bed({ gateway: { now: () => clock.now, cursorTtlSeconds: 600 } });
    let cursor = await firstPage(b, visitor, { cursorPaging: { limit: 1 } }, {});
    for (let i = 0; i < 2; i++) {
      clock.now += 250_000;
      const reply = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor } }]);
      expect(reply.status).toBe(200);
      cursor = reply.body.result.pagingMetadata.cursors.next;
    }
    clock.now += 250_000; // 750 s after the first page
    const late = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor } }]);
    expect(late.status).toBe(400);
    expect(late.body.error.message).toBe(CURSOR_EXPIRED);
  });

  it('a rule moved in its file or described anew keeps its listings going', async () => {
    const text = (await import('node:fs')).readFileSync('test/fixtures/every-kind-of-call.yaml', 'utf8');
    const before = await bed({ policy: await policyFromYaml(text), gateway: { cursorSecret: OLD } });
    const cursor = await firstPage(before);
    const reworded = text
      .replace('description: list with an options argument the SDK merges into its request', 'description: reworded')
      .replace('version: 1\n', 'version: 1\n# a note\n');
    const after = await bed({ policy: await policyFromYaml(reworded), gateway: { cursorSecret: OLD } });
    expect((await continueWith(after, cursor)).status).toBe(200);
  });

  it("a first page too large to carry in a cursor is answered without cursors; up to the SDK's cursor length they continue", async () => {
    const b = await bed();
    const slugs = (n: number) => Array.from({ length: n }, (_, i) => `slug-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`);
    const medium = await b.call(visitor, 'stores.productsV3', 'queryProducts', [{ filter: { slug: { $nin: slugs(120) } }, cursorPaging: { limit: 1 } }]);
    const cursor = medium.body.result.pagingMetadata.cursors.next as string;
    expect(cursor.length).toBeGreaterThan(4096);
    expect((await continueWith(b, cursor, {}, [])).status).toBe(200);
    const huge = await b.call(visitor, 'stores.productsV3', 'queryProducts', [
      { filter: { slug: { $nin: slugs(200) }, handle: { $nin: slugs(200) } }, cursorPaging: { limit: 1 } },
    ]);
    expect(huge.status).toBe(200);
    expect(huge.body.result.pagingMetadata.cursors).toEqual({});
    expect(b.log.entries.at(-1)!.obligations).toContainEqual({
      type: 'cursors-withheld',
      reason: "the first page's arguments are too large to carry in a cursor",
    });
  });
});

describe('a cursor is refused, before anything reaches Wix, when it is', () => {
  it('replayed by another caller', async () => {
    const b = await bed();
    const r = await b.call(m1, 'ecom.orders', 'searchOrders', [{ cursorPaging: { limit: 1 } }]);
    const cursor = r.body.result.metadata.cursors.next as string;
    b.emulator.requests.length = 0;
    const reply = await b.call(m2, 'ecom.orders', 'searchOrders', [{ cursorPaging: { cursor } }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(CURSOR_REFUSED);
    expect(b.upstream()).toEqual([]);
  });

  it('used on another call', async () => {
    const policy = await policyFromYaml(`
version: 1
roles: { member: { subjects: [MEMBER] } }
rules:
  - { id: products, description: test, roles: [member], allow: stores.productsV3.queryProducts, resource: { visible: true } }
  - { id: orders, description: test, roles: [member], allow: ecom.orders.searchOrders, resource: { buyerInfo.memberId: "\${caller.id}" } }
`);
    const b = await bed({ policy });
    const cursor = await firstPage(b, m1, { cursorPaging: { limit: 2 } }, {});
    const reply = await b.call(m1, 'ecom.orders', 'searchOrders', [{ cursorPaging: { cursor } }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(CURSOR_REFUSED);
    expect(b.upstream()).toEqual([]);
  });

  it('issued under rules that have changed since', async () => {
    const before = await bed({ gateway: { cursorSecret: OLD } });
    const cursor = await firstPage(before);
    const narrowed = await policyFromYaml(
      (await import('node:fs')).readFileSync('test/fixtures/every-kind-of-call.yaml', 'utf8').replace('    cap: 20\n', '    cap: 10\n'),
    );
    const after = await bed({ policy: narrowed, gateway: { cursorSecret: OLD } });
    const reply = await continueWith(after, cursor);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(CURSOR_RULES_CHANGED);
    expect(after.upstream()).toEqual([]);
  });

  it('past its expiry (one hour by default, configurable)', async () => {
    const clock = { now: Date.parse('2026-06-01T00:00:00Z') };
    const b = await bed({ gateway: { now: () => clock.now, cursorTtlSeconds: 600 } });
    const cursor = await firstPage(b);
    clock.now += 599_000;
    expect((await continueWith(b, cursor)).status).toBe(200);
    b.emulator.requests.length = 0;
    clock.now += 2_000;
    const reply = await continueWith(b, cursor);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(CURSOR_EXPIRED);
    expect(b.upstream()).toEqual([]);
  });

  it('signed with a retired key; after a rotation the previous key still opens its cursors', async () => {
    const issued = await bed({ gateway: { cursorSecret: OLD } });
    const cursor = await firstPage(issued);
    const rotated = await bed({ gateway: { cursorSecret: { current: NEW, previous: OLD } } });
    const continued = await continueWith(rotated, cursor);
    expect(continued.status).toBe(200);
    // The next cursor is signed with the new key: it opens once the old one is retired.
    const next = continued.body.result.pagingMetadata.cursors.next as string;
    const retired = await bed({ gateway: { cursorSecret: NEW } });
    expect((await continueWith(retired, next)).status).toBe(200);
    retired.emulator.requests.length = 0;
    const refused = await continueWith(retired, cursor);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(CURSOR_REFUSED);
    expect(retired.upstream()).toEqual([]);
  });

  it.each([
    ['made up', 'gw2.eyJjIjoieCJ9.' + 'A'.repeat(43)],
    ["Wix's own", 'emu1.eyJvIjoxfQ'],
    ['of another format', 'gw1.' + 'A'.repeat(43) + '.x'],
  ])('%s', async (_name, cursor) => {
    const b = await bed();
    const reply = await continueWith(b, cursor);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(CURSOR_REFUSED);
    expect(b.upstream()).toEqual([]);
  });
});

describe('a caller no rule grants the call', () => {
  it('is refused with the one 403 whatever cursor it sends, so a cursor never tells calls apart', async () => {
    const b = await bed();
    const reply = await b.call(m1, 'stores.productsV3', 'queryProducts', [{ cursorPaging: { cursor: 'gw2.x.y' } }]);
    expect(reply.status).toBe(403);
  });
});
