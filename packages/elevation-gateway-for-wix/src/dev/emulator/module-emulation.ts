/**
 * The SDK modules plugged into the emulator (`createWixEmulator({ modules })`): each module's routes derived
 * from its `meta` (meta-routes.ts) over one in-memory store per entity (module-store.ts), its main entity
 * seeded with the module's seed items. The emulator consults them only for requests its built-in routes do
 * not know. Web APIs only.
 *
 * What is emulated is the shape of Wix's REST API, not a service's rules: any active token may call any
 * method (no per-method permissions, no visitor / member restrictions), request fields are not validated
 * against the method's types (only paging, filters and sorts are), and projections (`fields`, `fieldsets`)
 * and free-text search are ignored.
 */
import { createEntityStore, type EntityStore } from './module-store.ts';
import { matchMetaRoute, metaRoutes, type EntityNaming, type MetaRoute, type ModuleRoutes } from './meta-routes.ts';

/** What a module's main entity starts with, and the names it answers under (see meta-routes.ts). */
export interface ModuleSeed extends Partial<EntityNaming> {
  /**
   * items as REST sends them (`id`, not `_id`), each with its own id field value: one without, or two with the
   * same, make `createWixEmulator` throw (a seed file's items are checked, with positions, by `seedItemsFor`)
   */
  items?: readonly Record<string, unknown>[];
}

export interface EmulatedModule {
  /** `crm.labels` */
  module: string;
  /** the module package's `meta` export (`import * as meta from '@wix/auto_sdk_crm_labels/meta'`) */
  meta: Readonly<Record<string, unknown>>;
  seed?: ModuleSeed;
}

export interface ModuleMatch {
  /** `crm.labels.getLabel` */
  call: string;
  route: MetaRoute;
  /** the decoded path parameter of an item route */
  id?: string;
}

export interface ModuleEmulation {
  /** The module route a request to www.wixapis.com takes, if any. */
  match(method: string, pathname: string): ModuleMatch | undefined;
  /** Runs a matched route. `payload`: a GET's decoded `.r` / plain parameters. Throws WixHttpError. */
  answer(match: ModuleMatch, body: unknown, payload: unknown): [number, unknown];
  /** Every store back to its seed. */
  reset(): void;
}

export function createModuleEmulation(modules: readonly EmulatedModule[], options: { now: () => number; ignoreFilters: boolean }): ModuleEmulation {
  const derived: ModuleRoutes[] = [];
  const stores = new Map<string, EntityStore>(); // by collection path
  for (const m of modules) {
    const { items, ...naming } = m.seed ?? {};
    const routes = metaRoutes(m.module, m.meta, naming);
    derived.push(routes);
    for (const entity of routes.entities) {
      // a collection two modules share (a module listed twice) keeps its first store
      if (stores.has(entity.collection)) continue;
      stores.set(entity.collection, createEntityStore(entity, entity === routes.main ? (items ?? []) : [], options));
    }
  }
  const routes = derived.flatMap((d) => d.routes);

  return {
    match(method, pathname) {
      const found = matchMetaRoute(routes, method, pathname);
      return found && { call: found.route.call, route: found.route, ...(found.id !== undefined ? { id: found.id } : {}) };
    },
    answer({ route, id }, body, payload) {
      const store = stores.get(route.entity.collection)!;
      switch (route.operation) {
        case 'get':
          return store.get(id!);
        case 'query':
          return store.query(route.httpMethod === 'GET' ? payload : body, route.queryKey ?? 'query');
        case 'list':
          return store.list(payload);
        case 'create':
          return store.create(body, route.findOrCreate === true);
        case 'update':
          return store.update(id!, body);
        case 'delete':
          return store.remove(id!);
      }
    },
    reset() {
      for (const store of stores.values()) store.reset();
    },
  };
}
