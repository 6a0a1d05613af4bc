/**
 * Wix Data items in the emulator: the REST routes `@wix/data`'s `items` calls, with the collection permissions
 * Wix applies to non-elevated callers. The first part sends raw requests in the SDK's exact shapes; the last
 * drives the real SDK (`createClient(...).use(items)`) against the emulator.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { base64UrlEncode } from './paging.ts';
import { SEED_PRIVATE_NOTE_TABLE, SEED_REVIEW_TABLE, seedDataCollections } from './seed.ts';
import { APP_ID, devTokens } from './tokens.ts';
import { createWixEmulator, type WixEmulator, type WixEmulatorOptions } from './wix-emulator.ts';
import { get, post } from '../testing/wix-requests.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const NOW_ISO = new Date(NOW).toISOString();
const { app, visitor, user } = devTokens;
const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];

/** `items.query(...)`'s GET: the request JSON as base64url in `.r`. */
function query(request: unknown, token?: string): Request {
  return get(`/wix-data/v2/items/query?.r=${base64UrlEncode(JSON.stringify(request))}`, token);
}

let emu: WixEmulator;
function fresh(options: WixEmulatorOptions = {}) {
  emu = createWixEmulator({ now: () => NOW, ...options });
  return emu;
}
beforeEach(() => fresh());

async function call(request: Request): Promise<{ status: number; body: any }> {
  const res = await emu.handle(request);
  return { status: res.status, body: await res.json() };
}
function code(body: any): string | undefined {
  return body?.details?.applicationError?.code;
}
const ids = (body: any): string[] => body.dataItems.map((d: any) => d.id);

