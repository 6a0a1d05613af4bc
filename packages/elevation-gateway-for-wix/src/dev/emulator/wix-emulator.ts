/**
 * An emulator of Wix's API host (https://www.wixapis.com) as a plain web fetch handler: no network, no Node
 * built-ins (runs in Node, vitest, msw, or a workerd `outboundService`).
 *
 * It accepts exactly what the real `@wix/sdk` sends (checked against @wix/sdk 1.21, @wix/sdk-runtime and the
 * `@wix/auto_sdk_ecom_orders` / `@wix/auto_sdk_stores_products-v-3` request builders):
 *
 *   POST /oauth2/token-info                 { token }                       → token-info (no Authorization needed)
 *   POST /oauth2/token                      client_credentials | strip_bound_session
 *   GET  /ecom/v1/orders/{id}?id={id}                                       → { order }
 *   POST /ecom/v1/orders/search             { search: { filter, sort, cursorPaging } } → { orders, metadata }
 *   POST /ecom/v1/orders/{id}/cancel        { id, sendOrderCanceledEmail?, customMessage?, restockAllItems? } → { order }
 *   GET  /stores/v3/products/{productId}?productId=…&fields=…&fields=…       → { product }
 *   GET  /stores/v3/products/query?.r=<base64url JSON { query, fields }>    → { products, pagingMetadata }
 *        (plain params are accepted too: `query.cursorPaging.limit=5&fields=URL`, `query.filter=<JSON>`)
 *   POST /stores/v3/products/query          { query, fields }               (the SDK's fallback for a query string > 4000 chars)
 *   PATCH /stores/v3/products/{id}          { product: { id, revision, … }, fields } → { product }
 *        (a partial update of top-level fields; `revision` must be the current one and increments)
 *   GET  /_api/cloud-secrets-vault-server/api/v1/secrets/name/{name}?name={name} → { value }
 *        (what `@wix/secrets`' `getSecretValue(name)` requests; APP only; `data.secrets` holds the values,
 *        an unknown name is 404 SECRET_NOT_FOUND)
 *
 * Members, contacts, loyalty accounts (what `@wix/members` 1.0.519 → auto_sdk_members_members 1.0.135, `@wix/crm` →
 * auto_sdk_crm_contacts 1.0.1375 and `@wix/loyalty` → auto_sdk_loyalty_accounts 1.0.45 send; rules in members.ts,
 * contacts.ts, loyalty-accounts.ts; data in `data.members`, `data.contacts`, `data.loyaltyAccounts`):
 *
 *   GET  /members/v1/members/{id}?id={id}&fieldsets=…&fieldsets=…                       → { member }                 getMember
 *   POST /members/v1/members/query          { query: { filter, sorting, paging: { limit, offset } }, fieldsets?, search? }
 *                                                                   → { members, metadata: { count, offset, total, tooManyToCount } }  queryMembers
 *        (fieldsets PUBLIC (default) | EXTENDED (+ loginEmail, real statuses) | FULL (+ contact, …), at most 3;
 *        limit 50 by default, at most 100; filter on MemberQuerySpec's fields only)
 *   GET  /contacts/v4/contacts/{id}?id={id}&fields=…&fieldsets=…                         → { contact, responseType }  getContact
 *   POST /contacts/v4/contacts/query        { query: { filter, sort, paging: { limit, offset }, fields?, fieldsets? } }
 *                                                                   → { contacts, pagingMetadata: { count, offset, total, tooManyToCount } }  queryContacts
 *        (no fields nor fieldsets → FULL; default sort createdDate DESC; limit 50, at most 1000; filter fields and
 *        operators per ContactQuerySpec, else 400 UNSUPPORTED_FILTER_FIELD_UNKNOWN / _OPERATOR / UNSUPPORTED_SORT_FIELD)
 *   GET  /loyalty-accounts/v1/accounts/{id}?id={id}                                      → { account }                getLoyaltyAccount
 *   GET  /loyalty-accounts/v1/accounts/fetch-by?contactId=… | ?memberId=…               → { account }                getLoyaltyAccountBySecondaryId
 *   POST /loyalty-accounts/v1/accounts/query { query: { filter, sort, cursorPaging: { limit, cursor } } }
 *                                                                   → { loyaltyAccounts, pagingMetadata: { count, cursors, hasNext } }  queryLoyaltyAccounts
 *        (default sort createdDate DESC, limit 50, at most 100)
 *   Missing ids: 404 MEMBER_NOT_FOUND / CONTACT_NOT_FOUND (declared by the SDK) / ACCOUNT_NOT_FOUND.
 *
 * Any other route (another path, method or service, e.g. GET /bookings/v2/bookings/x) → 404, route `unknown`, with
 * Wix's error shape { message, details: { applicationError: { code: "NOT_FOUND", description, data } } }.
 *
 * SDK modules passed as `options.modules` (module-emulation.ts) answer the routes their `meta` describes (get,
 * query / search, list, create, update, delete over an in-memory store per entity, see meta-routes.ts), for
 * requests no built-in route matches; recorded as route `module` with the method in `call`.
 *
 * Wix Data items (what `@wix/data`'s `items` sends: @wix/data 1.0.521, @wix/wix-data-items-sdk 1.0.552); items live
 * in `data.collections` (see `seedDataCollections()` in seed.ts):
 *
 *   POST /wix-data/v2/items                 { dataCollectionId, dataItem: { id?, data } }  → { dataItem }           insertDataItem
 *   GET  /wix-data/v2/items/{id}?dataCollectionId=…&dataItemId=…&fields=…&fields=…         → { dataItem }           getDataItem
 *   POST /wix-data/v2/items/update          { dataCollectionId, dataItem: { id, data } }   → { dataItem }           updateDataItem
 *        (REPLACES the item's fields with those sent; `_createdDate` and `_owner` are kept, `_updatedDate` set)
 *   POST /wix-data/v2/items/save            same body as update: inserts a new id, replaces an existing one          saveDataItem
 *   POST /wix-data/v2/items/remove          { dataCollectionId, dataItemId }               → { dataItem } (removed)  removeDataItem
 *   GET  /wix-data/v2/items/query?.r=<base64url JSON { dataCollectionId, query: { filter, sort, paging | cursorPaging,
 *        fields }, returnTotalCount? }>                                                     → { dataItems, pagingMetadata }  queryDataItems
 *        (default sort `_createdDate` DESC, limit 50, at most 1000; `pagingMetadata.total` only with returnTotalCount;
 *        a `cursorPaging.cursor` is answered from the cursor's filter and sort, as for orders and products)
 *   POST /wix-data/v2/items/query           the same JSON as a body (the SDK's fallback for a URL over 2048 characters)
 *   POST /wix-data/v2/items/count           { dataCollectionId, filter? }                  → { totalCount }         countDataItems
 *   A `dataItem` is `{ id, dataCollectionId, data }`; `data` holds `_id`, `_owner`, `_createdDate`, `_updatedDate` and
 *   the item's own fields, dates as `{ "$date": iso }` (the SDK revives them). `fields` projects `data` onto `_id` and
 *   the listed top-level fields (none, or an empty list: everything). Options the SDK adds (`suppressHooks`,
 *   `consistentRead`, `includeReferences`, `appOptions`, …) are accepted and ignored.
 *
 * Authorization (the raw token, as the SDK sends it; `Bearer x` accepted too):
 *   - every REST route: missing / unknown / inactive token → 401 UNAUTHENTICATED
 *   - orders routes: APP token only, else 403 PERMISSION_DENIED
 *   - members: any active token; VISITOR and MEMBER callers do not see PRIVATE members other than themselves (getMember
 *     404, queries leave them out) and get others' records in PUBLIC whatever fieldsets they ask; APP and USER see all
 *   - contacts and loyalty accounts: admin data, APP or USER only, else 403 PERMISSION_DENIED
 *   - products: any active token reads visible products; `fields` MERCHANT_DATA needs APP
 *     (403 NO_PERMISSION_TO_READ_MERCHANT_DATA); a hidden product needs APP
 *     (403 NO_PERMISSION_TO_INCLUDE_NOT_VISIBLE_PRODUCTS); queries by non-APP callers only ever see visible products.
 *   (codes as declared in the SDK's `GetProductApplicationErrors` / `QueryProductsApplicationErrors`)
 *   - data items: a missing `dataCollectionId` → 400; an unknown one → 404 WDE0025. APP tokens ignore the
 *     collection's permissions (as elevated calls do on Wix), USER tokens (site owner / collaborators: the admin
 *     role) pass every level; for the others the operation's level in `permissions` ({ read, insert, update,
 *     remove }) decides: ANYONE; SITE_MEMBER (MEMBER); SITE_MEMBER_AUTHOR (MEMBER, and only on items whose `_owner`
 *     is them: queries and counts see only their own items, a get of another's is 404 WDE0073, an update / remove
 *     of another's 403); ADMIN (no one else) — refused with 403 WDE0027. A missing item is 404 WDE0073 (the SDK's
 *     get and remove turn exactly that into `null`); inserting an `_id` that exists is 409 WDE0074. A non-APP
 *     insert's `_owner` is the caller's subjectId whatever was sent; an APP insert keeps the `_owner` sent (default
 *     APP_ID); an update keeps the stored `_owner` unless the APP sends one.
 *
 * Check order mirrors Wix: 401 → 403 (method permission) → 400 (validation) → 404 → 403 (object) / 428.
 * (Data items need the collection first: 401 → 400 dataCollectionId → 404 WDE0025 → 403 level → 400 → 404 → 403 owner.)
 * Every request is recorded (with its matched route) BEFORE latency and fault injection.
 */
