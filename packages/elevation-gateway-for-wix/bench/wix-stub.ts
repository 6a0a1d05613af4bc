// The Wix API host of the load benchmark: a minimal in-process `fetch` whose answers are JSON strings
// computed once, when it is created, from the emulator (src/dev/emulator), so they have the REST
// shapes the emulator (and the SDK) use; per request it only picks the string. It applies no filter,
// no paging, no projection: whatever is asked, the same page comes back, so its cost is tiny and the
// same for every endpoint served against it. It answers:
//
//   POST /oauth2/token-info  { token }   → the dev token's token-info (unknown token: 401)
//   GET|POST /stores/v3/products/query   → the first 10 visible products WITH merchant data (costRange,
//                                          revenueDetails: what an elevated call that asked for
//                                          MERCHANT_DATA gets, so the endpoints' masking has work to do)
//                                          and paging metadata with a next cursor
//   GET  /ecom/v1/orders/{id}            → the seeded order (unknown id: 404)
//   POST /ecom/v1/orders/search          → member m-1's orders, whatever the filter
//   anything else                        → 404, Wix's error shape
//
// Every route but token-info needs the app's token in Authorization (403 otherwise): what reaches it
// went through `auth.elevate`.
import { createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';

const HOST = 'https://www.wixapis.com';
const JSON_HEADERS = { 'content-type': 'application/json' };

export interface WixStub {
  fetch: typeof fetch;
  /** Requests answered, by route (`token-info`, `queryProducts`, `getOrder`, `searchOrders`, `refused`). */
  counts: Record<string, number>;
}

/** The error body Wix answers (`{ message, details: { applicationError } }`). */
const wixError = (code: string, message: string) => JSON.stringify({ message, details: { applicationError: { code, description: message, data: {} } } });

async function emulated(emulator: ReturnType<typeof createWixEmulator>, path: string, init: RequestInit): Promise<string> {
  const response = await emulator.handle(new Request(`${HOST}${path}`, { ...init, headers: { authorization: devTokens.app, ...JSON_HEADERS } }));
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the Wix stub could not precompute ${path}: the emulator answered ${response.status} ${text}`);
  return text;
}

function headerOf(headers: HeadersInit | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  if (Array.isArray(headers)) return headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key] ?? null;
  return null;
}

export async function createWixStub(): Promise<WixStub> {
  const emulator = createWixEmulator();
  const tokenInfo = new Map<string, string>();
  for (const token of [devTokens.visitor, devTokens.user, devTokens.app, ...Object.values(devTokens.members)]) {
    tokenInfo.set(token, await emulated(emulator, '/oauth2/token-info', { method: 'POST', body: JSON.stringify({ token }) }));
  }
  const products = await emulated(emulator, '/stores/v3/products/query', {
    method: 'POST',
    body: JSON.stringify({ query: { filter: { visible: true }, cursorPaging: { limit: 10 } }, fields: ['MERCHANT_DATA'] }),
  });
  const page = JSON.parse(products) as { products: { costRange?: unknown }[]; pagingMetadata?: { cursors?: { next?: string } } };
  if (page.products.length !== 10 || !page.products.every((p) => p.costRange !== undefined) || !page.pagingMetadata?.cursors?.next) {
    throw new Error('the Wix stub expected 10 visible products with costRange and a next cursor from the emulator');
  }
  const orders = new Map<string, string>();
  for (const order of emulator.data.orders)
    orders.set(order.id, await emulated(emulator, `/ecom/v1/orders/${encodeURIComponent(order.id)}`, { method: 'GET' }));
  const search = await emulated(emulator, '/ecom/v1/orders/search', {
    method: 'POST',
    body: JSON.stringify({ search: { filter: { 'buyerInfo.memberId': 'm-1' }, cursorPaging: { limit: 50 } } }),
  });

  const counts: Record<string, number> = { 'token-info': 0, queryProducts: 0, getOrder: 0, searchOrders: 0, refused: 0 };
  const answer = (route: string, status: number, body: string) => {
    counts[route] = (counts[route] ?? 0) + 1;
    return new Response(body, { status, headers: JSON_HEADERS });
  };
  const refuse = (status: number, code: string, message: string) => answer('refused', status, wixError(code, message));

  async function stubFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : undefined;
    const url = typeof input === 'string' ? input : input instanceof Request ? input.url : input.href;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (!url.startsWith(`${HOST}/`)) return refuse(404, 'NOT_FOUND', `the Wix stub does not serve ${url}`);
    const q = url.indexOf('?');
    const path = url.slice(HOST.length, q === -1 ? undefined : q);

    if (method === 'POST' && path === '/oauth2/token-info') {
      const body = typeof init?.body === 'string' ? init.body : await (request ?? new Request(url, init)).text();
      let token: unknown;
      try {
        token = (JSON.parse(body) as { token?: unknown }).token;
      } catch {
        return refuse(400, 'INVALID_ARGUMENT', 'the body is not JSON');
      }
      const info = typeof token === 'string' ? tokenInfo.get(token) : undefined;
      return info ? answer('token-info', 200, info) : refuse(401, 'UNAUTHENTICATED', 'the token is malformed or unknown');
    }
    const authorization = headerOf(init?.headers ?? request?.headers, 'authorization');
    if (authorization !== devTokens.app && authorization !== `Bearer ${devTokens.app}`) {
      return refuse(403, 'PERMISSION_DENIED', 'the Wix stub answers the app (an elevated call) only');
    }
    if (path === '/stores/v3/products/query' && (method === 'GET' || method === 'POST')) return answer('queryProducts', 200, products);
    if (path === '/ecom/v1/orders/search' && method === 'POST') return answer('searchOrders', 200, search);
    if (method === 'GET' && path.startsWith('/ecom/v1/orders/')) {
      let id = path.slice('/ecom/v1/orders/'.length);
      try {
        id = decodeURIComponent(id);
      } catch {
        // not an id the seed holds: 404 below
      }
      const order = orders.get(id);
      return order ? answer('getOrder', 200, order) : refuse(404, 'ORDER_NOT_FOUND', 'order not found');
    }
    return refuse(404, 'NOT_FOUND', `the Wix stub does not serve ${method} ${path}`);
  }
  return { fetch: stubFetch as typeof fetch, counts };
}