describe('seedDataCollections', () => {
  it('is deterministic, fresh on each call, and matches the documented tables', () => {
    const a = seedDataCollections();
    expect(a).toEqual(seedDataCollections());
    expect(a).not.toBe(seedDataCollections());
    expect(Object.keys(a)).toEqual(['reviews', 'privateNotes']);
    expect(a.reviews!.permissions).toEqual({ read: 'ANYONE', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' });
    expect(a.privateNotes!.permissions).toEqual({ read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
    expect(a.reviews!.items.map((i) => [i._id, i._owner, i.rating, i.published, i.productId])).toEqual(
      SEED_REVIEW_TABLE.map((r) => [r.id, r.owner, r.rating, r.published, r.productId]),
    );
    expect(a.privateNotes!.items.map((i) => [i._id, i._owner, i.title])).toEqual(SEED_PRIVATE_NOTE_TABLE.map((r) => [r.id, r.owner, r.title]));
    for (const owner of ['m-1', 'm-2', 'm-3']) {
      const mine = a.reviews!.items.filter((i) => i._owner === owner);
      expect(mine.some((i) => i.published === true)).toBe(true);
      expect(mine.some((i) => i.published === false)).toBe(true);
    }
    expect(a.reviews!.items[0]).toEqual({
      _id: 'rev-1',
      _owner: 'm-1',
      _createdDate: { $date: '2025-04-01T12:00:00.000Z' },
      _updatedDate: { $date: '2025-04-01T12:00:00.000Z' },
      title: '5 stars for the Linen Tote Bag',
      body: 'Review 1 of the dev reviews: Linen Tote Bag, rated 5 of 5.',
      rating: 5,
      published: true,
      productId: 'p-001',
    });
  });
});

describe('insert: POST /wix-data/v2/items', () => {
  it('APP: keeps the _owner sent, sets the system dates, answers { dataItem: { id, dataCollectionId, data } }', async () => {
    const { status, body } = await call(
      post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { data: { title: 'Great', _owner: 'm-3', rating: 5 } } }, app),
    );
    expect(status).toBe(200);
    const id = body.dataItem.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toEqual({
      dataItem: {
        id,
        dataCollectionId: 'reviews',
        data: { _id: id, _owner: 'm-3', _createdDate: { $date: NOW_ISO }, _updatedDate: { $date: NOW_ISO }, title: 'Great', rating: 5 },
      },
    });
    expect(emu.data.collections.reviews!.items.at(-1)).toEqual(body.dataItem.data);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'insertDataItem', method: 'POST', path: '/wix-data/v2/items', authorization: app });
  });

  it('APP without _owner: the app is the owner; with dataItem.id and suppressHooks: that id', async () => {
    const { body } = await call(
      post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { id: 'a1', data: { _id: 'a1', title: 'x' } }, suppressHooks: true }, app),
    );
    expect(body.dataItem).toMatchObject({ id: 'a1', data: { _id: 'a1', _owner: APP_ID, title: 'x' } });
  });

  it('a member inserts as themselves, whatever _owner they send; system dates they send are overwritten', async () => {
    const { status, body } = await call(
      post(
        '/wix-data/v2/items',
        { dataCollectionId: 'reviews', dataItem: { data: { title: 'Mine', _owner: 'm-2', _createdDate: { $date: '2000-01-01T00:00:00.000Z' } } } },
        m1,
      ),
    );
    expect(status).toBe(200);
    expect(body.dataItem.data).toMatchObject({ _owner: 'm-1', _createdDate: { $date: NOW_ISO }, title: 'Mine' });
  });

  it('a visitor cannot insert into a SITE_MEMBER collection; a member cannot into an ADMIN one; USER and APP can', async () => {
    const item = { dataItem: { data: { title: 't' } } };
    const v = await call(post('/wix-data/v2/items', { dataCollectionId: 'reviews', ...item }, visitor));
    expect(v.status).toBe(403);
    expect(code(v.body)).toBe('WDE0027');
    const m = await call(post('/wix-data/v2/items', { dataCollectionId: 'privateNotes', ...item }, m1));
    expect(m.status).toBe(403);
    expect(code(m.body)).toBe('WDE0027');
    const u = await call(post('/wix-data/v2/items', { dataCollectionId: 'privateNotes', ...item }, user));
    expect(u.status).toBe(200);
    expect(u.body.dataItem.data._owner).toBe('u-1');
    expect((await call(post('/wix-data/v2/items', { dataCollectionId: 'privateNotes', ...item }, app))).status).toBe(200);
  });

  it('an existing _id is 409 WDE0074; generated ids are deterministic and restart after reset()', async () => {
    const dup = await call(post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { id: 'rev-1', data: { _id: 'rev-1' } } }, app));
    expect(dup.status).toBe(409);
    expect(code(dup.body)).toBe('WDE0074');
    const first = (await call(post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { data: {} } }, app))).body.dataItem.id;
    expect(first).toBe('00000000-0000-4000-8000-000000000001');
    emu.reset();
    expect((await call(post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { data: {} } }, app))).body.dataItem.id).toBe(first);
  });

  it('malformed bodies are 400 validation errors on the field; an unknown collection is 404 WDE0025', async () => {
    const cases: [unknown, string][] = [
      [{ dataItem: { data: {} } }, 'dataCollectionId'],
      [{ dataCollectionId: '', dataItem: { data: {} } }, 'dataCollectionId'],
      [{ dataCollectionId: 'reviews' }, 'dataItem'],
      [{ dataCollectionId: 'reviews', dataItem: {} }, 'dataItem.data'],
      [{ dataCollectionId: 'reviews', dataItem: { data: [] } }, 'dataItem.data'],
      [{ dataCollectionId: 'reviews', dataItem: { id: 'a', data: { _id: 'b' } } }, 'dataItem.id'],
      [{ dataCollectionId: 'reviews', dataItem: { data: { _id: 7 } } }, 'dataItem.data._id'],
      [['not', 'an', 'object'], 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await call(post('/wix-data/v2/items', body, app));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.validationError.fieldViolations[0].field).toBe(field);
    }
    const unknown = await call(post('/wix-data/v2/items', { dataCollectionId: 'nope', dataItem: { data: {} } }, app));
    expect(unknown.status).toBe(404);
    expect(code(unknown.body)).toBe('WDE0025');
    expect((await call(post('/wix-data/v2/items', { dataCollectionId: 'reviews', dataItem: { data: {} } }))).status).toBe(401);
  });
});