import type { Caller } from './caller.ts';
import { getContact, queryContacts } from './contacts.ts';
import { WixHttpError, applicationErrorBody, jsonResponse } from './errors.ts';
import { FilterError, matchesFilter, sortItems, validateFilter } from './filter.ts';
import { getLoyaltyAccount, getLoyaltyAccountBySecondaryId, queryLoyaltyAccounts } from './loyalty-accounts.ts';
import { getMember, queryMembers } from './members.ts';
import { base64UrlDecode, cursorPage, offsetPage, pageQuery, parseLimit, parseOffset } from './paging.ts';
import {
  seedContacts,
  seedDataCollections,
  seedLoyaltyAccounts,
  seedMembers,
  seedOrders,
  seedProducts,
  type WixDataCollection,
  type WixDataItem,
  type WixContact,
  type WixDataPermissionLevel,
  type WixLoyaltyAccount,
  type WixMember,
  type WixOrder,
  type WixProductV3,
} from './seed.ts';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, bareToken, devTokenIdentities, devTokens, tokenInfoFor, type DevTokenIdentity } from './tokens.ts';
import { clone, isPlainObject } from './json.ts';
import { createModuleEmulation, type EmulatedModule } from './module-emulation.ts';

export const WIX_API_HOST = 'www.wixapis.com';

/** The SDK modules the built-in routes model (with Wix's rules); any other module the policy names is emulated from its `meta`. */
export const MODELLED_MODULES: ReadonlySet<string> = new Set([
  'ecom.orders',
  'stores.productsV3',
  'members.members',
  'crm.contacts',
  'loyalty.accounts',
  'secrets.secrets',
  'data.items',
]);

export type RouteName =
  | 'token-info'
  | 'token'
  | 'getOrder'
  | 'searchOrders'
  | 'cancelOrder'
  | 'getProduct'
  | 'queryProducts'
  | 'updateProduct'
  | 'getMember'
  | 'queryMembers'
  | 'getContact'
  | 'queryContacts'
  | 'getLoyaltyAccount'
  | 'queryLoyaltyAccounts'
  | 'getLoyaltyAccountBySecondaryId'
  | 'getSecretValue'
  | 'insertDataItem'
  | 'getDataItem'
  | 'updateDataItem'
  | 'saveDataItem'
  | 'removeDataItem'
  | 'queryDataItems'
  | 'countDataItems'
  /** a route of one of `options.modules` (the method is in `RecordedRequest.call`) */
  | 'module'
  | 'unknown';

export interface RecordedRequest {
  /** 1-based arrival number (also the `x-wix-request-id` suffix of the response) */
  seq: number;
  method: string;
  url: string;
  /** pathname as received (after fetch's URL normalisation, still percent-encoded) */
  path: string;
  /** raw search string, including the leading `?` (or '') */
  search: string;
  /** the `Authorization` header as sent, or null */
  authorization: string | null;
  /** parsed JSON body, or undefined (no body / not JSON) */
  body: unknown;
  /** which emulated endpoint matched */
  route: RouteName;
  /** route `module`: the SDK method whose route matched (`crm.labels.getLabel`) */
  call?: string;
  /** query-string parameters; a repeated key gives an array (how the SDK sends arrays) */
  params: Record<string, string | string[]>;
  /** GET routes: the request object the SDK serialised into the URL (decoded `.r`, or unflattened params) */
  payload?: unknown;
  headers: Record<string, string>;
}

export type FaultAction = 'error500' | 'hang' | Response | undefined | void;

export interface WixEmulatorOptions {
  /** A misbehaving Wix: search/query/count `filter`s are ignored (results unfiltered). Permissions still apply. */
  ignoreFilters?: boolean;
  /** Delay before answering, per kind of route. `token` defaults to `tokenInfo`. */
  latencyMs?: { tokenInfo?: number; token?: number; rest?: number };
  /**
   * Fault injection, called after the request is recorded and after latency.
   * 'error500' → 500 with a Wix error body; 'hang' → never answers (rejects only if the request is aborted);
   * a Response → returned as is; undefined → normal handling.
   */
  fault?: (route: RouteName, request: RecordedRequest) => FaultAction | Promise<FaultAction>;
  /** Extra tokens (added to / overriding the dev tokens), keyed by token string. */
  tokens?: Record<string, DevTokenIdentity>;
  /** The app secret `/oauth2/token` expects (default DEV_APP_SECRET). */
  appSecret?: string;
  /** Clock for token-info `exp`/`iat` and `updatedDate`s (ms since epoch). Default Date.now. */
  now?: () => number;
  /** Status token-info answers for a token it does not know (default 401). */
  unknownTokenStatus?: 400 | 401;
  /** How many recent requests `requests` keeps (default 10,000). */
  maxRecordedRequests?: number;
  /** Where requests to hosts other than www.wixapis.com go (default: recorded as `unknown`, 404). */
  fallback?: typeof fetch;
  /** SDK modules emulated from their `meta` for the routes no built-in one matches (see module-emulation.ts). */
  modules?: readonly EmulatedModule[];
}

