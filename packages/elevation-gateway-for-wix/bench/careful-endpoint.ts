// The baseline of the whole-request and load benchmarks: what a careful developer would write by
// hand for the shop's elevated calls, with the same checks the gateway applies to them and nothing
// the gateway's generality adds. Per request: the body bounded and parsed, the exact argument
// shapes the rules accept, the caller from token-info (asked every time: no cache), the same
// token checks (active, this app's, unexpired, of an app instance), and per call the rule's
// obligations written out by hand:
//   - visitor (or member) lists products: page size ≤ 50, forced `visible: true`, every item
//     re-checked, cost and profit removed, cursors signed (HMAC, node:crypto) and bound to the caller;
//   - member reads an order: the id checked, the order read as the app, refused unless it is theirs;
//   - member searches orders: page size ≤ 50, forced `buyerInfo.memberId`, every item re-checked,
//     cursors signed and bound to the caller;
//   - anything else: 403 before Wix.
// It does not log decisions (a hand-written endpoint rarely does): the gateway's decision log is
// part of the overhead it is measured with.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { auth } from '@wix/essentials';
import { getOrder, searchOrders } from '@wix/auto_sdk_ecom_orders';
import { queryProducts } from '@wix/auto_sdk_stores_products-v-3';

const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';
const MAX_BODY = 64 * 1024;
const MAX_TOKEN = 8192;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const CAP = 50;
const HIDDEN_PRODUCT_FIELDS = ['costRange'] as const;

type Json = Record<string, unknown>;
type Caller = { subjectType: string; id: string; instanceId: string };

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: HEADERS });
const refuse = (status: number, code: string) => reply(status, { error: { code } });

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const onlyKeys = (v: Json, keys: readonly string[]) => Object.keys(v).every((k) => keys.includes(k));

export interface CarefulEndpointOptions {
  appId: string;
  /** Where token-info is asked (default: the global fetch). */
  fetch?: typeof fetch;
}