describe('get: GET /wix-data/v2/items/{id}', () => {
  it('anyone reads a review; fields project onto _id + the fields; the request is recorded with its payload', async () => {
    const { status, body } = await call(get('/wix-data/v2/items/rev-2?dataCollectionId=reviews&dataItemId=rev-2', visitor));
    expect(status).toBe(200);
    expect(body.dataItem).toEqual({ id: 'rev-2', dataCollectionId: 'reviews', data: seedDataCollections().reviews!.items[1] });
    const projected = await call(get('/wix-data/v2/items/rev-2?dataCollectionId=reviews&dataItemId=rev-2&consistentRead=true&fields=title&fields=rating', m1));
    expect(projected.body.dataItem.data).toEqual({ _id: 'rev-2', title: '4 stars for the Granite Tote Bag', rating: 4 });
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'getDataItem',
      path: '/wix-data/v2/items/rev-2',
      payload: { dataCollectionId: 'reviews', dataItemId: 'rev-2', consistentRead: 'true', fields: ['title', 'rating'] },
    });
  });

  it('a missing item is 404 WDE0073; an unknown collection 404 WDE0025; no collection id 400', async () => {
    const missing = await call(get('/wix-data/v2/items/rev-99?dataCollectionId=reviews&dataItemId=rev-99', app));
    expect(missing.status).toBe(404);
    expect(code(missing.body)).toBe('WDE0073');
    const unknown = await call(get('/wix-data/v2/items/rev-1?dataCollectionId=nope&dataItemId=rev-1', app));
    expect(unknown.status).toBe(404);
    expect(code(unknown.body)).toBe('WDE0025');
    const noCollection = await call(get('/wix-data/v2/items/rev-1?dataItemId=rev-1', app));
    expect(noCollection.status).toBe(400);
    expect(noCollection.body.details.validationError.fieldViolations[0].field).toBe('dataCollectionId');
  });

  it('ADMIN read: members and visitors are refused (403 WDE0027), USER and APP read', async () => {
    const path = '/wix-data/v2/items/note-1?dataCollectionId=privateNotes&dataItemId=note-1';
    for (const token of [m1, visitor]) {
      const res = await call(get(path, token));
      expect(res.status).toBe(403);
      expect(code(res.body)).toBe('WDE0027');
    }
    expect((await call(get(path, user))).body.dataItem.data._owner).toBe('m-1');
    expect((await call(get(path, app))).body.dataItem.data.title).toBe('Gift wrap request');
  });

  it('SITE_MEMBER_AUTHOR read: a member gets their own item, another member’s is not found, a visitor is refused', async () => {
    emu.data.collections.reviews!.permissions.read = 'SITE_MEMBER_AUTHOR';
    const path = (id: string) => `/wix-data/v2/items/${id}?dataCollectionId=reviews&dataItemId=${id}`;
    expect((await call(get(path('rev-1'), m1))).status).toBe(200);
    const other = await call(get(path('rev-2'), m1));
    expect(other.status).toBe(404);
    expect(code(other.body)).toBe('WDE0073');
    expect(code((await call(get(path('rev-1'), visitor))).body)).toBe('WDE0027');
    expect((await call(get(path('rev-2'), app))).status).toBe(200);
  });
});

