// Wix Data items end to end: a policy of the product's own (not the example's) naming data.items
// get, query, insert, update and remove is compiled from YAML against the installed SDK, served by
// the self-hosted gateway with the real @wix/wix-data-items-sdk functions elevated through the real
// AppStrategy, and Wix is the emulator; every case looks at what reached it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { get, insert, query, remove, update } from '@wix/wix-data-items-sdk';
import { buildPolicy } from '../../src/policy/build.ts';
import type { CompiledPolicy } from '../../src/contract/compiled-policy.ts';
import type { PolicyModule } from '../../src/gateway/policy-module.ts';
import { bareToken, createWixEmulator, devTokens, type RecordedRequest, type WixEmulator } from '../../src/dev/emulator/index.ts';
import { createTestBed } from '../../src/dev/testing/test-bed.ts';
import { dataGateway, policyModule } from './data-gateway.ts';

const POLICY = `version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER] }
  staff: { subjects: [USER] }
rules:
  - id: visitors-read-published-reviews
    description: Visitors list the published reviews.
    roles: [visitor]
    allow: data.items.query
    when: { args.0: reviews }
    resource: { published: true }
    cap: 20
  - id: members-list-own-reviews
    description: Members list their own reviews.
    roles: [member]
    allow: data.items.query
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}" }
    cap: 20
  - id: members-read-own-review
    description: Members read one of their own reviews, drafts included.
    roles: [member]
    allow: data.items.get
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}" }
    allowOptions: [showDrafts]
    rateLimit: 2/minute
    justification: a member's own drafts are theirs to see
  - id: members-read-published-review
    description: Members read any published review.
    roles: [member]
    allow: data.items.get
    when: { args.0: reviews }
    resource: { published: true }
  - id: members-write-reviews
    description: Members add a review; it is theirs whatever they send.
    roles: [member]
    allow: data.items.insert
    when: { args.0: reviews }
    writable: [args.1.title, args.1.body, args.1.rating, args.1.productId]
    presets: { args.1._owner: "\${caller.id}", args.1.published: false }
  - id: members-edit-own-review
    description: Members edit their own reviews.
    roles: [member]
    allow: data.items.update
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}" }
    preload: data.items.get
    writable: [args.1.title, args.1.body, args.1.rating, args.1.meta.color]
  - id: members-remove-own-review
    description: Members remove their own reviews.
    roles: [member]
    allow: data.items.remove
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}" }
    preload: data.items.get
  - id: staff-read-reviews-without-hooks
    description: Site staff read any review, skipping the collection's hooks.
    roles: [staff]
    allow: data.items.get
    when: { args.0: reviews }
    allowOptions: [suppressHooks]
    justification: the staff tool reads raw items; the collection's read hook only formats them for the site
`;

const SDK = { 'data.items.get': get, 'data.items.query': query, 'data.items.insert': insert, 'data.items.update': update, 'data.items.remove': remove };

let dir: string;
let policy: CompiledPolicy;
let module: PolicyModule;
let emulator: WixEmulator;
let gateway: ReturnType<typeof dataGateway>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'data-items-'));
  writeFileSync(join(dir, 'reviews.yaml'), POLICY);
  const built = await buildPolicy(dir);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  policy = built.policy!;
  module = await policyModule(policy, SDK);
  emulator = createWixEmulator();
  gateway = dataGateway(module, emulator);
});
afterAll(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => emulator.reset());

const data = (): RecordedRequest[] => emulator.requests.filter((r) => r.route !== 'token' && r.route !== 'token-info');

async function call(token: string, method: string, args: unknown[]) {
  emulator.requests.length = 0;
  return gateway(token, method, args);
}

const m1 = devTokens.members['m-1'];
const stored = (id: string) => emulator.data.collections.reviews!.items.find((i) => i._id === id);
const withoutRequestId = (body: { error: Record<string, unknown> }) => {
  const { requestId: _, ...rest } = body.error;
  return rest;
};

