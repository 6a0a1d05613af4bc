/**
 * SDK modules emulated from their `meta`, driven by the REAL SDK (`@wix/crm`'s labels and pipelines through
 * `createClient({ fetch: emulator.fetch })`): what the SDK sends must be routed, and what the emulator answers
 * must come back through the SDK's own unwrapping, renaming and date reviving.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@wix/sdk';
import { contacts, labels, pipelines } from '@wix/crm';
import { labels as labelsMeta, pipelines as pipelinesMeta, contacts as contactsMeta } from '@wix/crm/meta';
import { authFor, rejection } from '../testing/sdk-auth.ts';
import { devTokens } from './tokens.ts';
import { createWixEmulator, type WixEmulator } from './wix-emulator.ts';
import type { EmulatedModule } from './module-emulation.ts';

const LABELS = [
  { key: 'custom.vip', displayName: 'VIP', namespace: 'custom', labelType: 'USER_DEFINED', createdDate: '2025-01-10T09:00:00.000Z' },
  { key: 'custom.wholesale', displayName: 'Wholesale', namespace: 'custom', labelType: 'USER_DEFINED', createdDate: '2025-02-03T14:30:00.000Z' },
  { key: 'custom.press', displayName: 'Press', namespace: 'custom', labelType: 'USER_DEFINED', createdDate: '2025-02-20T10:00:00.000Z' },
  { key: 'contacts.contacted-me', displayName: 'Contacted Me', namespace: 'contacts', labelType: 'SYSTEM', createdDate: '2024-06-01T00:00:00.000Z' },
];
const PIPELINES = [
  { id: 'pipeline-sales', name: 'Sales', revision: '1', createdDate: '2025-03-01T08:00:00.000Z' },
  { id: 'pipeline-support', name: 'Support', revision: '3', createdDate: '2025-03-02T08:00:00.000Z' },
  { id: 'pipeline-hiring', name: 'Hiring', revision: '1', createdDate: '2025-03-03T08:00:00.000Z' },
];
const MODULES: EmulatedModule[] = [
  { module: 'crm.labels', meta: labelsMeta, seed: { items: LABELS } },
  { module: 'crm.pipelines', meta: pipelinesMeta, seed: { items: PIPELINES } },
];

let emu: WixEmulator;
beforeEach(() => {
  emu = createWixEmulator({ modules: MODULES, now: () => Date.parse('2025-06-01T12:00:00.000Z') });
});

const crm = (token: string = devTokens.app) => createClient({ modules: { labels, pipelines, contacts }, auth: authFor(token), fetch: emu.fetch });
const raw = (path: string, init: RequestInit = {}, token: string | null = devTokens.app) =>
  emu.fetch(`https://www.wixapis.com${path}`, { ...init, headers: { ...(token ? { Authorization: token } : {}), 'content-type': 'application/json' } });

describe('get one', () => {
  it('getLabel: GET /contacts/v4/labels/{key} answers { label }, the SDK unwraps it and revives its dates', async () => {
    const label = await crm().labels.getLabel('custom.vip');
    expect(label).toMatchObject({ key: 'custom.vip', displayName: 'VIP', namespace: 'custom', labelType: 'USER_DEFINED' });
    expect(label?._createdDate).toEqual(new Date('2025-01-10T09:00:00.000Z'));
    expect(emu.requests).toEqual([
      expect.objectContaining({
        route: 'module',
        call: 'crm.labels.getLabel',
        method: 'GET',
        path: '/contacts/v4/labels/custom.vip',
        params: { key: 'custom.vip' },
        authorization: devTokens.app,
      }),
    ]);
  });

  it('getPipeline: an `id` entity comes back with `_id` (the SDK renames it)', async () => {
    const pipeline = await crm().pipelines.getPipeline('pipeline-support');
    expect(pipeline).toMatchObject({ _id: 'pipeline-support', name: 'Support', revision: '3' });
    expect(pipeline._createdDate).toEqual(new Date('2025-03-02T08:00:00.000Z'));
    expect(emu.requests[0]).toMatchObject({ route: 'module', call: 'crm.pipelines.getPipeline', path: '/crm/pipelines/v1/pipelines/pipeline-support' });
  });

  it('a missing id is 404 <SINGULAR>_NOT_FOUND in Wix shape, through the SDK and on the wire', async () => {
    const err = await rejection(crm().labels.getLabel('custom.nope'));
    expect(err.status).toBe(404);
    expect(err.details.applicationError).toMatchObject({ code: 'LABEL_NOT_FOUND', description: 'label with key custom.nope not found' });
    expect(emu.requests.at(-1)).toMatchObject({ route: 'module', call: 'crm.labels.getLabel' });

    const res = await raw('/crm/pipelines/v1/pipelines/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      message: 'pipeline with id nope not found',
      details: { applicationError: { code: 'PIPELINE_NOT_FOUND', description: 'pipeline with id nope not found', data: { pipelineId: 'nope' } } },
    });
  });

  it('path segments are decoded safely: an encoded slash is one id, a malformed escape stays as sent', async () => {
    const slash = await raw('/contacts/v4/labels/a%2Fb');
    expect((await slash.json()).details.applicationError.data).toEqual({ key: 'a/b' });
    const malformed = await raw('/contacts/v4/labels/%E0%A4%A');
    expect(malformed.status).toBe(404);
    expect((await malformed.json()).details.applicationError).toMatchObject({ code: 'LABEL_NOT_FOUND', data: { key: '%E0%A4%A' } });
  });
});

describe('query and list', () => {
  it('queryLabels (POST …/query) with a filter, a sort and offset paging across pages', async () => {
    const client = crm();
    const query = { filter: { namespace: 'custom' }, sort: [{ fieldName: 'displayName' as const, order: 'ASC' as const }], paging: { limit: 2 } };
    const page1 = await client.labels.queryLabels(query);
    expect(page1.labels?.map((l) => l.key)).toEqual(['custom.press', 'custom.vip']);
    expect(page1.pagingMetadata).toMatchObject({ count: 2, offset: 0, total: 3, tooManyToCount: false });
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'module',
      call: 'crm.labels.queryLabels',
      method: 'POST',
      path: '/contacts/v4/labels/query',
      body: { query },
    });

    const page2 = await client.labels.queryLabels({ ...query, paging: { limit: 2, offset: 2 } });
    expect(page2.labels?.map((l) => l.key)).toEqual(['custom.wholesale']);
    expect(page2.pagingMetadata).toMatchObject({ count: 1, offset: 2, total: 3 });
    expect(page2.labels?.[0]?._createdDate).toEqual(new Date('2025-02-03T14:30:00.000Z'));
  });

  it('the query builder (offset paging): totalCount, hasNext and next()', async () => {
    const result = await crm().labels.queryLabels().eq('namespace', 'custom').ascending('displayName').limit(2).find();
    expect(result.items.map((l) => l.key)).toEqual(['custom.press', 'custom.vip']);
    expect(result.totalCount).toBe(3);
    expect(result.hasNext()).toBe(true);
    expect(emu.requests.at(-1)!.body).toMatchObject({ query: { filter: { namespace: 'custom' }, paging: { offset: 0, limit: 2 } } });
    const next = await result.next();
    expect(next.items.map((l) => l.key)).toEqual(['custom.wholesale']);
    expect(next.hasNext()).toBe(false);
  });

  it('queryPipelines typed, with a filter, a sort and cursor paging across pages (the cursor carries the query)', async () => {
    const client = crm();
    const query = { filter: { name: { $ne: 'Hiring' } }, sort: [{ fieldName: 'name' as const, order: 'DESC' as const }], cursorPaging: { limit: 1 } };
    const page1 = await client.pipelines.queryPipelines(query);
    expect(page1.pipelines?.map((p) => p._id)).toEqual(['pipeline-support']);
    expect(page1.pagingMetadata).toMatchObject({ count: 1, hasNext: true });
    expect(emu.requests.at(-1)!.payload).toEqual({ query });

    const page2 = await client.pipelines.queryPipelines({ cursorPaging: { limit: 1, cursor: page1.pagingMetadata!.cursors!.next! } });
    expect(page2.pipelines?.map((p) => p._id)).toEqual(['pipeline-sales']);
    expect(page2.pagingMetadata).toMatchObject({ count: 1, hasNext: false });
    expect(page2.pagingMetadata?.cursors?.next).toBeUndefined();
    expect(page2.pipelines?.[0]?._createdDate).toEqual(new Date('2025-03-01T08:00:00.000Z'));
  });

  it('queryPipelines (GET …/query?.r=<base64url JSON>): the builder with cursor paging across pages', async () => {
    const page1 = await crm().pipelines.queryPipelines().startsWith('name', 'S').limit(1).find();
    expect(page1.items.map((p) => p._id)).toEqual(['pipeline-sales']);
    expect(page1.hasNext()).toBe(true);
    const first = emu.requests.at(-1)!;
    expect(first).toMatchObject({ route: 'module', call: 'crm.pipelines.queryPipelines', method: 'GET', path: '/crm/pipelines/v1/pipelines/query' });
    expect(first.params['.r']).toBeTypeOf('string');
    expect(first.payload).toEqual({ query: { filter: { name: { $startsWith: 'S' } }, cursorPaging: { limit: 1 } } });

    const page2 = await page1.next();
    expect(page2.items.map((p) => p._id)).toEqual(['pipeline-support']);
    expect(page2.hasNext()).toBe(false);
    expect(emu.requests.at(-1)!.payload).toMatchObject({ query: { cursorPaging: { limit: 1, cursor: expect.stringMatching(/^emu1\./) } } });
  });

  it('a GET query sent as plain parameters is decoded too', async () => {
    const res = await raw(
      `/crm/pipelines/v1/pipelines/query?query.filter=${encodeURIComponent(JSON.stringify({ name: 'Hiring' }))}&query.cursorPaging.limit=5`,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pipelines: [{ id: 'pipeline-hiring' }], pagingMetadata: { count: 1, hasNext: false } });
  });

  it('listLabels (GET on the collection): offset paging and a sort from plain parameters', async () => {
    const res = await crm().labels.listLabels({ paging: { limit: 2, offset: 1 }, sort: { fieldName: 'key', order: 'DESC' } });
    expect(res.labels?.map((l) => l.key)).toEqual(['custom.vip', 'custom.press']);
    // ListLabelsResponse names it `metadata` (QueryLabelsResponse `pagingMetadata`): both are answered
    expect(res.metadata).toMatchObject({ count: 2, offset: 1, total: 4 });
    expect(emu.requests.at(-1)).toMatchObject({ route: 'module', call: 'crm.labels.listLabels', method: 'GET', path: '/contacts/v4/labels' });
  });

  it('a malformed filter or limit is a 400 validation error on its field', async () => {
    const badOperator = await rejection(crm().labels.queryLabels({ filter: { key: { $regex: 'x' } } as any, paging: { limit: 1 } }));
    expect(badOperator.status).toBe(400);
    expect(badOperator.details.validationError.fieldViolations[0]).toMatchObject({ violatedRule: 'INVALID_QUERY' });
    const tooMany = await rejection(crm().labels.queryLabels({ paging: { limit: 5000 } }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.details.validationError.fieldViolations[0]).toMatchObject({ field: 'query.paging.limit', violatedRule: 'MAX' });
  });
});

describe('create, update, delete', () => {
  it('findOrCreateLabel creates once (a generated key), then finds; renameLabel merges; deleteLabel removes', async () => {
    const client = crm();
    const created = await client.labels.findOrCreateLabel('Partners');
    expect(created.newLabel).toBe(true);
    expect(created.label).toMatchObject({ displayName: 'Partners', key: expect.any(String) });
    expect(created.label?._createdDate).toEqual(new Date('2025-06-01T12:00:00.000Z'));
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'module',
      call: 'crm.labels.findOrCreateLabel',
      method: 'POST',
      path: '/contacts/v4/labels',
      body: { displayName: 'Partners' },
    });
    const key = created.label!.key!;

    const again = await client.labels.findOrCreateLabel('Partners');
    expect(again).toMatchObject({ newLabel: false, label: { key } });
    expect((await client.labels.queryLabels({ filter: { displayName: 'Partners' } })).labels).toHaveLength(1);

    const renamed = await client.labels.renameLabel(key, { displayName: 'Partner' });
    expect(renamed).toMatchObject({ key, displayName: 'Partner' });
    expect(emu.requests.at(-1)).toMatchObject({
      route: 'module',
      call: 'crm.labels.renameLabel',
      method: 'PATCH',
      path: `/contacts/v4/labels/${key}`,
      body: { label: { displayName: 'Partner', key } },
    });
    expect((await client.labels.getLabel(key))?.displayName).toBe('Partner');

    await client.labels.deleteLabel(key);
    expect(emu.requests.at(-1)).toMatchObject({ route: 'module', call: 'crm.labels.deleteLabel', method: 'DELETE', path: `/contacts/v4/labels/${key}` });
    expect((await rejection(client.labels.getLabel(key))).status).toBe(404);
    expect((await rejection(client.labels.deleteLabel(key))).details.applicationError.code).toBe('LABEL_NOT_FOUND');
  });

  it('createPipeline / updatePipeline / deletePipeline: `{ pipeline }` bodies, ids assigned, revision incremented', async () => {
    const client = crm();
    const created = await client.pipelines.createPipeline({ name: 'Partners', currency: 'EUR' });
    expect(created).toMatchObject({ _id: expect.stringMatching(/^00000000-0000-4000-8000-\d{12}$/), name: 'Partners', currency: 'EUR' });
    expect(emu.requests.at(-1)).toMatchObject({ call: 'crm.pipelines.createPipeline', body: { pipeline: { name: 'Partners', currency: 'EUR' } } });

    const updated = await client.pipelines.updatePipeline('pipeline-support', { name: 'Customer care', revision: '3' });
    expect(updated).toMatchObject({ _id: 'pipeline-support', name: 'Customer care', revision: '4' });
    expect(updated._createdDate).toEqual(new Date('2025-03-02T08:00:00.000Z'));
    expect(updated._updatedDate).toEqual(new Date('2025-06-01T12:00:00.000Z'));
    expect(emu.requests.at(-1)).toMatchObject({ call: 'crm.pipelines.updatePipeline', method: 'PATCH', path: '/crm/pipelines/v1/pipelines/pipeline-support' });

    await client.pipelines.deletePipeline(created._id!);
    const left = await client.pipelines.queryPipelines({ cursorPaging: { limit: 10 } });
    expect(left.pipelines?.map((p) => p._id)).toEqual(['pipeline-sales', 'pipeline-support', 'pipeline-hiring']);
  });

  it('an update of a missing id is 404; an id in the body that differs from the path is 400', async () => {
    expect((await rejection(crm().pipelines.updatePipeline('nope', { name: 'x' }))).details.applicationError.code).toBe('PIPELINE_NOT_FOUND');
    const res = await raw('/crm/pipelines/v1/pipelines/pipeline-sales', { method: 'PATCH', body: JSON.stringify({ pipeline: { id: 'pipeline-support' } }) });
    expect(res.status).toBe(400);
    expect((await res.json()).details.validationError.fieldViolations[0]).toMatchObject({ field: 'pipeline.id', description: 'must match the path' });
  });

  it('creating an id that exists is 409; a `__proto__` key anywhere in a write is refused', async () => {
    const dup = await raw('/crm/pipelines/v1/pipelines', { method: 'POST', body: JSON.stringify({ pipeline: { id: 'pipeline-sales', name: 'again' } }) });
    expect(dup.status).toBe(409);
    expect((await dup.json()).details.applicationError.code).toBe('PIPELINE_ALREADY_EXISTS');

    const hostile = await raw('/crm/pipelines/v1/pipelines/pipeline-sales', {
      method: 'PATCH',
      body: '{"pipeline":{"stages":[{"__proto__":{"polluted":true}}]}}',
    });
    expect(hostile.status).toBe(400);
    expect((await hostile.json()).details.validationError.fieldViolations[0]).toMatchObject({ field: 'pipeline.stages[0].__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await crm().pipelines.getPipeline('pipeline-sales')).stages).toBeUndefined();
  });

  it('reset() restores the seed: deleted items are back, created ones are gone, requests are cleared', async () => {
    const client = crm();
    await client.labels.deleteLabel('custom.vip');
    const created = await client.labels.findOrCreateLabel('Temporary');
    await client.pipelines.updatePipeline('pipeline-sales', { name: 'Renamed' });
    emu.reset();
    expect(emu.requests).toEqual([]);
    expect((await client.labels.getLabel('custom.vip'))?.displayName).toBe('VIP');
    expect((await rejection(client.labels.getLabel(created.label!.key!))).status).toBe(404);
    expect((await client.pipelines.getPipeline('pipeline-sales')).name).toBe('Sales');
    // ids are assigned from the start again
    expect((await client.labels.findOrCreateLabel('Temporary')).label?.key).toBe(created.label!.key);
  });
});

describe('what the modules do not answer', () => {
  it('a route the meta does not describe answers 404 NOT_FOUND, route `unknown`, exactly as before', async () => {
    for (const [path, method] of [
      ['/contacts/v4/labels/custom.vip', 'POST'],
      ['/contacts/v4/labels/custom.vip/extra', 'GET'],
      ['/contacts/v4/labels/', 'GET'],
      ['/crm/notes/v2/notes/n-1', 'GET'],
    ] as const) {
      const res = await raw(path, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(res.status).toBe(404);
      expect((await res.json()).details.applicationError).toMatchObject({ code: 'NOT_FOUND', description: `no route for ${method} www.wixapis.com${path}` });
      expect(emu.requests.at(-1)).toMatchObject({ route: 'unknown', path });
      expect(emu.requests.at(-1)!.call).toBeUndefined();
    }
  });

  it('without modules, a label is just an unknown route', async () => {
    emu = createWixEmulator();
    const err = await rejection(crm().labels.getLabel('custom.vip'));
    expect(err.status).toBe(404);
    expect(err.details.applicationError.code).toBe('NOT_FOUND');
    expect(emu.requests[0]).toMatchObject({ route: 'unknown' });
  });

  it('no token or an unknown token is 401 UNAUTHENTICATED (recorded with the route it took)', async () => {
    const none = await raw('/contacts/v4/labels/custom.vip', {}, null);
    expect(none.status).toBe(401);
    expect((await none.json()).details.applicationError.code).toBe('UNAUTHENTICATED');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'module', call: 'crm.labels.getLabel', authorization: null });

    const forged = await rejection(crm('forged-token').labels.queryLabels({ paging: { limit: 1 } }));
    expect(forged.status).toBe(401);
    expect(forged.details.applicationError.code).toBe('UNAUTHENTICATED');
    const expired = await rejection(crm(devTokens.inactive).labels.getLabel('custom.vip'));
    expect(expired.status).toBe(401);
  });

  it('any active token may call (per-method permissions are not emulated)', async () => {
    expect((await crm(devTokens.visitor).labels.getLabel('custom.vip'))?.key).toBe('custom.vip');
  });

  it('built-in routes come first: a plugged crm.contacts still answers getContact from the built-in data', async () => {
    emu = createWixEmulator({
      modules: [{ module: 'crm.contacts', meta: contactsMeta, seed: { items: [{ id: 'c-1', info: { name: { first: 'Seeded' } } }] } }],
    });
    const builtIn = await crm().contacts.getContact('c-1');
    expect(builtIn.info?.name?.first).toBe(emu.data.contacts.find((c) => c.id === 'c-1')!.info.name.first);
    expect(builtIn.info?.name?.first).not.toBe('Seeded');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'getContact' });
    // a method the built-in emulation lacks is answered from the module's own store
    await crm().contacts.deleteContact('c-1');
    expect(emu.requests.at(-1)).toMatchObject({ route: 'module', call: 'crm.contacts.deleteContact', method: 'DELETE' });
  });

  it('ignoreFilters (a misbehaving Wix) also ignores module query filters', async () => {
    emu = createWixEmulator({ modules: MODULES, ignoreFilters: true });
    const res = await crm().labels.queryLabels({ filter: { namespace: 'nowhere' } });
    expect(res.labels).toHaveLength(LABELS.length);
  });

  it('a programmatic seed item without its id field, or a repeated id, is a programming error', () => {
    const labelsWith = (items: Record<string, unknown>[]) => () =>
      createWixEmulator({ modules: [{ module: 'crm.labels', meta: labelsMeta, seed: { items } }] });
    expect(labelsWith([{ displayName: 'no key' }])).toThrow(/label seed item without a string key/);
    expect(labelsWith([{ key: 'a' }, { key: 'a' }])).toThrow(/two label seed items have key "a"/);
  });

  it('faults see route `module` and the call', async () => {
    const seen: string[] = [];
    emu = createWixEmulator({
      modules: MODULES,
      fault: (route, request) => {
        seen.push(`${route} ${request.call}`);
        return 'error500';
      },
    });
    expect((await rejection(crm().labels.getLabel('custom.vip'))).status).toBe(500);
    expect(seen).toEqual(['module crm.labels.getLabel']);
  });
});