describe('update: POST /wix-data/v2/items/update', () => {
  const update = (id: string, data: Record<string, unknown>, token: string) =>
    call(post('/wix-data/v2/items/update', { dataCollectionId: 'reviews', dataItem: { id, data: { _id: id, ...data } } }, token));

  it('the author replaces their item: fields not sent are gone, _owner and _createdDate kept, _updatedDate set', async () => {
    const { status, body } = await update('rev-1', { title: 'Changed my mind', rating: 3, _owner: 'm-2' }, m1);
    expect(status).toBe(200);
    expect(body.dataItem).toEqual({
      id: 'rev-1',
      dataCollectionId: 'reviews',
      data: {
        _id: 'rev-1',
        _owner: 'm-1',
        _createdDate: { $date: '2025-04-01T12:00:00.000Z' },
        _updatedDate: { $date: NOW_ISO },
        title: 'Changed my mind',
        rating: 3,
      },
    });
    expect(emu.data.collections.reviews!.items[0]).toEqual(body.dataItem.data);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'updateDataItem', path: '/wix-data/v2/items/update' });
  });

  it('a member cannot update another member’s item (403 WDE0027) — elevated (APP) they can, and APP may set _owner', async () => {
    const denied = await update('rev-2', { title: 'Hijacked' }, m1);
    expect(denied.status).toBe(403);
    expect(code(denied.body)).toBe('WDE0027');
    expect(emu.data.collections.reviews!.items[1]!.title).not.toBe('Hijacked');
    const elevated = await update('rev-2', { title: 'Moderated' }, app);
    expect(elevated.status).toBe(200);
    expect(elevated.body.dataItem.data).toMatchObject({ _owner: 'm-2', title: 'Moderated' });
    const reassigned = await update('rev-2', { title: 'Moderated', _owner: 'm-3' }, app);
    expect(reassigned.body.dataItem.data._owner).toBe('m-3');
    expect((await update('rev-3', { title: 'Site owner edit' }, user)).status).toBe(200);
    expect(code((await update('rev-3', { title: 'x' }, visitor)).body)).toBe('WDE0027');
  });

  it('a missing item is 404 WDE0073 (before ownership); no id is 400', async () => {
    const missing = await update('rev-99', { title: 'x' }, m1);
    expect(missing.status).toBe(404);
    expect(code(missing.body)).toBe('WDE0073');
    const noId = await call(post('/wix-data/v2/items/update', { dataCollectionId: 'reviews', dataItem: { data: { title: 'x' } } }, app));
    expect(noId.status).toBe(400);
    expect(noId.body.details.validationError.fieldViolations[0].field).toBe('dataItem.id');
  });
});

describe('save: POST /wix-data/v2/items/save', () => {
  const save = (dataItem: unknown, token: string) => call(post('/wix-data/v2/items/save', { dataCollectionId: 'reviews', dataItem }, token));

  it('inserts a new id (insert permission, owner = caller) and replaces an existing one (update permission)', async () => {
    const created = await save({ id: 'mine-1', data: { _id: 'mine-1', title: 'New' } }, m2);
    expect(created.status).toBe(200);
    expect(created.body.dataItem.data).toMatchObject({ _id: 'mine-1', _owner: 'm-2', _createdDate: { $date: NOW_ISO }, title: 'New' });
    const replaced = await save({ id: 'mine-1', data: { _id: 'mine-1', rating: 2 } }, m2);
    expect(replaced.body.dataItem.data).toEqual({
      _id: 'mine-1',
      _owner: 'm-2',
      _createdDate: { $date: NOW_ISO },
      _updatedDate: { $date: NOW_ISO },
      rating: 2,
    });
    const noId = await save({ data: { title: 'generated' } }, m2);
    expect(noId.body.dataItem.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(emu.requests.map((r) => r.route)).toEqual(['saveDataItem', 'saveDataItem', 'saveDataItem']);
  });

  it('saving over another member’s item is refused; a visitor cannot save a new one; APP can do both', async () => {
    const denied = await save({ id: 'rev-2', data: { _id: 'rev-2', title: 'x' } }, m1);
    expect(denied.status).toBe(403);
    expect(code(denied.body)).toBe('WDE0027');
    expect(code((await save({ data: { title: 'x' } }, visitor)).body)).toBe('WDE0027');
    expect((await save({ id: 'rev-2', data: { _id: 'rev-2', title: 'x' } }, app)).body.dataItem.data).toMatchObject({ _owner: 'm-2', title: 'x' });
  });
});

describe('remove: POST /wix-data/v2/items/remove', () => {
  const remove = (dataItemId: unknown, token: string, dataCollectionId = 'reviews') =>
    call(post('/wix-data/v2/items/remove', { dataCollectionId, dataItemId }, token));

  it('the author removes their item and gets it back; it is gone', async () => {
    const { status, body } = await remove('rev-1', m1);
    expect(status).toBe(200);
    expect(body).toEqual({ dataItem: { id: 'rev-1', dataCollectionId: 'reviews', data: seedDataCollections().reviews!.items[0] } });
    expect(emu.data.collections.reviews!.items.map((i) => i._id)).not.toContain('rev-1');
    expect(code((await remove('rev-1', m1)).body)).toBe('WDE0073');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'removeDataItem', body: { dataCollectionId: 'reviews', dataItemId: 'rev-1' } });
  });

  it('another member’s item: 403 WDE0027 for the member, 200 for APP; ADMIN collection: 403 for members', async () => {
    expect(code((await remove('rev-2', m1)).body)).toBe('WDE0027');
    expect((await remove('rev-2', app)).status).toBe(200);
    expect(code((await remove('note-1', m1, 'privateNotes')).body)).toBe('WDE0027');
    expect((await remove('note-1', app, 'privateNotes')).status).toBe(200);
    const missing = await remove('rev-99', app);
    expect(missing.status).toBe(404);
    expect(code(missing.body)).toBe('WDE0073');
    expect((await remove(undefined, app)).body.details.validationError.fieldViolations[0].field).toBe('dataItemId');
  });
});