export function createCarefulEndpoint(options: CarefulEndpointOptions): (request: Request) => Promise<Response> {
  const key = randomBytes(32);
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  const mac = (caller: Caller, call: string, payload: string) =>
    createHmac('sha256', key).update(`${caller.subjectType}\u0000${caller.id}\u0000${caller.instanceId}\u0000${call}\u0000${payload}`).digest('base64url');
  const sign = (caller: Caller, call: string, wixCursor: string) => {
    const payload = Buffer.from(wixCursor).toString('base64url');
    return `c1.${payload}.${mac(caller, call, payload)}`;
  };
  /** The Wix cursor a signed cursor carries, or undefined when this endpoint did not sign it for this caller and call. */
  const open = (caller: Caller, call: string, cursor: string): string | undefined => {
    const [prefix, payload, signature, ...rest] = cursor.split('.');
    if (prefix !== 'c1' || !payload || !signature || rest.length) return undefined;
    const expected = Buffer.from(mac(caller, call, payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Buffer.from(payload, 'base64url').toString();
  };
  const signPaging = (caller: Caller, call: string, paging: unknown) => {
    if (!isObject(paging) || !isObject(paging.cursors)) return paging;
    const cursors: Json = {};
    for (const [name, value] of Object.entries(paging.cursors)) cursors[name] = typeof value === 'string' && value !== '' ? sign(caller, call, value) : value;
    return { ...paging, cursors };
  };
  /** `{ cursorPaging: { limit ≤ 50, cursor? } }` and nothing else; the cursor opened; undefined when refused. */
  const paging = (caller: Caller, call: string, args: unknown[]): { limit: number; cursor?: string } | undefined => {
    if (args.length > 1) return undefined;
    const query = args[0] ?? {};
    if (!isObject(query) || !onlyKeys(query, ['cursorPaging'])) return undefined;
    const p = query.cursorPaging ?? {};
    if (!isObject(p) || !onlyKeys(p, ['limit', 'cursor'])) return undefined;
    const limit = p.limit ?? CAP;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > CAP) return undefined;
    if (p.cursor === undefined) return { limit };
    if (typeof p.cursor !== 'string') return undefined;
    const cursor = open(caller, call, p.cursor);
    return cursor === undefined ? undefined : { limit, cursor };
  };

  async function identify(token: string): Promise<Caller | undefined> {
    const info = await doFetch(TOKEN_INFO_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    if (info.status !== 200) return undefined;
    const t = (await info.json()) as Json;
    if (t.active !== true || t.clientId !== options.appId || typeof t.instanceId !== 'string' || t.instanceId === '') return undefined;
    if (typeof t.exp === 'number' && t.exp * 1000 <= Date.now()) return undefined;
    if (typeof t.subjectType !== 'string' || typeof t.subjectId !== 'string' || t.subjectId === '') return undefined;
    return { subjectType: t.subjectType, id: t.subjectId, instanceId: t.instanceId };
  }

  return async function POST(req: Request): Promise<Response> {
    if (req.method !== 'POST') return refuse(400, 'INVALID_REQUEST');
    const header = req.headers
      .get('authorization')
      ?.trim()
      .replace(/^Bearer\s+/i, '');
    if (!header || header.length > MAX_TOKEN || /\s/.test(header)) return refuse(401, 'UNAUTHENTICATED');
    const declared = Number(req.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY) return refuse(413, 'PAYLOAD_TOO_LARGE');
    const text = await req.text();
    if (text.length > MAX_BODY) return refuse(413, 'PAYLOAD_TOO_LARGE');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'INVALID_REQUEST');
    }
    if (!isObject(body) || !onlyKeys(body, ['module', 'method', 'args']) || typeof body.module !== 'string' || typeof body.method !== 'string')
      return refuse(400, 'INVALID_REQUEST');
    const args = body.args ?? [];
    if (!Array.isArray(args)) return refuse(400, 'INVALID_REQUEST');
    const call = `${body.module}.${body.method}`;

    let caller: Caller | undefined;
    try {
      caller = await identify(header);
    } catch {
      return refuse(503, 'IDENTITY_UNAVAILABLE');
    }
    if (!caller) return refuse(401, 'UNAUTHENTICATED');
    const member = caller.subjectType === 'MEMBER';
    const visitor = member || caller.subjectType === 'VISITOR';

    try {
      if (call === 'stores.productsV3.queryProducts' && visitor) {
        const page = paging(caller, call, args);
        if (!page) return refuse(400, 'INVALID_REQUEST');
        const query = page.cursor
          ? { cursorPaging: { limit: page.limit, cursor: page.cursor } }
          : { filter: { visible: true }, cursorPaging: { limit: page.limit } };
        const result = (await auth.elevate(queryProducts)(query as never)) as unknown as Json;
        const products = (Array.isArray(result.products) ? result.products : []).filter((p: Json) => p?.visible === true).slice(0, page.limit);
        for (const p of products as Json[]) {
          for (const field of HIDDEN_PRODUCT_FIELDS) delete p[field];
          const variants = (p.variantsInfo as { variants?: Json[] } | undefined)?.variants;
          if (Array.isArray(variants)) for (const v of variants) if (isObject(v)) delete v.revenueDetails;
          const min = (p.variantSummary as { minPriceVariant?: Json } | undefined)?.minPriceVariant;
          if (isObject(min)) delete min.revenueDetails;
        }
        return reply(200, { result: { ...result, products, pagingMetadata: signPaging(caller, call, result.pagingMetadata) } });
      }
      if (call === 'ecom.orders.getOrder' && member) {
        const id = args[0];
        if (args.length !== 1 || typeof id !== 'string' || !ID.test(id)) return refuse(400, 'INVALID_REQUEST');
        const order = (await auth.elevate(getOrder)(id)) as unknown as Json;
        if ((order?.buyerInfo as Json | undefined)?.memberId !== caller.id) return refuse(403, 'FORBIDDEN');
        return reply(200, { result: order });
      }
      if (call === 'ecom.orders.searchOrders' && member) {
        const page = paging(caller, call, args);
        if (!page) return refuse(400, 'INVALID_REQUEST');
        const search = page.cursor
          ? { cursorPaging: { limit: page.limit, cursor: page.cursor } }
          : { filter: { 'buyerInfo.memberId': caller.id }, cursorPaging: { limit: page.limit } };
        const result = (await auth.elevate(searchOrders)(search as never)) as unknown as Json;
        const orders = (Array.isArray(result.orders) ? result.orders : []).filter((o: Json) => (o?.buyerInfo as Json | undefined)?.memberId === caller.id);
        return reply(200, { result: { ...result, orders, metadata: signPaging(caller, call, result.metadata) } });
      }
    } catch {
      return refuse(502, 'UPSTREAM_ERROR');
    }
    return refuse(403, 'FORBIDDEN');
  };
}
