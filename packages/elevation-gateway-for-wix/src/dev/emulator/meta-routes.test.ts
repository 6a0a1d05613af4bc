// Routes derived from real SDK packages' `meta`: what each method maps to, under which names, and which
// methods stay unmapped (and why).
import { describe, expect, it } from 'vitest';
import { cards as cardsMeta, labels as labelsMeta, pipelines as pipelinesMeta } from '@wix/crm/meta';
import { orders as ordersMeta } from '@wix/ecom/meta';
import { matchMetaRoute, metaRoutes, singularOf } from './meta-routes.ts';

const table = (module: string, meta: Record<string, unknown>) =>
  metaRoutes(module, meta).routes.map((r) => `${r.method}: ${r.operation} ${r.httpMethod} ${r.url}${r.findOrCreate ? ' (find first)' : ''}`);

describe('metaRoutes', () => {
  it('crm.labels: every method mapped onto /contacts/v4/labels (the www.wixapis.com URL, not the service path)', () => {
    expect(table('crm.labels', labelsMeta)).toEqual([
      'deleteLabel: delete DELETE /contacts/v4/labels/:key',
      'findOrCreateLabel: create POST /contacts/v4/labels (find first)',
      'getLabel: get GET /contacts/v4/labels/:key',
      'listLabels: list GET /contacts/v4/labels',
      'queryLabels: query POST /contacts/v4/labels/query',
      'renameLabel: update PATCH /contacts/v4/labels/:labelKey',
    ]);
    const routes = metaRoutes('crm.labels', labelsMeta);
    expect(routes.main).toEqual({ collection: '/contacts/v4/labels', singular: 'label', plural: 'labels', idField: 'key' });
    expect(routes.entities).toHaveLength(1);
    expect(routes.unmapped).toEqual([]);
    expect(routes.routes.every((r) => r.entity === routes.main && r.call === `crm.labels.${r.method}`)).toBe(true);
  });

  it('crm.pipelines: `{pipelineId}` / `{pipeline.id}` → id field `id`; a GET query; bulk actions unmapped', () => {
    const routes = metaRoutes('crm.pipelines', pipelinesMeta);
    expect(routes.main).toEqual({ collection: '/crm/pipelines/v1/pipelines', singular: 'pipeline', plural: 'pipelines', idField: 'id' });
    expect(routes.routes.find((r) => r.method === 'queryPipelines')).toMatchObject({ operation: 'query', httpMethod: 'GET', queryKey: 'query' });
    expect(routes.unmapped.map((u) => `${u.call}: ${u.reason}`)).toEqual([
      'crm.pipelines.bulkUpdatePipelineTags: no get or query method shows that /crm/pipelines/v1/bulk/pipelines/update-tags is a collection',
      'crm.pipelines.bulkUpdatePipelineTagsByFilter: no get or query method shows that /crm/pipelines/v1/bulk/pipelines/update-tags-by-filter is a collection',
    ]);
  });

  it('crm.cards: a GET search is a query keyed `search`; an update on another path (`cards/move/{cardId}`) is an action', () => {
    const routes = metaRoutes('crm.cards', cardsMeta);
    expect(routes.routes.find((r) => r.method === 'searchCards')).toMatchObject({ operation: 'query', httpMethod: 'GET', queryKey: 'search' });
    expect(routes.unmapped.find((u) => u.call === 'crm.cards.moveCard')).toMatchObject({
      httpMethod: 'PATCH',
      url: '/crm/pipelines/v1/cards/move/:cardId',
      reason: 'no get or query method shows that /crm/pipelines/v1/cards/move is a collection',
    });
    expect(routes.unmapped.find((u) => u.call === 'crm.cards.searchCardsByStage')?.reason).toMatch(/is a collection/);
  });

  it('ecom.orders: actions and nested resources stay unmapped, with the reason', () => {
    const routes = metaRoutes('ecom.orders', ordersMeta);
    expect(routes.main).toMatchObject({ collection: '/ecom/v1/orders', singular: 'order', idField: 'id' });
    const reasons = Object.fromEntries(routes.unmapped.map((u) => [u.call.slice('ecom.orders.'.length), u.reason]));
    expect(reasons.cancelOrder).toBe('a path parameter before the last segment (an action or a nested resource)');
    expect(reasons.deleteActivity).toBe('more than one path parameter (a nested resource)');
    expect(reasons.aggregateOrders).toBe('no get or query method shows that /ecom/v1/orders/aggregate is a collection');
    expect(routes.routes.map((r) => r.method).sort()).toEqual(['createOrder', 'getOrder', 'searchOrders', 'updateOrder']);
  });

  it('naming overrides apply to the main entity', () => {
    const routes = metaRoutes('crm.labels', labelsMeta, { singular: 'tag', plural: 'tags', idField: 'name' });
    expect(routes.main).toEqual({ collection: '/contacts/v4/labels', singular: 'tag', plural: 'tags', idField: 'name' });
  });

  it('a meta whose descriptors throw or give no URL is reported, not fatal; enums and non-functions are skipped', () => {
    const routes = metaRoutes('x.things', {
      ThingTypeOriginal: { A: 'A' },
      broken: () => {
        throw new Error('boom');
      },
      noUrl: () => ({ httpMethod: 'GET', path: '/v1/things/{id}', pathParams: { id: 'id' } }),
      getThing: () => ({ httpMethod: 'GET', path: '/v1/things/{thingId}', pathParams: {}, getUrl: () => 'https://www.wixapis.com/x/v1/things/:thingId?x=1' }),
    });
    expect(routes.unmapped.map((u) => `${u.call}: ${u.reason}`)).toEqual([
      'x.things.broken: its meta descriptor throws',
      'x.things.noUrl: its meta gives no URL on www.wixapis.com',
    ]);
    expect(routes.routes).toEqual([expect.objectContaining({ method: 'getThing', url: '/x/v1/things/:thingId', operation: 'get' })]);
    expect(routes.main).toMatchObject({ singular: 'thing', idField: 'id' });
  });
});

describe('matchMetaRoute', () => {
  const { routes } = metaRoutes('crm.cards', cardsMeta);
  it('literal routes before parameter routes; the parameter decoded; an empty one matches nothing', () => {
    expect(matchMetaRoute(routes, 'GET', '/crm/pipelines/v1/cards/query')?.route.method).toBe('queryCards');
    expect(matchMetaRoute(routes, 'get', '/crm/pipelines/v1/cards/a%20b')).toMatchObject({ route: { method: 'getCard' }, id: 'a b' });
    expect(matchMetaRoute(routes, 'GET', '/crm/pipelines/v1/cards/')).toBeUndefined();
    expect(matchMetaRoute(routes, 'PUT', '/crm/pipelines/v1/cards/c-1')).toBeUndefined();
    expect(matchMetaRoute(routes, 'GET', '/pipelines/v1/cards/c-1')).toBeUndefined();
  });
});

describe('singularOf', () => {
  it.each([
    ['labels', 'label'],
    ['categories', 'category'],
    ['addresses', 'address'],
    ['boxes', 'box'],
    ['loyaltyAccounts', 'loyaltyAccount'],
    ['data', 'data'],
    ['pipelines', 'pipeline'],
  ])('%s → %s', (plural, singular) => expect(singularOf(plural)).toBe(singular));
});