export interface WixEmulatorData {
  orders: WixOrder[];
  products: WixProductV3[];
  members: WixMember[];
  /** CRM contacts (c-1 … c-3 of the members, c-guest, c-4; see `seedContacts()`). */
  contacts: WixContact[];
  /** Loyalty accounts la-1 … la-4 (see `seedLoyaltyAccounts()`). */
  loyaltyAccounts: WixLoyaltyAccount[];
  /** Wix Secrets Manager: secret name → value (empty at first; tests set it; `reset()` empties it). */
  secrets: Record<string, string>;
  /** Wix Data: collection id → its permissions and items (seeded `reviews` and `privateNotes`; `reset()` restores them). */
  collections: Record<string, WixDataCollection>;
}

export interface WixEmulator {
  handle(request: Request): Promise<Response>;
  fetch: typeof fetch;
  requests: RecordedRequest[];
  /**
   * Clears `requests`, restores the seed data (collections included: added ones are dropped) and empties
   * `data.secrets` (in place: `data.*` keep their identity).
   */
  reset(): void;
  /** The live state (mutated by cancelOrder, updateProduct and the data-item writes; tests may edit it). */
  data: WixEmulatorData;
  /** All known tokens → identity (dev tokens + `options.tokens`). */
  tokens: Readonly<Record<string, DevTokenIdentity>>;
}

// ---------------------------------------------------------------------------------------------------------------

interface RouteMatch {
  route: RouteName;
  /** decoded path parameter (order id / product id / data item id) */
  id?: string;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, host: string, pathname: string): RouteMatch {
  if (host !== WIX_API_HOST) return { route: 'unknown' };
  const segs = pathname.split('/').slice(1); // leading '' dropped
  const m = method.toUpperCase();
  const is = (...parts: string[]) => segs.length === parts.length && parts.every((p, i) => p === '*' || segs[i] === p);

  if (m === 'POST' && is('oauth2', 'token-info')) return { route: 'token-info' };
  if (m === 'POST' && is('oauth2', 'token')) return { route: 'token' };

  if (m === 'POST' && is('ecom', 'v1', 'orders', 'search')) return { route: 'searchOrders' };
  if (m === 'POST' && is('ecom', 'v1', 'orders', '*', 'cancel') && segs[3] !== '') return { route: 'cancelOrder', id: decodeSegment(segs[3]!) };
  if (m === 'GET' && is('ecom', 'v1', 'orders', '*') && segs[3] !== '') return { route: 'getOrder', id: decodeSegment(segs[3]!) };
  if (m === 'GET' && is('ecom', 'v1', 'orders')) return { route: 'getOrder' };

  if (m === 'GET' && is('stores', 'v3', 'products', 'query')) return { route: 'queryProducts' };
  // The SDK's fallback when the GET query string would pass 4000 characters: the same payload as a JSON body.
  if (m === 'POST' && is('stores', 'v3', 'products', 'query')) return { route: 'queryProducts' };
  if (m === 'GET' && is('stores', 'v3', 'products', '*') && segs[3] !== '') return { route: 'getProduct', id: decodeSegment(segs[3]!) };
  if (m === 'PATCH' && is('stores', 'v3', 'products', '*') && segs[3] !== '') return { route: 'updateProduct', id: decodeSegment(segs[3]!) };
  if (m === 'GET' && is('stores', 'v3', 'products')) return { route: 'getProduct' };
  // Members (@wix/members), Contacts (@wix/crm), Loyalty accounts (@wix/loyalty). A path word another method owns
  // (`members/my` is getCurrentMember, `accounts/my-account` getCurrentMemberAccount, …) is not an id: unknown.
  const idAt3 = (...reserved: string[]) => segs[3] !== '' && !reserved.includes(segs[3]!);
  if (m === 'POST' && is('members', 'v1', 'members', 'query')) return { route: 'queryMembers' };
  if (m === 'GET' && is('members', 'v1', 'members', '*') && idAt3('my', 'query', 'bulk')) return { route: 'getMember', id: decodeSegment(segs[3]!) };
  if (m === 'POST' && is('contacts', 'v4', 'contacts', 'query')) return { route: 'queryContacts' };
  if (m === 'GET' && is('contacts', 'v4', 'contacts', '*') && idAt3('facets', 'query')) return { route: 'getContact', id: decodeSegment(segs[3]!) };
  if (m === 'POST' && is('loyalty-accounts', 'v1', 'accounts', 'query')) return { route: 'queryLoyaltyAccounts' };
  if (m === 'GET' && is('loyalty-accounts', 'v1', 'accounts', 'fetch-by')) return { route: 'getLoyaltyAccountBySecondaryId' };
  if (m === 'GET' && is('loyalty-accounts', 'v1', 'accounts', '*') && idAt3('my-account', 'program-totals', 'query', 'count', 'search')) {
    return { route: 'getLoyaltyAccount', id: decodeSegment(segs[3]!) };
  }
  // Secrets (@wix/secrets getSecretValue): the SDK keeps the `/_api/cloud-secrets-vault-server` prefix on www.wixapis.com.
  if (m === 'GET' && is('_api', 'cloud-secrets-vault-server', 'api', 'v1', 'secrets', 'name', '*') && segs[6] !== '') {
    return { route: 'getSecretValue', id: decodeSegment(segs[6]!) };
  }
  // Wix Data items (@wix/data `items`): the collection id travels in the body or the query string.
  if (m === 'POST' && is('wix-data', 'v2', 'items')) return { route: 'insertDataItem' };
  if ((m === 'GET' || m === 'POST') && is('wix-data', 'v2', 'items', 'query')) return { route: 'queryDataItems' };
  if (m === 'POST' && is('wix-data', 'v2', 'items', 'update')) return { route: 'updateDataItem' };
  if (m === 'POST' && is('wix-data', 'v2', 'items', 'save')) return { route: 'saveDataItem' };
  if (m === 'POST' && is('wix-data', 'v2', 'items', 'remove')) return { route: 'removeDataItem' };
  if (m === 'POST' && is('wix-data', 'v2', 'items', 'count')) return { route: 'countDataItems' };
  if (m === 'GET' && is('wix-data', 'v2', 'items', '*') && segs[3] !== '') return { route: 'getDataItem', id: decodeSegment(segs[3]!) };
  if (m === 'GET' && is('wix-data', 'v2', 'items')) return { route: 'getDataItem' };

  return { route: 'unknown' };
}

function paramsOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/** `a.b.c=1` → { a: { b: { c: '1' } } }; repeated keys stay arrays. `.r` is left out. */
function unflattenParams(params: Record<string, string | string[]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === '.r') continue;
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      },
      { once: true },
    );
  });
}

function hang(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')), { once: true });
  });
}

/** The product as a caller asking for `fields` sees it. */
export function productView(product: WixProductV3, fields: readonly string[]): WixProductV3 {
  const view = clone(product);
  if (!fields.includes('MERCHANT_DATA')) {
    delete view.costRange;
    for (const v of view.variantsInfo?.variants ?? []) delete v.revenueDetails;
  }
  if (!fields.includes('PLAIN_DESCRIPTION')) delete view.plainDescription;
  return view;
}