describe('what the compiler makes of data.items', () => {
  it('describes each method by what the SDK sends: collection first, the item by id', () => {
    const m = policy.methods;
    expect(m['data.items.get']).toMatchObject({ kind: 'read-one', pathArgs: ['1'], targetArgs: ['0', '1'], scope: { arg: 0, noun: 'collection' } });
    expect(m['data.items.query']).toMatchObject({ kind: 'list', list: { queryArg: 1, itemsKey: 'items' }, targetArgs: ['0'] });
    expect(m['data.items.insert']).toMatchObject({ kind: 'write', targetArgs: ['0'] });
    expect(m['data.items.update']).toMatchObject({ kind: 'write-one', targetArgs: ['0', '1._id'] });
    expect(m['data.items.remove']).toMatchObject({ kind: 'write-one', targetArgs: ['0', '1'] });
    expect(m['data.items.get']!.package).toBe('@wix/wix-data-items-sdk');
  });
});

describe('data.items through the gateway, Wix emulated', () => {
  it("reads an own item (200), elevated, from the rule's collection", async () => {
    const reply = await call(m1, 'get', ['reviews', 'rev-1']);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.result).toMatchObject({ _id: 'rev-1', _owner: 'm-1' });
    expect(data().map((r) => r.route)).toEqual(['getDataItem']);
    expect(data()[0]!.params.dataCollectionId).toBe('reviews');
    expect(bareToken(data()[0]!.authorization)).toBe(devTokens.app);
  });

  it("refuses another member's unpublished item and a missing one with the same 403", async () => {
    const foreign = await call(m1, 'get', ['reviews', 'rev-5']);
    const missing = await call(m1, 'get', ['reviews', 'rev-999']);
    expect(foreign.status, foreign.text).toBe(403);
    expect(missing.status, missing.text).toBe(403);
    expect(withoutRequestId(foreign.body)).toEqual(withoutRequestId(missing.body));
    expect(foreign.text).not.toContain('m-2');
  });

  it("refuses another collection's id before any request reaches Wix", async () => {
    for (const collection of ['privateNotes', ['reviews'], { $eq: 'reviews' }, 'Reviews']) {
      const reply = await call(m1, 'get', [collection, 'note-1']);
      expect(reply.status, `${JSON.stringify(collection)}: ${reply.text}`).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(data(), JSON.stringify(collection)).toHaveLength(0);
    }
  });

  it("forces a visitor's query to published items, and re-checks what Wix returns", async () => {
    const reply = await call(devTokens.visitor, 'query', ['reviews', { sort: [{ fieldName: 'rating', order: 'DESC' }] }]);
    expect(reply.status, reply.text).toBe(200);
    const items = reply.body.result.items as { published: boolean }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.published === true)).toBe(true);
    const sent = data()[0]!.payload as { dataCollectionId: string; query: { filter: unknown; paging?: { limit: number } } };
    expect(sent.dataCollectionId).toBe('reviews');
    expect(JSON.stringify(sent.query.filter)).toContain('"published":{"$eq":true}');
  });

  it("keeps a member's query to their own items when Wix ignores the filter", async () => {
    const misbehaving = createWixEmulator({ ignoreFilters: true });
    const reply = await dataGateway(module, misbehaving)(m1, 'query', ['reviews', { filter: { rating: { $gte: 1 } } }]);
    expect(reply.status, reply.text).toBe(200);
    const items = reply.body.result.items as { _owner: string }[];
    expect(items.map((i) => i._owner)).toEqual(['m-1', 'm-1', 'm-1', 'm-1']);
    const sent = misbehaving.requests.find((r) => r.route === 'queryDataItems')!.payload as { query: { filter: unknown } };
    expect(JSON.stringify(sent.query.filter)).toContain('"_owner":{"$eq":"m-1"}');
  });

  it('caps a query whatever page size the client asks for', async () => {
    const reply = await call(devTokens.visitor, 'query', ['reviews', { paging: { limit: 1000 } }]);
    expect(reply.status, reply.text).toBe(200);
    const sent = data()[0]!.payload as { query: { paging?: { limit: number }; cursorPaging?: { limit: number } } };
    expect(sent.query.paging?.limit ?? sent.query.cursorPaging?.limit).toBeLessThanOrEqual(20);
  });

  it('stores an insert with the caller as _owner whatever the client sent', async () => {
    const reply = await call(m1, 'insert', ['reviews', { title: 'Mine', body: 'ok', rating: 4, _owner: 'm-2', published: true }]);
    expect(reply.status, reply.text).toBe(200);
    const id = reply.body.result._id as string;
    expect(stored(id)).toMatchObject({ _owner: 'm-1', title: 'Mine', published: false });
    const sent = data()[0]!.body as { dataCollectionId: string; dataItem: { data: Record<string, unknown> } };
    expect(sent.dataCollectionId).toBe('reviews');
    expect(sent.dataItem.data._owner).toBe('m-1');
  });

  it('refuses an insert that sets a field the rule does not list, before Wix', async () => {
    const reply = await call(m1, 'insert', ['reviews', { title: 'x', featured: true }]);
    expect(reply.status, reply.text).toBe(400);
    expect(data()).toHaveLength(0);
  });

  it('updates an own item after loading it, and refuses a foreign one with only the preload sent', async () => {
    const own = await call(m1, 'update', ['reviews', { _id: 'rev-1', title: 'Edited', body: 'b', rating: 3 }]);
    expect(own.status, own.text).toBe(200);
    expect(data().map((r) => r.route)).toEqual(['getDataItem', 'updateDataItem']);
    expect(stored('rev-1')).toMatchObject({ title: 'Edited', _owner: 'm-1' });

    const foreign = await call(m1, 'update', ['reviews', { _id: 'rev-2', title: 'Mine now' }]);
    const missing = await call(m1, 'update', ['reviews', { _id: 'rev-999', title: 'Mine now' }]);
    expect(foreign.status).toBe(403);
    expect(withoutRequestId(foreign.body)).toEqual(withoutRequestId(missing.body));
    expect(stored('rev-2')!.title).not.toBe('Mine now');
  });

  it('removes an own item, and never a foreign one', async () => {
    const foreign = await call(m1, 'remove', ['reviews', 'rev-2']);
    expect(foreign.status).toBe(403);
    expect(data().map((r) => r.route)).toEqual(['getDataItem']);
    expect(stored('rev-2')).toBeDefined();
    const own = await call(m1, 'remove', ['reviews', 'rev-7']);
    expect(own.status, own.text).toBe(200);
    expect(data().map((r) => r.route)).toEqual(['getDataItem', 'removeDataItem']);
    expect(stored('rev-7')).toBeUndefined();
  });

  it('refuses a protection-disabling option no rule allows, before Wix', async () => {
    for (const options of [{ suppressHooks: true }, { suppressAuth: true }, { includeReferences: [{ field: 'productId' }] }, { appOptions: {} }]) {
      const reply = await call(m1, 'get', ['reviews', 'rev-1', options]);
      expect(reply.status, `${JSON.stringify(options)}: ${reply.text}`).toBe(403);
      expect(data()).toHaveLength(0);
    }
    const harmless = await call(m1, 'get', ['reviews', 'rev-1', { suppressHooks: false }]);
    expect(harmless.status, harmless.text).toBe(200);
  });

  it('passes an option a justified rule allows by name, and only that one', async () => {
    const allowed = await call(devTokens.user, 'get', ['reviews', 'rev-2', { suppressHooks: true }]);
    expect(allowed.status, allowed.text).toBe(200);
    expect(data()[0]!.params.suppressHooks).toBe('true');
    const other = await call(devTokens.user, 'get', ['reviews', 'rev-2', { suppressAuth: true }]);
    expect(other.status).toBe(403);
    expect(data()).toHaveLength(0);
  });

  it("decides a request with an option by the rules that allow it alone: not another rule's objects", async () => {
    const own = await call(m1, 'get', ['reviews', 'rev-4', { showDrafts: true }]);
    expect(own.status, own.text).toBe(200);
    const published = await call(m1, 'get', ['reviews', 'rev-2']);
    expect(published.status, published.text).toBe(200);
    const foreignWithDrafts = await call(m1, 'get', ['reviews', 'rev-2', { showDrafts: true }]);
    expect(foreignWithDrafts.status, foreignWithDrafts.text).toBe(403);
    // ... and by their rate limit: the rule that allows the option is limited to 2/minute (the two
    // requests above reached Wix), the other rule is not.
    expect((await call(m1, 'get', ['reviews', 'rev-4', { showDrafts: true }])).status).toBe(429);
    expect((await call(m1, 'get', ['reviews', 'rev-4'])).status).toBe(200);
  });

  it('loads the very item a write names: an id that is no plain id is refused, nothing is written', async () => {
    // Wix Data ids are free strings: another member's item may have one that walks the preload's URL path.
    emulator.data.collections.reviews!.items.push({ ...stored('rev-2')!, _id: 'x/../rev-1' });
    const remove_ = await call(m1, 'remove', ['reviews', 'x/../rev-1']);
    expect(remove_.status, remove_.text).toBe(400);
    const update_ = await call(m1, 'update', ['reviews', { _id: 'rev-1?dataCollectionId=reviews&z=', title: 'x' }]);
    expect(update_.status, update_.text).toBe(400);
    expect(data()).toHaveLength(0);
    expect(stored('x/../rev-1')).toBeDefined();
  });

  it('refuses a write when the preload answers with another object than the one named', async () => {
    const swapping = createWixEmulator({
      fault: (route) =>
        route === 'getDataItem' ? Response.json({ dataItem: { id: 'rev-1', dataCollectionId: 'reviews', data: { _id: 'rev-1', _owner: 'm-1' } } }) : undefined,
    });
    const reply = await dataGateway(module, swapping)(m1, 'remove', ['reviews', 'rev-2']);
    expect(reply.status).toBe(403);
    expect(swapping.requests.filter((r) => r.route === 'removeDataItem')).toHaveLength(0);
  });

  it('keeps what the caller may not write when an update replaces the item', async () => {
    Object.assign(stored('rev-1')!, {
      flagged: true,
      reviewedAt: { $date: '2025-06-01T10:00:00.000Z' },
      meta: { color: 'blue', moderation: { flagged: true } },
    });
    const reply = await call(m1, 'update', ['reviews', { _id: 'rev-1', title: 'Only the title' }]);
    expect(reply.status, reply.text).toBe(200);
    // The reply holds what the caller sent, not what was carried over for it.
    expect(Object.keys(reply.body.result).sort()).toEqual(['_createdDate', '_id', '_updatedDate', 'title']);
    // The preload read what the write is decided on.
    expect(data().find((r) => r.route === 'getDataItem')!.params.consistentRead).toBe('true');
    expect(stored('rev-1')).toMatchObject({
      title: 'Only the title',
      _owner: 'm-1',
      flagged: true,
      published: true,
      productId: 'p-001',
      rating: 5,
      reviewedAt: { $date: '2025-06-01T10:00:00.000Z' },
    });
    // A nested writable path keeps its unwritable siblings.
    const nested = await call(m1, 'update', ['reviews', { _id: 'rev-1', meta: { color: 'red' } }]);
    expect(nested.status, nested.text).toBe(200);
    expect(stored('rev-1')!.meta).toEqual({ color: 'red', moderation: { flagged: true } });
    expect(nested.body.result.meta).toEqual({ color: 'red' });
  });

  it('starts a listing with its filter when the client sends an empty cursor', async () => {
    const reply = await call(devTokens.visitor, 'query', ['reviews', { cursorPaging: { cursor: '', limit: 3 } }]);
    expect(reply.status, reply.text).toBe(200);
    const sent = data()[0]!.payload as { query: { filter?: unknown } };
    expect(JSON.stringify(sent.query.filter)).toContain('"published":{"$eq":true}');
  });
});

