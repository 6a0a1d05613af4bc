/**
 * The REST routes of an SDK module, derived from its package's `meta` export
 * (`@wix/auto_sdk_<package>_<module>/meta`: per method `{ getUrl(context), httpMethod, path, pathParams }`), and
 * the entities they address. Web APIs only (it runs wherever the emulator runs).
 *
 * `path` is relative to the service (`/v4/labels/{key}`); the URL the SDK really requests on www.wixapis.com
 * comes from `getUrl({ host: 'www.wixapis.com' })`, which applies the package's own host mapping
 * (`/contacts/v4/labels/:key`, a path parameter written `:name`).
 *
 * A method maps onto an entity's collection (`/contacts/v4/labels`) when its shape says what it does:
 *
 *   GET    <collection>/{param}               get one
 *   GET    <collection>/query | /search       query (payload in `.r` or in plain parameters)
 *   POST   <collection>/query | /search       query (payload in the body: `{ query }` / `{ search }`)
 *   GET    <collection>                       list
 *   POST   <collection>                       create (`findOrCreate…` methods find first)
 *   PATCH  <collection>/{param}               update (merge)
 *   DELETE <collection>/{param}               delete
 *
 * Only a get or a query establishes a collection; a list, create, update or delete on a path no get nor query
 * establishes (`PATCH /v1/cards/move/{cardId}`, `POST /v1/orders/aggregate`) is an action, as is anything with a
 * parameter before its last segment or more than one parameter (`POST /v1/orders/{id}/cancel`): those stay
 * unmapped (the emulator answers them 404 NOT_FOUND, as any unknown route).
 *
 * Naming: `labels` → plural `labels`, singular `label` (the key the SDK unwraps: `getLabel` returns
 * `result.data?.label`); kebab-case segments become camelCase (`loyalty-accounts` → `loyaltyAccounts`). The id
 * field is the last path parameter's own name (`{key}` and `{label.key}` → `key`), `id` when that name is the
 * singular's id (`{pipelineId}`, `{pipeline.id}` → `id`). A seed may override all three for a module.
 */

/** What a seed may override for a module's main entity. */
export interface EntityNaming {
  /** the response key of one item (`label`) */
  singular: string;
  /** the response key of a page of items (`labels`) */
  plural: string;
  /** the field that identifies an item (`key`, `id`) */
  idField: string;
}

export interface ModuleEntity extends EntityNaming {
  /** the collection's path on www.wixapis.com (`/contacts/v4/labels`) */
  collection: string;
}

export type RouteOperation = 'get' | 'query' | 'list' | 'create' | 'update' | 'delete';

export interface MetaRoute {
  /** `crm.labels.getLabel` */
  call: string;
  /** `getLabel` */
  method: string;
  httpMethod: string;
  /** the URL path on www.wixapis.com, `:name` for the path parameter (`/contacts/v4/labels/:key`) */
  url: string;
  operation: RouteOperation;
  entity: ModuleEntity;
  /** a query route's payload key: `query`, or `search` for a `…/search` route */
  queryKey?: 'query' | 'search';
  /** a `findOrCreate…` method: answers an existing item that has every field sent, creates one otherwise */
  findOrCreate?: boolean;
}

/** A method of the module that no route answers, and why. */
export interface UnmappedMethod {
  call: string;
  httpMethod: string;
  /** the URL path on www.wixapis.com, when the meta gave one */
  url?: string;
  reason: string;
}

export interface ModuleRoutes {
  module: string;
  /** the entity the seed's items and naming overrides are for: the one most routes address */
  main?: ModuleEntity;
  entities: ModuleEntity[];
  routes: MetaRoute[];
  unmapped: UnmappedMethod[];
}

const API_HOST = 'www.wixapis.com';

interface MetaMethod {
  method: string;
  httpMethod: string;
  /** service-relative template (`/v4/labels/{label.key}`) */
  path: string;
  url: string;
}