describe('query: GET /wix-data/v2/items/query?.r=…', () => {
  it('filter + sort + offset paging; payload is the decoded .r; total only with returnTotalCount', async () => {
    const request = {
      dataCollectionId: 'reviews',
      query: { paging: { limit: 3, offset: 0 }, filter: { published: true, rating: { $gte: 4 } }, sort: [{ fieldName: 'rating', order: 'DESC' }] },
    };
    const { status, body } = await call(query(request, visitor));
    expect(status).toBe(200);
    // published with rating ≥ 4: rev-1 (5), rev-6 (5), rev-11 (5), rev-2 (4), rev-7 (4), rev-12 (4)
    expect(ids(body)).toEqual(['rev-1', 'rev-6', 'rev-11']);
    expect(body.dataItems[0]).toEqual({ id: 'rev-1', dataCollectionId: 'reviews', data: seedDataCollections().reviews!.items[0] });
    expect(body.pagingMetadata).toEqual({ count: 3, offset: 0, cursors: {}, hasNext: true });
    expect(emu.requests.at(-1)).toMatchObject({ route: 'queryDataItems', method: 'GET', path: '/wix-data/v2/items/query', payload: request });

    const page2 = await call(query({ ...request, query: { ...request.query, paging: { limit: 3, offset: 3 } }, returnTotalCount: true }, visitor));
    expect(ids(page2.body)).toEqual(['rev-2', 'rev-7', 'rev-12']);
    expect(page2.body.pagingMetadata).toEqual({ count: 3, offset: 3, total: 6, cursors: {}, hasNext: false });
  });

  it('defaults: every item, newest first (_createdDate DESC), limit 50; fields project', async () => {
    const { body } = await call(query({ dataCollectionId: 'reviews', query: { fields: ['rating'] } }, m1));
    expect(ids(body)).toEqual(SEED_REVIEW_TABLE.map((r) => r.id).reverse());
    expect(body.dataItems[0].data).toEqual({ _id: 'rev-12', rating: 4 });
    expect(body.pagingMetadata).toEqual({ count: 12, cursors: {}, hasNext: false });
  });

  it('filters on dates ({ $date } in the filter compares with the stored dates)', async () => {
    const { body } = await call(
      query(
        {
          dataCollectionId: 'reviews',
          query: { filter: { _createdDate: { $gt: { $date: '2025-04-10T00:00:00.000Z' } } }, sort: [{ fieldName: '_createdDate' }] },
        },
        app,
      ),
    );
    expect(ids(body)).toEqual(['rev-10', 'rev-11', 'rev-12']);
  });

  it('cursor paging: the next cursor continues the same filter and sort, whatever the request carries besides', async () => {
    const first = await call(
      query(
        { dataCollectionId: 'reviews', query: { cursorPaging: { limit: 2 }, filter: { _owner: 'm-2' }, sort: [{ fieldName: '_createdDate', order: 'ASC' }] } },
        m1,
      ),
    );
    expect(ids(first.body)).toEqual(['rev-2', 'rev-5']);
    expect(first.body.pagingMetadata).toMatchObject({ count: 2, hasNext: true });
    const cursor = first.body.pagingMetadata.cursors.next;
    expect(typeof cursor).toBe('string');
    const second = await call(query({ dataCollectionId: 'reviews', query: { cursorPaging: { limit: 2, cursor } } }, m1));
    expect(ids(second.body)).toEqual(['rev-8', 'rev-11']);
    expect(second.body.pagingMetadata).toMatchObject({ count: 2, hasNext: false });
    expect(typeof second.body.pagingMetadata.cursors.prev).toBe('string');
    const bad = await call(query({ dataCollectionId: 'reviews', query: { cursorPaging: { cursor: 'forged' } } }, m1));
    expect(bad.status).toBe(400);
    expect(bad.body.details.validationError.fieldViolations[0].field).toBe('query.cursorPaging.cursor');
  });

  it('POST with the same JSON body (the SDK fallback for long URLs) answers the same', async () => {
    const request = { dataCollectionId: 'reviews', query: { filter: { _owner: 'm-3' }, paging: { limit: 10 } } };
    const viaGet = await call(query(request, app));
    const viaPost = await call(post('/wix-data/v2/items/query', request, app));
    expect(viaPost.status).toBe(200);
    expect(viaPost.body).toEqual(viaGet.body);
    expect(ids(viaPost.body)).toEqual(['rev-12', 'rev-9', 'rev-6', 'rev-3']);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'queryDataItems', method: 'POST', payload: request });
  });

  it('permissions: ADMIN read refuses members (403 WDE0027); SITE_MEMBER_AUTHOR read shows a member only their items', async () => {
    const denied = await call(query({ dataCollectionId: 'privateNotes', query: {} }, m1));
    expect(denied.status).toBe(403);
    expect(code(denied.body)).toBe('WDE0027');
    expect(ids((await call(query({ dataCollectionId: 'privateNotes', query: {} }, app))).body)).toEqual(['note-4', 'note-3', 'note-2', 'note-1']);

    emu.data.collections.reviews!.permissions.read = 'SITE_MEMBER_AUTHOR';
    const mine = await call(query({ dataCollectionId: 'reviews', query: { filter: { _owner: { $in: ['m-1', 'm-2'] } } } }, m1));
    expect(ids(mine.body)).toEqual(['rev-10', 'rev-7', 'rev-4', 'rev-1']);
    expect(code((await call(query({ dataCollectionId: 'reviews' }, visitor))).body)).toBe('WDE0027');
    expect(ids((await call(query({ dataCollectionId: 'reviews' }, user))).body)).toHaveLength(12);
  });

  it('ignoreFilters: the filter is not applied (nor validated); permissions still are', async () => {
    fresh({ ignoreFilters: true });
    const all = await call(query({ dataCollectionId: 'reviews', query: { filter: { published: false } } }, app));
    expect(ids(all.body)).toHaveLength(12);
    const invalid = await call(query({ dataCollectionId: 'reviews', query: { filter: { rating: { $bogus: 1 } } } }, app));
    expect(invalid.status).toBe(200);
    emu.data.collections.reviews!.permissions.read = 'SITE_MEMBER_AUTHOR';
    const mine = await call(query({ dataCollectionId: 'reviews', query: { filter: { _owner: 'm-2' } } }, m1));
    expect(new Set(mine.body.dataItems.map((d: any) => d.data._owner))).toEqual(new Set(['m-1']));
  });

  it('validation: bad filter, bad limit, both paging forms, unknown collection, bad .r', async () => {
    const bad = async (request: unknown, field: string) => {
      const res = await call(query(request, app));
      expect(res.status, JSON.stringify(request)).toBe(400);
      expect(res.body.details.validationError.fieldViolations[0].field).toBe(field);
    };
    await bad({ dataCollectionId: 'reviews', query: { filter: { rating: { $bogus: 1 } } } }, 'query.filter');
    await bad({ dataCollectionId: 'reviews', query: { paging: { limit: 1001 } } }, 'query.paging.limit');
    await bad({ dataCollectionId: 'reviews', query: { cursorPaging: { limit: [1, 1000] } } }, 'query.cursorPaging.limit');
    await bad({ dataCollectionId: 'reviews', query: { paging: { limit: 1 }, cursorPaging: { limit: 1 } } }, 'query.paging');
    await bad({ dataCollectionId: 'reviews', query: { sort: [{ fieldName: 'rating', order: 'UP' }] } }, 'query.sort[0].order');
    await bad({ query: {} }, 'dataCollectionId');
    const unknown = await call(query({ dataCollectionId: 'nope', query: {} }, app));
    expect(unknown.status).toBe(404);
    expect(code(unknown.body)).toBe('WDE0025');
    const garbage = await call(get('/wix-data/v2/items/query?.r=%%%', app));
    expect(garbage.status).toBe(400);
    expect((await call(query({ dataCollectionId: 'reviews' }))).status).toBe(401);
  });
});