describe("data.items through Wix's hosted elevation (auth.elevate, as Wix's runtimes run api.ts)", () => {
  const bed = () => createTestBed({ policy: module });

  it('reads an own item with the app token, and refuses a foreign one', async () => {
    const b = bed();
    const own = await b.call(m1, 'data.items', 'get', ['reviews', 'rev-1']);
    expect(own.status).toBe(200);
    expect(b.upstream().map((r) => [r.route, bareToken(r.authorization)])).toEqual([['getDataItem', devTokens.app]]);
    const foreign = await b.call(m1, 'data.items', 'get', ['reviews', 'rev-5']);
    expect(foreign.status).toBe(403);
  });

  it('forces the filter of a query, and writes an own item after its preload', async () => {
    const b = bed();
    const listed = await b.call(devTokens.visitor, 'data.items', 'query', ['reviews', {}]);
    expect(listed.status).toBe(200);
    expect((listed.body.result.items as { published: boolean }[]).every((i) => i.published)).toBe(true);
    const updated = await b.call(m1, 'data.items', 'update', ['reviews', { _id: 'rev-1', title: 'Hosted' }]);
    expect(updated.status).toBe(200);
    expect(b.upstream().map((r) => r.route)).toEqual(['queryDataItems', 'getDataItem', 'updateDataItem']);
    expect(b.upstream().every((r) => bareToken(r.authorization) === devTokens.app)).toBe(true);
    expect(b.emulator.data.collections.reviews!.items.find((i) => i._id === 'rev-1')).toMatchObject({ title: 'Hosted', _owner: 'm-1' });
  });
});