/** `{ $date: iso }` → iso, deeply (what filters and sorts compare: ISO strings order chronologically). */
function unwrapDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapDates);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$date' && typeof value.$date === 'string') return value.$date;
  return Object.fromEntries(keys.map((k) => [k, unwrapDates(value[k])]));
}

/** A data item as Wix Data answers it: `{ id, dataCollectionId, data }`, `data` projected onto `_id` + `fields`. */
export function dataItemView(
  collectionId: string,
  item: WixDataItem,
  fields: readonly string[],
): { id: string; dataCollectionId: string; data: Record<string, unknown> } {
  let projected: Record<string, unknown> = clone(item);
  if (fields.length > 0) {
    projected = { _id: item._id };
    for (const field of fields) if (Object.hasOwn(item, field)) projected[field] = clone(item[field]);
  }
  return { id: item._id, dataCollectionId: collectionId, data: projected };
}

// ---------------------------------------------------------------------------------------------------------------

export function createWixEmulator(options: WixEmulatorOptions = {}): WixEmulator {
  const now = options.now ?? (() => Date.now());
  const appSecret = options.appSecret ?? DEV_APP_SECRET;
  const tokens: Record<string, DevTokenIdentity> = { ...devTokenIdentities, ...(options.tokens ?? {}) };
  const data: WixEmulatorData = {
    orders: seedOrders(),
    products: seedProducts(),
    members: seedMembers(),
    contacts: seedContacts(),
    loyaltyAccounts: seedLoyaltyAccounts(),
    secrets: {},
    collections: seedDataCollections(),
  };
  const requests: RecordedRequest[] = [];
  const maxRecorded = options.maxRecordedRequests ?? 10_000;
  let seq = 0;
  /** for the ids of inserted data items that come without one */
  let dataItemSeq = 0;
  const modules = createModuleEmulation(options.modules ?? [], { now, ignoreFilters: Boolean(options.ignoreFilters) });

  // --- identity ------------------------------------------------------------------------------------------------

  function activeIdentity(token: string | undefined): DevTokenIdentity | undefined {
    if (!token) return undefined;
    const identity = Object.prototype.hasOwnProperty.call(tokens, token) ? tokens[token] : undefined;
    if (!identity) return undefined;
    return tokenInfoFor(identity, now()).active ? identity : undefined;
  }

  function authenticate(authorization: string | null): Caller {
    const token = bareToken(authorization);
    if (!token) throw WixHttpError.unauthenticated('missing Authorization header');
    const identity = activeIdentity(token);
    if (!identity) throw WixHttpError.unauthenticated('invalid or expired access token');
    return { token, identity, isApp: identity.subjectType === 'APP' };
  }

  function requireApp(caller: Caller, permission: string): void {
    if (!caller.isApp) {
      throw WixHttpError.permissionDenied(`${caller.identity.subjectType} identity is not permitted to call this method (requires ${permission})`);
    }
  }

  // --- oauth -----------------------------------------------------------------------------------------------------

  function tokenInfo(body: unknown): [number, unknown] {
    if (!isPlainObject(body) || typeof body.token !== 'string' || body.token === '') {
      throw WixHttpError.validation('token', 'must be a non-empty string', 'REQUIRED_FIELD');
    }
    const identity = Object.prototype.hasOwnProperty.call(tokens, body.token) ? tokens[body.token] : undefined;
    if (!identity) {
      const status = options.unknownTokenStatus ?? 401;
      throw WixHttpError.application(status, 'UNAUTHENTICATED', 'invalid token', 'the token is malformed or unknown');
    }
    return [200, tokenInfoFor(identity, now())];
  }

  function oauthToken(body: unknown): [number, unknown] {
    if (!isPlainObject(body)) throw WixHttpError.validation('grant_type', 'is required', 'REQUIRED_FIELD');
    const grant = body.grant_type;
    if (grant === 'client_credentials') {
      if (body.client_id !== APP_ID || body.client_secret !== appSecret) {
        throw WixHttpError.application(401, 'INVALID_CLIENT', 'invalid client', 'unknown client_id or wrong client_secret');
      }
      if (body.instance_id !== INSTANCE_ID) {
        throw WixHttpError.application(400, 'INVALID_INSTANCE', 'invalid instance', 'the app is not installed on this instance');
      }
      return [200, { access_token: devTokens.app, token_type: 'Bearer', expires_in: 14400 }];
    }
    if (grant === 'strip_bound_session') {
      if (body.client_secret !== appSecret) {
        throw WixHttpError.application(401, 'INVALID_CLIENT', 'invalid client', 'wrong client_secret');
      }
      const token = typeof body.access_token === 'string' ? bareToken(body.access_token) : undefined;
      const identity = activeIdentity(token);
      if (!token || !identity) throw WixHttpError.unauthenticated('invalid or expired access token');
      const info = tokenInfoFor(identity, now());
      return [200, { access_token: token, token_type: 'Bearer', expires_in: Math.max(0, info.exp - Math.floor(now() / 1000)) }];
    }
    throw WixHttpError.application(400, 'UNSUPPORTED_GRANT_TYPE', 'unsupported grant_type', `grant_type ${String(grant)} is not supported`);
  }

  // --- orders ----------------------------------------------------------------------------------------------------

  function findOrder(id: string): WixOrder {
    const order = data.orders.find((o) => o.id === id);
    if (!order) throw WixHttpError.notFound('ORDER_NOT_FOUND', `Order with id ${id} not found`, { orderId: id });
    return order;
  }

  // --- secrets ---------------------------------------------------------------------------------------------------

  function getSecretValue(caller: Caller, match: RouteMatch): [number, unknown] {
    requireApp(caller, 'SECRETS_VAULT.SECRET_READ');
    const name = match.id ?? '';
    if (!Object.hasOwn(data.secrets, name)) throw WixHttpError.notFound('SECRET_NOT_FOUND', `Secret with name ${name} not found`, { name });
    return [200, { value: data.secrets[name] }];
  }

  function getOrder(caller: Caller, match: RouteMatch, url: URL): [number, unknown] {
    requireApp(caller, 'ECOM.READ_ORDERS');
    const id = match.id ?? url.searchParams.get('id') ?? '';
    if (!id) throw WixHttpError.validation('id', 'is required', 'REQUIRED_FIELD');
    return [200, { order: clone(findOrder(id)) }];
  }

  function searchOrders(caller: Caller, body: unknown): [number, unknown] {
    requireApp(caller, 'ECOM.READ_ORDERS');
    if (body !== undefined && !isPlainObject(body)) throw WixHttpError.validation('search', 'must be an object', 'TYPE');
    const search = body?.search ?? {};
    if (!isPlainObject(search)) throw WixHttpError.validation('search', 'must be an object', 'TYPE');
    const paging = search.cursorPaging ?? {};
    if (!isPlainObject(paging)) throw WixHttpError.validation('search.cursorPaging', 'must be an object', 'TYPE');
    const limit = parseLimit(paging.limit, 'search.cursorPaging.limit', 50, 100);

    const query = pageQuery(
      { filter: search.filter, sort: search.sort, cursor: paging.cursor, offset: 0 },
      'search',
      'search.cursorPaging.cursor',
      Boolean(options.ignoreFilters),
    );
    const { filter, sortSpec, offset } = query;
    let { sort } = query;
    if (sort.length === 0) sort = [{ fieldName: 'createdDate', order: 'DESC' }];

    let items = data.orders;
    if (!options.ignoreFilters) items = items.filter((o) => matchesFilter(o, filter));
    const sorted = sortItems(items, sort);
    const { page, metadata } = cursorPage(sorted, offset, limit, { filter, sort: sortSpec });
    return [200, { orders: clone(page), metadata }];
  }

  function cancelOrder(caller: Caller, match: RouteMatch, body: unknown): [number, unknown] {
    requireApp(caller, 'ECOM.MODIFY_ORDERS');
    if (body !== undefined && !isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
    const id = match.id ?? '';
    if (!id) throw WixHttpError.validation('id', 'is required', 'REQUIRED_FIELD');
    const order = findOrder(id);
    if (order.status === 'CANCELED') {
      throw WixHttpError.application(428, 'ORDER_ALREADY_CANCELED', `Order ${id} is already canceled`, `Order ${id} is already canceled`, {
        orderId: id,
      });
    }
    const at = new Date(now()).toISOString();
    order.status = 'CANCELED';
    order.updatedDate = at;
    order.activities.push({ id: `${id}-act-${order.activities.length + 1}`, type: 'ORDER_CANCELED', createdDate: at });
    return [200, { order: clone(order) }];
  }

  // --- products --------------------------------------------------------------------------------------------------

  function parseFields(raw: unknown, field: string): string[] {
    if (raw === undefined || raw === null) return [];
    const list = Array.isArray(raw) ? raw : [raw];
    if (!list.every((f) => typeof f === 'string')) throw WixHttpError.validation(field, 'must be a list of strings', 'TYPE');
    return list as string[];
  }

  function requireMerchantAccess(caller: Caller, fields: readonly string[]): void {
    if (fields.includes('MERCHANT_DATA') && !caller.isApp) {
      throw WixHttpError.application(
        403,
        'NO_PERMISSION_TO_READ_MERCHANT_DATA',
        'PERMISSION_DENIED',
        'MERCHANT_DATA requires the SCOPE.STORES.PRODUCT_READ_ADMIN permission',
      );
    }
  }

  function getProduct(caller: Caller, match: RouteMatch, url: URL): [number, unknown] {
    const fields = url.searchParams.getAll('fields');
    requireMerchantAccess(caller, fields);
    const id = match.id ?? url.searchParams.get('productId') ?? '';
    if (!id) throw WixHttpError.validation('productId', 'is required', 'REQUIRED_FIELD');
    const product = data.products.find((p) => p.id === id);
    if (!product) throw WixHttpError.notFound('PRODUCT_NOT_FOUND', `Product with id ${id} not found`, { productId: id });
    if (!product.visible && !caller.isApp) {
      throw WixHttpError.application(
        403,
        'NO_PERMISSION_TO_INCLUDE_NOT_VISIBLE_PRODUCTS',
        'PERMISSION_DENIED',
        'reading a product that is not visible requires the SCOPE.STORES.PRODUCT_READ_ADMIN permission',
      );
    }
    return [200, { product: productView(product, fields) }];
  }

  function queryPayload(url: URL, params: Record<string, string | string[]>): Record<string, unknown> {
    const r = url.searchParams.get('.r');
    let payload: Record<string, unknown> = {};
    if (r !== null) {
      try {
        const decoded: unknown = JSON.parse(base64UrlDecode(r));
        if (!isPlainObject(decoded)) throw new Error('not an object');
        payload = decoded;
      } catch {
        throw WixHttpError.validation('.r', 'is not valid base64url-encoded JSON', 'INVALID');
      }
    }
    const plain = unflattenParams(params);
    // plain params complement .r (the SDK never sends both, but Wix merges them)
    for (const [k, v] of Object.entries(plain)) {
      if (k === 'fields') {
        const existing = payload.fields === undefined ? [] : Array.isArray(payload.fields) ? payload.fields : [payload.fields];
        payload.fields = [...existing, ...(Array.isArray(v) ? v : [v])];
      } else if (payload[k] === undefined) {
        payload[k] = v;
      }
    }
    if (isPlainObject(payload.query)) {
      for (const key of ['filter', 'sort'] as const) {
        const value = payload.query[key];
        if (typeof value === 'string') {
          try {
            payload.query[key] = JSON.parse(value);
          } catch {
            throw WixHttpError.validation(`query.${key}`, 'is not valid JSON', 'INVALID');
          }
        }
      }
    }
    return payload;
  }

  function queryProducts(caller: Caller, payload: Record<string, unknown>): [number, unknown] {
    const fields = parseFields(payload.fields, 'fields');
    requireMerchantAccess(caller, fields);
    const query = payload.query ?? {};
    if (!isPlainObject(query)) throw WixHttpError.validation('query', 'must be an object', 'TYPE');
    const hasCursorPaging = query.cursorPaging !== undefined && query.cursorPaging !== null;
    const hasOffsetPaging = query.paging !== undefined && query.paging !== null;
    if (hasCursorPaging && hasOffsetPaging) {
      throw WixHttpError.validation('query.paging', 'cannot be combined with query.cursorPaging', 'ONE_OF');
    }
    const paging = (hasOffsetPaging ? query.paging : query.cursorPaging) ?? {};
    const pagingField = hasOffsetPaging ? 'query.paging' : 'query.cursorPaging';
    if (!isPlainObject(paging)) throw WixHttpError.validation(pagingField, 'must be an object', 'TYPE');
    const limit = parseLimit(paging.limit, `${pagingField}.limit`, 100, 100);

    const { filter, sort, sortSpec, offset } = pageQuery(
      {
        filter: query.filter,
        sort: query.sort,
        cursor: hasOffsetPaging ? undefined : paging.cursor,
        offset: hasOffsetPaging ? parseOffset(paging.offset, 'query.paging.offset') : 0,
      },
      'query',
      'query.cursorPaging.cursor',
      Boolean(options.ignoreFilters),
    );

    let items = caller.isApp ? data.products : data.products.filter((p) => p.visible);
    if (!options.ignoreFilters) items = items.filter((p) => matchesFilter(p, filter));
    const sorted = sortItems(items, sort);
    if (hasOffsetPaging) {
      const { page, metadata } = offsetPage(sorted, offset, limit);
      return [200, { products: page.map((p) => productView(p, fields)), pagingMetadata: metadata }];
    }
    const { page, metadata } = cursorPage(sorted, offset, limit, { filter, sort: sortSpec });
    return [200, { products: page.map((p) => productView(p, fields)), pagingMetadata: metadata }];
  }

  const READ_ONLY_PRODUCT_FIELDS = new Set(['id', 'revision', 'createdDate', 'updatedDate']);

  function updateProduct(caller: Caller, match: RouteMatch, body: unknown): [number, unknown] {
    requireApp(caller, 'WIX_STORES.PRODUCT_UPDATE');
    if (!isPlainObject(body) || !isPlainObject(body.product)) throw WixHttpError.validation('product', 'is required', 'REQUIRED_FIELD');
    const fields = parseFields(body.fields, 'fields');
    const update = body.product;
    const id = match.id ?? '';
    if (update.id !== undefined && update.id !== id) throw WixHttpError.validation('product.id', 'must match the path', 'INVALID');
    if (typeof update.revision !== 'string' && typeof update.revision !== 'number') {
      throw WixHttpError.validation('product.revision', 'is required', 'REQUIRED_FIELD');
    }
    const product = data.products.find((p) => p.id === id);
    if (!product) throw WixHttpError.notFound('PRODUCT_NOT_FOUND', `Product with id ${id} not found`, { productId: id });
    if (String(update.revision) !== product.revision) {
      throw WixHttpError.application(409, 'REVISION_MISMATCH', 'revision mismatch', `product ${id} is at revision ${product.revision}`);
    }
    const target = product as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(update)) if (!READ_ONLY_PRODUCT_FIELDS.has(key)) target[key] = clone(value);
    product.revision = String(Number(product.revision) + 1);
    product.updatedDate = new Date(now()).toISOString();
    return [200, { product: productView(product, fields) }];
  }

  // --- data items ------------------------------------------------------------------------------------------------

  type DataOperation = 'read' | 'insert' | 'update' | 'remove';

  function dataBody(body: unknown): Record<string, unknown> {
    if (body === undefined) return {};
    if (!isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
    return body;
  }

  function findCollection(raw: unknown): { collectionId: string; collection: WixDataCollection } {
    if (typeof raw !== 'string' || raw === '') throw WixHttpError.validation('dataCollectionId', 'is required', 'REQUIRED_FIELD');
    const collection = Object.hasOwn(data.collections, raw) ? data.collections[raw] : undefined;
    if (!collection) {
      throw WixHttpError.notFound('WDE0025', `The ${raw} collection does not exist. You cannot work with a collection before it is created.`, {
        collectionId: raw,
      });
    }
    return { collectionId: raw, collection };
  }

  /** APP (elevated) and USER (the site's admins) are not bound by a collection's permissions. */
  function bypassesDataPermissions(caller: Caller): boolean {
    return caller.isApp || caller.identity.subjectType === 'USER';
  }

  /** Whether the caller's kind passes a level at all (SITE_MEMBER_AUTHOR: members do; ownership is checked per item). */
  function passesLevel(caller: Caller, level: WixDataPermissionLevel): boolean {
    if (bypassesDataPermissions(caller)) return true;
    switch (level) {
      case 'ANYONE':
        return true;
      case 'SITE_MEMBER':
      case 'SITE_MEMBER_AUTHOR':
        return caller.identity.subjectType === 'MEMBER';
      default:
        return false;
    }
  }

  function dataPermissionDenied(collectionId: string, operation: DataOperation, itemId?: string): WixHttpError {
    const description = `The current user does not have permissions to ${operation} on the ${collectionId} collection.`;
    return WixHttpError.application(403, 'WDE0027', description, description, { collectionId, operation, ...(itemId ? { itemId } : {}) });
  }

  function requireLevel(caller: Caller, collectionId: string, collection: WixDataCollection, operation: DataOperation): void {
    if (!passesLevel(caller, collection.permissions[operation])) throw dataPermissionDenied(collectionId, operation);
  }

  /** Under SITE_MEMBER_AUTHOR only the item's `_owner` (or APP / USER) may touch it. */
  function requireAuthor(caller: Caller, collectionId: string, collection: WixDataCollection, operation: DataOperation, item: WixDataItem): void {
    if (collection.permissions[operation] !== 'SITE_MEMBER_AUTHOR' || bypassesDataPermissions(caller)) return;
    if (item._owner !== caller.identity.subjectId) throw dataPermissionDenied(collectionId, operation, item._id);
  }

  /** The items a caller may read: under SITE_MEMBER_AUTHOR a member sees only their own. */
  function readableItems(caller: Caller, collection: WixDataCollection): WixDataItem[] {
    if (collection.permissions.read !== 'SITE_MEMBER_AUTHOR' || bypassesDataPermissions(caller)) return collection.items;
    return collection.items.filter((item) => item._owner === caller.identity.subjectId);
  }

  function itemNotFound(collectionId: string, itemId: string): WixHttpError {
    return WixHttpError.notFound('WDE0073', `Item ${itemId} does not exist in collection ${collectionId}.`, { collectionId, itemId });
  }

  function newDataItemId(collection: WixDataCollection): string {
    let id: string;
    do id = `00000000-0000-4000-8000-${String(++dataItemSeq).padStart(12, '0')}`;
    while (collection.items.some((item) => item._id === id));
    return id;
  }

  function nonEmptyString(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw WixHttpError.validation(field, 'must be a non-empty string', 'TYPE');
    return value;
  }

  /** `dataItem: { id?, data }` of insert / update / save; `id` and `data._id` must agree when both are sent. */
  function incomingDataItem(raw: unknown, requireId: boolean): { id: string | undefined; fields: Record<string, unknown> } {
    if (!isPlainObject(raw)) throw WixHttpError.validation('dataItem', 'is required', 'REQUIRED_FIELD');
    if (!isPlainObject(raw.data)) throw WixHttpError.validation('dataItem.data', 'is required', 'REQUIRED_FIELD');
    const outer = nonEmptyString(raw.id, 'dataItem.id');
    const inner = nonEmptyString(raw.data._id, 'dataItem.data._id');
    if (outer !== undefined && inner !== undefined && outer !== inner) {
      throw WixHttpError.validation('dataItem.id', 'must match dataItem.data._id', 'INVALID');
    }
    const id = outer ?? inner;
    if (requireId && id === undefined) throw WixHttpError.validation('dataItem.id', 'is required', 'REQUIRED_FIELD');
    return { id, fields: clone(raw.data) };
  }

  /** The item to store: the fields sent, with the system fields set as Wix sets them. */
  function storedItem(caller: Caller, id: string, fields: Record<string, unknown>, existing: WixDataItem | undefined): WixDataItem {
    const sentOwner = caller.isApp ? nonEmptyString(fields._owner, 'dataItem.data._owner') : undefined;
    const own: Record<string, unknown> = { ...fields };
    for (const key of ['_id', '_owner', '_createdDate', '_updatedDate']) delete own[key];
    const at = new Date(now()).toISOString();
    let owner: string;
    if (existing) owner = sentOwner ?? existing._owner;
    else owner = caller.isApp ? (sentOwner ?? APP_ID) : caller.identity.subjectId;
    return {
      _id: id,
      _owner: owner,
      _createdDate: existing ? clone(existing._createdDate) : { $date: at },
      _updatedDate: { $date: at },
      ...own,
    };
  }

  function insertItem(caller: Caller, collectionId: string, collection: WixDataCollection, id: string | undefined, fields: Record<string, unknown>) {
    const itemId = id ?? newDataItemId(collection);
    if (collection.items.some((item) => item._id === itemId)) {
      throw WixHttpError.application(409, 'WDE0074', `Item ${itemId} already exists in collection ${collectionId}.`, undefined, {
        collectionId,
        itemId,
      });
    }
    const item = storedItem(caller, itemId, fields, undefined);
    collection.items.push(item);
    return item;
  }

  function replaceItem(caller: Caller, collection: WixDataCollection, existing: WixDataItem, fields: Record<string, unknown>): WixDataItem {
    const item = storedItem(caller, existing._id, fields, existing);
    collection.items[collection.items.indexOf(existing)] = item;
    return item;
  }

  function insertDataItem(caller: Caller, body: unknown): [number, unknown] {
    const b = dataBody(body);
    const { collectionId, collection } = findCollection(b.dataCollectionId);
    requireLevel(caller, collectionId, collection, 'insert');
    const { id, fields } = incomingDataItem(b.dataItem, false);
    const item = insertItem(caller, collectionId, collection, id, fields);
    return [200, { dataItem: dataItemView(collectionId, item, []) }];
  }

  function getDataItem(caller: Caller, match: RouteMatch, url: URL, payload: unknown): [number, unknown] {
    const encoded = url.searchParams.has('.r') && isPlainObject(payload) ? payload : undefined;
    const read = (key: string) =>
      encoded ? (typeof encoded[key] === 'string' ? (encoded[key] as string) : undefined) : (url.searchParams.get(key) ?? undefined);
    const { collectionId, collection } = findCollection(read('dataCollectionId'));
    requireLevel(caller, collectionId, collection, 'read');
    const id = match.id ?? read('dataItemId') ?? '';
    if (!id) throw WixHttpError.validation('dataItemId', 'is required', 'REQUIRED_FIELD');
    const requested = encoded
      ? Array.isArray(encoded.fields)
        ? encoded.fields
        : encoded.fields === undefined
          ? []
          : [encoded.fields]
      : url.searchParams.getAll('fields');
    const fields = parseFields(requested as string[], 'fields');
    // another member's item under SITE_MEMBER_AUTHOR is not there for them (as in a query): not found
    const item = readableItems(caller, collection).find((i) => i._id === id);
    if (!item) throw itemNotFound(collectionId, id);
    return [200, { dataItem: dataItemView(collectionId, item, fields) }];
  }

  function updateDataItem(caller: Caller, body: unknown): [number, unknown] {
    const b = dataBody(body);
    const { collectionId, collection } = findCollection(b.dataCollectionId);
    requireLevel(caller, collectionId, collection, 'update');
    const { id, fields } = incomingDataItem(b.dataItem, true);
    const existing = collection.items.find((i) => i._id === id);
    if (!existing) throw itemNotFound(collectionId, id!);
    requireAuthor(caller, collectionId, collection, 'update', existing);
    return [200, { dataItem: dataItemView(collectionId, replaceItem(caller, collection, existing, fields), []) }];
  }

  function saveDataItem(caller: Caller, body: unknown): [number, unknown] {
    const b = dataBody(body);
    const { collectionId, collection } = findCollection(b.dataCollectionId);
    const { id, fields } = incomingDataItem(b.dataItem, false);
    const existing = id === undefined ? undefined : collection.items.find((i) => i._id === id);
    if (!existing) {
      requireLevel(caller, collectionId, collection, 'insert');
      return [200, { dataItem: dataItemView(collectionId, insertItem(caller, collectionId, collection, id, fields), []) }];
    }
    requireLevel(caller, collectionId, collection, 'update');
    requireAuthor(caller, collectionId, collection, 'update', existing);
    return [200, { dataItem: dataItemView(collectionId, replaceItem(caller, collection, existing, fields), []) }];
  }

  function removeDataItem(caller: Caller, body: unknown): [number, unknown] {
    const b = dataBody(body);
    const { collectionId, collection } = findCollection(b.dataCollectionId);
    requireLevel(caller, collectionId, collection, 'remove');
    const id = nonEmptyString(b.dataItemId, 'dataItemId');
    if (id === undefined) throw WixHttpError.validation('dataItemId', 'is required', 'REQUIRED_FIELD');
    const existing = collection.items.find((i) => i._id === id);
    if (!existing) throw itemNotFound(collectionId, id);
    requireAuthor(caller, collectionId, collection, 'remove', existing);
    collection.items.splice(collection.items.indexOf(existing), 1);
    return [200, { dataItem: dataItemView(collectionId, existing, []) }];
  }

  /** The caller's readable items that match `filter`, each with its date-unwrapped view (what filter and sort see). */
  function matchingItems(caller: Caller, collection: WixDataCollection, filter: unknown): { item: WixDataItem; view: unknown }[] {
    const entries = readableItems(caller, collection).map((item) => ({ item, view: unwrapDates(item) }));
    return options.ignoreFilters ? entries : entries.filter((e) => matchesFilter(e.view, filter));
  }

  const DATA_QUERY_DEFAULT_LIMIT = 50;
  const DATA_QUERY_MAX_LIMIT = 1000;

  function queryDataItems(caller: Caller, payload: Record<string, unknown>): [number, unknown] {
    const { collectionId, collection } = findCollection(payload.dataCollectionId);
    requireLevel(caller, collectionId, collection, 'read');
    const query = payload.query ?? {};
    if (!isPlainObject(query)) throw WixHttpError.validation('query', 'must be an object', 'TYPE');
    const fields = parseFields(query.fields, 'query.fields');
    const hasCursorPaging = query.cursorPaging !== undefined && query.cursorPaging !== null;
    const hasOffsetPaging = query.paging !== undefined && query.paging !== null;
    if (hasCursorPaging && hasOffsetPaging) {
      throw WixHttpError.validation('query.paging', 'cannot be combined with query.cursorPaging', 'ONE_OF');
    }
    const paging = (hasOffsetPaging ? query.paging : query.cursorPaging) ?? {};
    const pagingField = hasOffsetPaging ? 'query.paging' : 'query.cursorPaging';
    if (!isPlainObject(paging)) throw WixHttpError.validation(pagingField, 'must be an object', 'TYPE');
    const limit = parseLimit(paging.limit, `${pagingField}.limit`, DATA_QUERY_DEFAULT_LIMIT, DATA_QUERY_MAX_LIMIT);
    const returnTotalCount = payload.returnTotalCount === true || payload.returnTotalCount === 'true';

    const pq = pageQuery(
      {
        filter: query.filter,
        sort: query.sort,
        cursor: hasOffsetPaging ? undefined : paging.cursor,
        offset: hasOffsetPaging ? parseOffset(paging.offset, 'query.paging.offset') : 0,
      },
      'query',
      'query.cursorPaging.cursor',
      Boolean(options.ignoreFilters),
    );
    const { filter, sortSpec, offset } = pq;
    const sort = pq.sort.length > 0 ? pq.sort : [{ fieldName: '_createdDate', order: 'DESC' }];

    const entries = matchingItems(caller, collection, filter);
    const itemOf = new Map(entries.map((e) => [e.view, e.item]));
    const sorted = sortItems(
      entries.map((e) => e.view),
      sort,
    ).map((view) => itemOf.get(view)!);
    const total = returnTotalCount ? { total: sorted.length } : {};
    if (hasOffsetPaging) {
      const { page, metadata } = offsetPage(sorted, offset, limit);
      return [
        200,
        {
          dataItems: page.map((item) => dataItemView(collectionId, item, fields)),
          pagingMetadata: { count: metadata.count, offset: metadata.offset, ...total, cursors: {}, hasNext: metadata.hasNext },
        },
      ];
    }
    const { page, metadata } = cursorPage(sorted, offset, limit, { filter, sort: sortSpec });
    return [
      200,
      {
        dataItems: page.map((item) => dataItemView(collectionId, item, fields)),
        pagingMetadata: { count: metadata.count, ...total, cursors: metadata.cursors, hasNext: metadata.hasNext },
      },
    ];
  }

  function countDataItems(caller: Caller, body: unknown): [number, unknown] {
    const b = dataBody(body);
    const { collectionId, collection } = findCollection(b.dataCollectionId);
    requireLevel(caller, collectionId, collection, 'read');
    if (!options.ignoreFilters) {
      try {
        validateFilter(b.filter, 'filter');
      } catch (e) {
        if (e instanceof FilterError) throw WixHttpError.validation(e.path || 'filter', e.message, 'INVALID_QUERY');
        throw e;
      }
    }
    return [200, { totalCount: matchingItems(caller, collection, b.filter).length }];
  }

  // --- the handler -----------------------------------------------------------------------------------------------

  function latencyFor(route: RouteName): number {
    const l = options.latencyMs ?? {};
    if (route === 'token-info') return l.tokenInfo ?? 0;
    if (route === 'token') return l.token ?? l.tokenInfo ?? 0;
    return l.rest ?? 0;
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.hostname !== WIX_API_HOST && options.fallback) return options.fallback(request);

    const method = request.method.toUpperCase();
    let rawBody = '';
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        rawBody = await request.text();
      } catch {
        rawBody = '';
      }
    }
    let body: unknown = undefined;
    let bodyIsJson = true;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        bodyIsJson = false;
      }
    }

    const builtIn = matchRoute(method, url.hostname, url.pathname);
    const moduleMatch = builtIn.route === 'unknown' && url.hostname === WIX_API_HOST ? modules.match(method, url.pathname) : undefined;
    const match: RouteMatch = moduleMatch ? { route: 'module' } : builtIn;
    const params = paramsOf(url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const record: RecordedRequest = {
      seq: ++seq,
      method,
      url: request.url,
      path: url.pathname,
      search: url.search,
      authorization: request.headers.get('authorization'),
      body,
      route: match.route,
      ...(moduleMatch ? { call: moduleMatch.call } : {}),
      params,
      headers,
    };
    const requestId = `emu-${record.seq}`;
    let payloadError: WixHttpError | undefined;
    // Queries, and a data item read with nested options (`includeReferences`, …), carry their request as `.r`.
    if (
      match.route === 'queryProducts' ||
      match.route === 'queryDataItems' ||
      (match.route === 'getDataItem' && url.searchParams.has('.r')) ||
      (match.route === 'module' && method === 'GET')
    ) {
      try {
        record.payload = method === 'POST' ? (isPlainObject(body) ? structuredClone(body) : {}) : queryPayload(url, params);
      } catch (e) {
        if (e instanceof WixHttpError) payloadError = e;
        else throw e;
      }
    } else if (method === 'GET' && match.route !== 'unknown') {
      record.payload = unflattenParams(params);
    }
    requests.push(record);
    // A long-running `npm start` must not grow without bound: keep the most recent requests only.
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);

    const delay = latencyFor(match.route);
    if (delay > 0) await sleep(delay, request.signal);

    if (options.fault) {
      const action = await options.fault(match.route, record);
      if (action instanceof Response) return action;
      if (action === 'hang') return hang(request.signal);
      if (action === 'error500') {
        return jsonResponse(500, applicationErrorBody('INTERNAL_ERROR', 'internal error', 'injected fault'), requestId);
      }
    }

    try {
      if (match.route === 'unknown') {
        throw WixHttpError.application(404, 'NOT_FOUND', 'Not Found', `no route for ${method} ${url.host}${url.pathname}`);
      }
      if (!bodyIsJson) throw WixHttpError.validation('body', 'is not valid JSON', 'INVALID');
      if (payloadError) throw payloadError;

      let result: [number, unknown];
      switch (match.route) {
        case 'token-info':
          result = tokenInfo(body);
          break;
        case 'token':
          result = oauthToken(body);
          break;
        default: {
          const caller = authenticate(record.authorization);
          const ignoreFilters = Boolean(options.ignoreFilters);
          switch (match.route) {
            case 'getOrder':
              result = getOrder(caller, match, url);
              break;
            case 'searchOrders':
              result = searchOrders(caller, body);
              break;
            case 'cancelOrder':
              result = cancelOrder(caller, match, body);
              break;
            case 'getProduct':
              result = getProduct(caller, match, url);
              break;
            case 'queryProducts':
              result = queryProducts(caller, (record.payload ?? {}) as Record<string, unknown>);
              break;
            case 'updateProduct':
              result = updateProduct(caller, match, body);
              break;
            case 'getMember':
              result = getMember({ members: data.members, caller, ignoreFilters }, match.id!, params);
              break;
            case 'queryMembers':
              result = queryMembers({ members: data.members, caller, ignoreFilters }, body);
              break;
            case 'getContact':
              result = getContact({ contacts: data.contacts, caller, ignoreFilters }, match.id!, params);
              break;
            case 'queryContacts':
              result = queryContacts({ contacts: data.contacts, caller, ignoreFilters }, body);
              break;
            case 'getLoyaltyAccount':
              result = getLoyaltyAccount({ loyaltyAccounts: data.loyaltyAccounts, caller, ignoreFilters }, match.id!);
              break;
            case 'getLoyaltyAccountBySecondaryId':
              result = getLoyaltyAccountBySecondaryId({ loyaltyAccounts: data.loyaltyAccounts, caller, ignoreFilters }, params);
              break;
            case 'queryLoyaltyAccounts':
              result = queryLoyaltyAccounts({ loyaltyAccounts: data.loyaltyAccounts, caller, ignoreFilters }, body);
              break;
            case 'getSecretValue':
              result = getSecretValue(caller, match);
              break;
            case 'insertDataItem':
              result = insertDataItem(caller, body);
              break;
            case 'getDataItem':
              result = getDataItem(caller, match, url, record.payload);
              break;
            case 'updateDataItem':
              result = updateDataItem(caller, body);
              break;
            case 'saveDataItem':
              result = saveDataItem(caller, body);
              break;
            case 'removeDataItem':
              result = removeDataItem(caller, body);
              break;
            case 'queryDataItems':
              result = queryDataItems(caller, (record.payload ?? {}) as Record<string, unknown>);
              break;
            case 'countDataItems':
              result = countDataItems(caller, body);
              break;
            case 'module':
              result = modules.answer(moduleMatch!, body, record.payload);
              break;
            default:
              throw new Error(`unhandled route ${match.route}`);
          }
        }
      }
      return jsonResponse(result[0], result[1], requestId);
    } catch (e) {
      if (e instanceof WixHttpError) return jsonResponse(e.status, e.body, requestId);
      const message = e instanceof Error ? e.message : String(e);
      return jsonResponse(500, applicationErrorBody('INTERNAL_ERROR', 'internal error', message), requestId);
    }
  }

  const fetchFn = ((input: RequestInfo | URL, init?: RequestInit) => {
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (e) {
      return Promise.reject(e);
    }
    return handle(request);
  }) as typeof fetch;

  function reset(): void {
    requests.length = 0;
    seq = 0;
    data.orders.splice(0, data.orders.length, ...seedOrders());
    data.products.splice(0, data.products.length, ...seedProducts());
    data.members.splice(0, data.members.length, ...seedMembers());
    data.contacts.splice(0, data.contacts.length, ...seedContacts());
    data.loyaltyAccounts.splice(0, data.loyaltyAccounts.length, ...seedLoyaltyAccounts());
    for (const name of Object.keys(data.secrets)) delete data.secrets[name];
    for (const id of Object.keys(data.collections)) delete data.collections[id];
    Object.assign(data.collections, seedDataCollections());
    dataItemSeq = 0;
    modules.reset();
  }

  return { handle, fetch: fetchFn, requests, reset, data, tokens };
}
