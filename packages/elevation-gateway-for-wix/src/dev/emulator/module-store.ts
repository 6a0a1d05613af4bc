/**
 * One entity's items in memory (keyed by their id field, in insertion order) and the REST operations a derived
 * route runs on them, answering what Wix answers: `{ <singular>: item }`, `{ <plural>: [...], pagingMetadata }`,
 * `{}` for a delete, 404 `<SINGULAR>_NOT_FOUND` for a missing id. Items are kept as REST sends them (`id`,
 * `createdDate` as an ISO string): the SDK renames and revives them on the way out.
 *
 * Filters, sorts and paging are the emulator's own (filter.ts, paging.ts): `cursorPaging` answers
 * `{ count, cursors, hasNext }`, offset `paging` `{ count, offset, total, hasNext, tooManyToCount }`, under both
 * `pagingMetadata` and `metadata` (Wix's list and query methods use either, and `meta` does not say which); no sort
 * keeps insertion order; limit 50 by default, at most 1000. A list (GET on the collection) pages and sorts but
 * ignores its method's own filter parameters. Create and update set `createdDate` / `updatedDate`; an update
 * merges the top-level fields sent and increments a numeric `revision` (it does not check it).
 */
import { WixHttpError } from './errors.ts';
import { FilterError, deepEqual, matchesFilter, normalizeSort, sortItems, type WixSort } from './filter.ts';
import { clone, isPlainObject } from './json.ts';
import type { ModuleEntity } from './meta-routes.ts';
import { asFilterError, cursorPage, decodeCursor, offsetPage, pageQuery, parseLimit, parseOffset } from './paging.ts';

type Item = Record<string, unknown>;

export interface EntityStore {
  readonly entity: ModuleEntity;
  get(id: string): [number, unknown];
  /** a query / search route: `payload` is the body, or the GET's decoded `.r` / plain parameters */
  query(payload: unknown, key: 'query' | 'search'): [number, unknown];
  /** a list route: `params` are the GET's decoded parameters (`paging.limit`, `cursorPaging.cursor`, `sort`) */
  list(params: unknown): [number, unknown];
  create(body: unknown, findOrCreate: boolean): [number, unknown];
  update(id: string, body: unknown): [number, unknown];
  remove(id: string): [number, unknown];
  /** back to the seed */
  reset(): void;
}

export interface EntityStoreOptions {
  now: () => number;
  /** a misbehaving Wix: query filters are ignored (as the emulator's `ignoreFilters`) */
  ignoreFilters: boolean;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const READ_ONLY_FIELDS = ['createdDate', 'updatedDate'];

/** `loyaltyAccount` → `LOYALTY_ACCOUNT` (the prefix of Wix's `…_NOT_FOUND` codes). */
function errorPrefix(singular: string): string {
  return singular.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Hostile bodies: a `__proto__` key anywhere would become a prototype the moment someone assigns it. */
function refuseProtoKeys(value: unknown, at: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => refuseProtoKeys(v, `${at}[${i}]`));
  else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw WixHttpError.validation(`${at}.__proto__`, 'is not an allowed field name', 'INVALID');
      refuseProtoKeys(value[key], `${at}.${key}`);
    }
  }
}