describe('count: POST /wix-data/v2/items/count', () => {
  const count = (body: unknown, token: string) => call(post('/wix-data/v2/items/count', body, token));

  it('counts matching items; honours ignoreFilters and the read permission', async () => {
    expect(await count({ dataCollectionId: 'reviews', filter: { published: true } }, visitor)).toEqual({ status: 200, body: { totalCount: 8 } });
    expect((await count({ dataCollectionId: 'reviews' }, visitor)).body).toEqual({ totalCount: 12 });
    expect(emu.requests.at(-1)).toMatchObject({ route: 'countDataItems', path: '/wix-data/v2/items/count' });
    const denied = await count({ dataCollectionId: 'privateNotes' }, m1);
    expect(denied.status).toBe(403);
    expect(code(denied.body)).toBe('WDE0027');
    expect((await count({ dataCollectionId: 'privateNotes', filter: { _owner: 'm-1' } }, app)).body).toEqual({ totalCount: 2 });
    const invalid = await count({ dataCollectionId: 'reviews', filter: { $bogus: [] } }, app);
    expect(invalid.status).toBe(400);
    expect(invalid.body.details.validationError.fieldViolations[0].field).toBe('filter');
    expect(code((await count({ dataCollectionId: 'nope' }, app)).body)).toBe('WDE0025');

    emu.data.collections.reviews!.permissions.read = 'SITE_MEMBER_AUTHOR';
    expect((await count({ dataCollectionId: 'reviews', filter: { published: false } }, m1)).body).toEqual({ totalCount: 2 });

    fresh({ ignoreFilters: true });
    expect((await count({ dataCollectionId: 'reviews', filter: { published: true } }, app)).body).toEqual({ totalCount: 12 });
  });
});