/** A `meta` export's REST descriptors (what each function returns), or why one is not usable. */
function metaMethods(module: string, meta: Readonly<Record<string, unknown>>): { methods: MetaMethod[]; unmapped: UnmappedMethod[] } {
  const methods: MetaMethod[] = [];
  const unmapped: UnmappedMethod[] = [];
  for (const method of Object.keys(meta).sort()) {
    const describe = meta[method];
    // `LabelTypeOriginal` and other enums sit next to the descriptors: only functions describe methods
    if (typeof describe !== 'function' || !/^[a-z]/.test(method)) continue;
    const call = `${module}.${method}`;
    let descriptor: unknown;
    try {
      descriptor = (describe as () => unknown)();
    } catch {
      unmapped.push({ call, httpMethod: '?', reason: 'its meta descriptor throws' });
      continue;
    }
    const d = descriptor as { httpMethod?: unknown; path?: unknown; getUrl?: unknown } | null;
    if (typeof d?.httpMethod !== 'string' || typeof d.path !== 'string') continue; // not a REST method
    let url: unknown;
    try {
      url = typeof d.getUrl === 'function' ? (d.getUrl as (context: { host: string }) => unknown)({ host: API_HOST }) : undefined;
    } catch {
      url = undefined;
    }
    if (typeof url !== 'string' || url === '') {
      unmapped.push({ call, httpMethod: d.httpMethod.toUpperCase(), reason: `its meta gives no URL on ${API_HOST}` });
      continue;
    }
    methods.push({ method, httpMethod: d.httpMethod.toUpperCase(), path: d.path, url: urlPath(url) });
  }
  return { methods, unmapped };
}