export function createEntityStore(entity: ModuleEntity, seed: readonly Item[], options: EntityStoreOptions): EntityStore {
  const { singular, plural, idField } = entity;
  const seedItems = seed.map((item) => clone(item));
  const byId = new Map<string, Item>();
  let idSeq = 0;

  function load(): void {
    byId.clear();
    idSeq = 0;
    for (const item of seedItems) {
      const id = item[idField];
      if (typeof id !== 'string' || id === '') throw new TypeError(`${singular} seed item without a string ${idField}: ${JSON.stringify(item)}`);
      if (byId.has(id)) throw new TypeError(`two ${singular} seed items have ${idField} ${JSON.stringify(id)}`);
      byId.set(id, clone(item));
    }
  }
  load();

  const notFound = (id: string) =>
    WixHttpError.notFound(
      `${errorPrefix(singular)}_NOT_FOUND`,
      `${singular} with ${idField} ${id} not found`,
      Object.fromEntries([[idField === 'id' ? `${singular}Id` : idField, id]]),
    );

  function find(id: string): Item {
    const item = byId.get(id);
    if (!item) throw notFound(id);
    return item;
  }

  function newId(): string {
    let id: string;
    do id = `00000000-0000-4000-8000-${String(++idSeq).padStart(12, '0')}`;
    while (byId.has(id));
    return id;
  }

  /** The entity a write carries: `{ <singular>: {...} }`, or the body itself (`findOrCreateLabel` sends `{ displayName }`). */
  function entityOf(body: unknown): Item {
    if (body === undefined) return {};
    if (!isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
    const inner = Object.hasOwn(body, singular) ? body[singular] : undefined;
    const entity = isPlainObject(inner) ? inner : body;
    refuseProtoKeys(entity, isPlainObject(inner) ? singular : 'body');
    return clone(entity);
  }

  /** One page, its paging metadata under both names Wix uses for it (`ListLabelsResponse.metadata`, `QueryLabelsResponse.pagingMetadata`). */
  function page(items: Item[], limit: number, paging: 'cursor' | 'offset', offset: number, query: { filter?: unknown; sort?: unknown }): [number, unknown] {
    let slice: { page: Item[]; metadata: object };
    if (paging === 'offset') {
      const { page, metadata } = offsetPage(items, offset, limit);
      slice = { page, metadata: { ...metadata, tooManyToCount: false } };
    } else slice = cursorPage(items, offset, limit, query);
    return [200, { [plural]: clone(slice.page), pagingMetadata: slice.metadata, metadata: clone(slice.metadata) }];
  }

  /** `cursorPaging` or offset `paging` (never both), and its limit. */
  function pagingOf(q: Item, at: string): { form: 'cursor' | 'offset'; paging: Item; field: string; limit: number } {
    const hasCursor = q.cursorPaging !== undefined && q.cursorPaging !== null;
    const hasOffset = q.paging !== undefined && q.paging !== null;
    if (hasCursor && hasOffset) throw WixHttpError.validation(`${at}paging`, `cannot be combined with ${at}cursorPaging`, 'ONE_OF');
    const field = `${at}${hasOffset ? 'paging' : 'cursorPaging'}`;
    const paging = (hasOffset ? q.paging : q.cursorPaging) ?? {};
    if (!isPlainObject(paging)) throw WixHttpError.validation(field, 'must be an object', 'TYPE');
    return { form: hasOffset ? 'offset' : 'cursor', paging, field, limit: parseLimit(paging.limit, `${field}.limit`, DEFAULT_LIMIT, MAX_LIMIT) };
  }

  function query(payload: unknown, key: 'query' | 'search'): [number, unknown] {
    if (payload !== undefined && !isPlainObject(payload)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
    const q = payload?.[key] ?? {};
    if (!isPlainObject(q)) throw WixHttpError.validation(key, 'must be an object', 'TYPE');
    const { form, paging, field, limit } = pagingOf(q, `${key}.`);
    const { filter, sort, sortSpec, offset } = pageQuery(
      {
        filter: q.filter,
        sort: q.sort,
        cursor: form === 'offset' ? undefined : paging.cursor,
        offset: form === 'offset' ? parseOffset(paging.offset, `${field}.offset`) : 0,
      },
      key,
      `${key}.cursorPaging.cursor`,
      options.ignoreFilters,
    );
    let items = [...byId.values()];
    if (!options.ignoreFilters) {
      try {
        items = items.filter((item) => matchesFilter(item, filter));
      } catch (e) {
        asFilterError(e, key);
      }
    }
    return page(sortItems(items, sort), limit, form, offset, { filter, sort: sortSpec });
  }

  function list(params: unknown): [number, unknown] {
    const p = isPlainObject(params) ? params : {};
    const { form, paging, field, limit } = pagingOf(p, '');
    // plain parameters carry one sort as `sort.fieldName=…&sort.order=…`
    let sortSpec: unknown = isPlainObject(p.sort) ? [p.sort] : p.sort;
    let offset = form === 'offset' ? parseOffset(paging.offset, `${field}.offset`) : 0;
    if (form === 'cursor' && typeof paging.cursor === 'string' && paging.cursor !== '') {
      ({ offset, sort: sortSpec } = decodeCursor(paging.cursor, `${field}.cursor`));
    }
    let sort: WixSort[];
    try {
      sort = normalizeSort(sortSpec, 'sort');
    } catch (e) {
      if (e instanceof FilterError) throw WixHttpError.validation(e.path || 'sort', e.message, 'INVALID_QUERY');
      throw e;
    }
    return page(sortItems([...byId.values()], sort), limit, form, offset, { sort: sortSpec });
  }

  function create(body: unknown, findOrCreate: boolean): [number, unknown] {
    const fields = entityOf(body);
    const created = `new${singular.charAt(0).toUpperCase()}${singular.slice(1)}`;
    if (findOrCreate) {
      const sent = Object.entries(fields).filter(([k]) => k !== idField);
      const existing = [...byId.values()].find((item) => sent.length > 0 && sent.every(([k, v]) => Object.hasOwn(item, k) && deepEqual(item[k], v)));
      if (existing) return [200, { [singular]: clone(existing), [created]: false }];
    }
    const sentId = fields[idField];
    if (sentId !== undefined && sentId !== null && (typeof sentId !== 'string' || sentId === '')) {
      throw WixHttpError.validation(`${singular}.${idField}`, 'must be a non-empty string', 'TYPE');
    }
    const id = typeof sentId === 'string' ? sentId : newId();
    if (byId.has(id)) {
      throw WixHttpError.application(409, `${errorPrefix(singular)}_ALREADY_EXISTS`, `${singular} with ${idField} ${id} already exists`);
    }
    const at = new Date(options.now()).toISOString();
    const item: Item = { ...fields, [idField]: id, createdDate: at, updatedDate: at };
    byId.set(id, item);
    return [200, { [singular]: clone(item), ...(findOrCreate ? { [created]: true } : {}) }];
  }

  function update(id: string, body: unknown): [number, unknown] {
    const patch = entityOf(body);
    if (patch[idField] !== undefined && patch[idField] !== id) {
      throw WixHttpError.validation(`${singular}.${idField}`, 'must match the path', 'INVALID');
    }
    const existing = find(id);
    for (const field of READ_ONLY_FIELDS) delete patch[field];
    const merged: Item = { ...existing, ...patch, [idField]: id, updatedDate: new Date(options.now()).toISOString() };
    const revision = existing.revision;
    if ((typeof revision === 'string' && /^\d+$/.test(revision)) || typeof revision === 'number') {
      merged.revision = typeof revision === 'number' ? revision + 1 : String(Number(revision) + 1);
    }
    byId.set(id, merged);
    return [200, { [singular]: clone(merged) }];
  }

  function remove(id: string): [number, unknown] {
    find(id);
    byId.delete(id);
    return [200, {}];
  }

  return {
    entity,
    get: (id) => [200, { [singular]: clone(find(id)) }],
    query,
    list,
    create,
    update,
    remove,
    reset: load,
  };
}