describe('reset()', () => {
  it('restores the collections in place, dropping added ones and undoing writes', async () => {
    const collections = emu.data.collections;
    await call(post('/wix-data/v2/items/remove', { dataCollectionId: 'reviews', dataItemId: 'rev-1' }, app));
    await call(post('/wix-data/v2/items/update', { dataCollectionId: 'reviews', dataItem: { id: 'rev-2', data: { _id: 'rev-2' } } }, app));
    collections.extra = { permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' }, items: [] };
    collections.privateNotes!.permissions.read = 'ANYONE';
    emu.reset();
    expect(emu.data.collections).toBe(collections);
    expect(emu.data.collections).toEqual(seedDataCollections());
    expect(emu.requests).toEqual([]);
  });
});

describe('through the real SDK (@wix/data items)', () => {
  function authFor(token: string) {
    return { getAuthHeaders: async () => ({ headers: { Authorization: token } }), getActiveToken: () => token } as any;
  }
  const dataClient = (token: string) => createClient({ auth: authFor(token), fetch: emu.fetch }).use(items);

  it('insert / get / update / save / remove / query / count, with dates revived and 404 WDE0073 turned into null', async () => {
    const member = dataClient(m1);
    const inserted = await member.insert('reviews', { title: 'Via SDK', rating: 4, _owner: 'm-2' } as any);
    expect(inserted).toMatchObject({ _owner: 'm-1', title: 'Via SDK', rating: 4 });
    expect(inserted._createdDate).toEqual(new Date(NOW));
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'insertDataItem',
      authorization: m1,
      body: { dataCollectionId: 'reviews', dataItem: { data: { title: 'Via SDK', rating: 4, _owner: 'm-2' } } },
    });

    const got = await member.get('reviews', 'rev-7', { fields: ['title'] });
    expect(got).toEqual({ _id: 'rev-7', title: '4 stars for the Harbor Tote Bag' });
    expect(await member.get('reviews', 'rev-99')).toBeNull();
    expect(emu.requests.at(-1)).toMatchObject({ route: 'getDataItem', search: '?dataCollectionId=reviews&dataItemId=rev-99' });

    const updated = await member.update('reviews', { _id: 'rev-7', title: 'Edited' });
    expect(updated).toMatchObject({ _id: 'rev-7', _owner: 'm-1', title: 'Edited' });
    expect(updated.rating).toBeUndefined();
    expect(updated._createdDate).toEqual(new Date('2025-04-07T12:00:00.000Z'));

    const saved = await member.save('reviews', { _id: 'sdk-1', title: 'Saved' });
    expect(saved).toMatchObject({ _id: 'sdk-1', _owner: 'm-1' });

    const removed = await member.remove('reviews', 'sdk-1');
    expect(removed).toMatchObject({ _id: 'sdk-1', title: 'Saved' });
    expect(await member.remove('reviews', 'sdk-1')).toBeNull();

    const page = await member.query('reviews', { filter: { _owner: 'm-3' }, sort: [{ fieldName: 'rating', order: 'DESC' }], cursorPaging: { limit: 2 } });
    expect(page.items.map((i) => i._id)).toEqual(['rev-6', 'rev-12']);
    expect(page.items[0]!._createdDate).toEqual(new Date('2025-04-06T12:00:00.000Z'));
    // the SDK turns a first cursorPaging page into offset paging
    expect(emu.requests.at(-1)!.payload).toMatchObject({ query: { paging: { limit: 2, offset: 0 }, filter: { _owner: 'm-3' } } });

    expect(await member.query('reviews').eq('published', false).count()).toBe(4);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'countDataItems', body: { dataCollectionId: 'reviews', filter: { published: false } } });
  });

  it('the query builder pages on with next()', async () => {
    const result = await dataClient(visitor).query('reviews').eq('published', true).ascending('_createdDate').limit(3).find();
    expect(result.items.map((i) => i._id)).toEqual(['rev-1', 'rev-2', 'rev-3']);
    expect(result.hasNext()).toBe(true);
    const next = await result.next();
    expect(next.items.map((i) => i._id)).toEqual(['rev-6', 'rev-7', 'rev-8']);
  });

  it('a cursorPaging.cursor request is answered from the cursor', async () => {
    // a first cursor page only comes from a raw request (the SDK sends offset paging for it)
    const first = await call(query({ dataCollectionId: 'reviews', query: { cursorPaging: { limit: 3 }, filter: { published: false } } }, app));
    expect(ids(first.body)).toEqual(['rev-10', 'rev-9', 'rev-5']);
    const next = await dataClient(app).query('reviews', { cursorPaging: { limit: 3, cursor: first.body.pagingMetadata.cursors.next } });
    expect(next.items.map((i) => i._id)).toEqual(['rev-4']);
    expect(next.pagingMetadata).toMatchObject({ count: 1, hasNext: false });
    expect(emu.requests.at(-1)!.payload).toEqual({ dataCollectionId: 'reviews', query: { cursorPaging: { limit: 3, cursor: expect.any(String) } } });
  });

  it('permission refusals surface as SDK errors carrying WDE0027; elevated (APP) calls pass', async () => {
    const err = await dataClient(m1)
      .update('reviews', { _id: 'rev-2', title: 'Not mine' })
      .then(
        () => undefined,
        (e: any) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(err.details.applicationError.code).toBe('WDE0027');
    await expect(dataClient(app).update('reviews', { _id: 'rev-2', title: 'Moderated' })).resolves.toMatchObject({ _owner: 'm-2', title: 'Moderated' });
    const unknown = await dataClient(app)
      .get('nope', 'x')
      .then(
        () => undefined,
        (e: any) => e,
      );
    expect(unknown.details.applicationError.code).toBe('WDE0025');
  });
});