/** `https://www.wixapis.com/a/b?x=1` or `/a/b` → `/a/b`. */
function urlPath(url: string): string {
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : url;
  return path.replace(/[?#].*$/, '').replace(/\/+$/, '') || '/';
}

const isParam = (segment: string) => segment.startsWith(':');

/** `loyalty-accounts` → `loyaltyAccounts` */
function camel(segment: string): string {
  return segment.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `labels` → `label`, `categories` → `category`, `addresses` → `address`, `boxes` → `box`. */
export function singularOf(plural: string): string {
  if (/ies$/.test(plural)) return `${plural.slice(0, -3)}y`;
  if (/(ss|x|z|ch|sh)es$/.test(plural)) return plural.slice(0, -2);
  if (/[^s]s$/.test(plural)) return plural.slice(0, -1);
  return plural;
}

/** `{label.key}` → `key`; `{pipelineId}` or `{pipeline.id}` for singular `pipeline` → `id`. */
function idFieldOf(template: string, singular: string): string | undefined {
  const last = template.split('/').at(-1) ?? '';
  const name = /^\{([^}]+)\}$/.exec(last)?.[1]?.split('.').at(-1);
  if (!name) return undefined;
  return name.toLowerCase() === `${singular}id`.toLowerCase() ? 'id' : name;
}

interface Shape {
  operation: RouteOperation;
  collection: string;
  queryKey?: 'query' | 'search';
}

/** What a method does, from its URL's shape alone (whether its collection exists is settled afterwards). */
function shapeOf(m: MetaMethod): Shape | string {
  const segs = m.url.split('/').slice(1);
  const params = segs.map((s, i) => (isParam(s) ? i : -1)).filter((i) => i >= 0);
  const last = segs.length - 1;
  const parent = `/${segs.slice(0, -1).join('/')}`;
  if (params.length > 1) return 'more than one path parameter (a nested resource)';
  if (params.length === 1) {
    if (params[0] !== last || last < 1) return 'a path parameter before the last segment (an action or a nested resource)';
    if (m.httpMethod === 'GET') return { operation: 'get', collection: parent };
    if (m.httpMethod === 'PATCH') return { operation: 'update', collection: parent };
    if (m.httpMethod === 'DELETE') return { operation: 'delete', collection: parent };
    return `${m.httpMethod} on one item (an action)`;
  }
  const word = segs[last];
  if ((word === 'query' || word === 'search') && last >= 1) {
    if (m.httpMethod === 'GET' || m.httpMethod === 'POST') return { operation: 'query', collection: parent, queryKey: word };
    return `${m.httpMethod} on a ${word} path`;
  }
  if (m.httpMethod === 'GET') return { operation: 'list', collection: m.url };
  if (m.httpMethod === 'POST') return { operation: 'create', collection: m.url };
  return `${m.httpMethod} on a path without an item`;
}

/**
 * The routes of `module` from its `meta` export, the entities they address, and the methods left unmapped.
 * `naming` overrides the main entity's derived names (a seed's `singular`, `plural`, `idField`).
 */
export function metaRoutes(module: string, meta: Readonly<Record<string, unknown>>, naming: Partial<EntityNaming> = {}): ModuleRoutes {
  const { methods, unmapped } = metaMethods(module, meta);
  const shaped: { m: MetaMethod; shape: Shape }[] = [];
  for (const m of methods) {
    const shape = shapeOf(m);
    if (typeof shape === 'string') unmapped.push({ call: `${module}.${m.method}`, httpMethod: m.httpMethod, url: m.url, reason: shape });
    else shaped.push({ m, shape });
  }
  const established = new Set(shaped.filter((s) => s.shape.operation === 'get' || s.shape.operation === 'query').map((s) => s.shape.collection));
  const taken = new Map<string, string>();
  const mapped: { m: MetaMethod; shape: Shape }[] = [];
  for (const s of shaped) {
    const call = `${module}.${s.m.method}`;
    if (!established.has(s.shape.collection)) {
      unmapped.push({ call, httpMethod: s.m.httpMethod, url: s.m.url, reason: `no get or query method shows that ${s.shape.collection} is a collection` });
      continue;
    }
    const routeKey = `${s.m.httpMethod} ${s.m.url.replace(/:[^/]+/g, ':')}`;
    const earlier = taken.get(routeKey);
    if (earlier) {
      unmapped.push({ call, httpMethod: s.m.httpMethod, url: s.m.url, reason: `${earlier} has the same route` });
      continue;
    }
    taken.set(routeKey, call);
    mapped.push(s);
  }

  // the main entity: the collection most routes address (the first in method order on a tie)
  const counts = new Map<string, number>();
  for (const s of mapped) counts.set(s.shape.collection, (counts.get(s.shape.collection) ?? 0) + 1);
  let mainCollection: string | undefined;
  for (const [collection, count] of counts) if (mainCollection === undefined || count > counts.get(mainCollection)!) mainCollection = collection;

  const entities = new Map<string, ModuleEntity>();
  for (const collection of counts.keys()) {
    const isMain = collection === mainCollection;
    const plural = (isMain ? naming.plural : undefined) ?? camel(collection.split('/').at(-1) ?? '');
    const singular = (isMain ? naming.singular : undefined) ?? singularOf(plural);
    // the id field as the item routes name it: get first, then update, then delete
    const itemTemplates = ['get', 'update', 'delete'].flatMap((op) =>
      mapped.filter((s) => s.shape.collection === collection && s.shape.operation === op).map((s) => s.m.path),
    );
    const derived = itemTemplates.map((t) => idFieldOf(t, singular)).find((f) => f !== undefined);
    const idField = (isMain ? naming.idField : undefined) ?? derived ?? 'id';
    entities.set(collection, { collection, singular, plural, idField });
  }

  const routes: MetaRoute[] = mapped.map(({ m, shape }) => ({
    call: `${module}.${m.method}`,
    method: m.method,
    httpMethod: m.httpMethod,
    url: m.url,
    operation: shape.operation,
    entity: entities.get(shape.collection)!,
    ...(shape.queryKey ? { queryKey: shape.queryKey } : {}),
    ...(shape.operation === 'create' && /^findOrCreate[A-Z]/.test(m.method) ? { findOrCreate: true } : {}),
  }));
  return {
    module,
    ...(mainCollection !== undefined ? { main: entities.get(mainCollection)! } : {}),
    entities: [...entities.values()],
    routes,
    unmapped,
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The route a request takes, with its decoded path parameter. Routes without a parameter are tried first, so
 * `GET …/labels/query` is the query, never the label `query`; an empty parameter matches nothing.
 */
export function matchMetaRoute(routes: readonly MetaRoute[], method: string, pathname: string): { route: MetaRoute; id?: string } | undefined {
  const m = method.toUpperCase();
  const segs = pathname.split('/').slice(1);
  const fits = (route: MetaRoute) => {
    const parts = route.url.split('/').slice(1);
    return route.httpMethod === m && parts.length === segs.length && parts.every((p, i) => (isParam(p) ? segs[i] !== '' : p === segs[i]));
  };
  const literal = routes.find((r) => !r.url.includes('/:') && fits(r));
  if (literal) return { route: literal };
  const withParam = routes.find((r) => r.url.includes('/:') && fits(r));
  if (!withParam) return undefined;
  return { route: withParam, id: decodeSegment(segs[segs.length - 1]!) };
}
