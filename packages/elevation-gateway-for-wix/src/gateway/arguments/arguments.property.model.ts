// The reference model of what Wix must receive for the fixture policy test/fixtures/every-kind-of-call.yaml,
// written by hand from the SDK's REST shapes (WIX-RUNTIME.md), its renames and the policy's
// documented obligations. It imports nothing of the gateway: it is what the gateway is checked
// against, slow and obvious on purpose.

export interface ModelRequest {
  method: string;
  path: string;
  /** GET: the request as the SDK serialised it into the URL; otherwise the JSON body. */
  payload: unknown;
}

/** The fixture's Wix state the model needs (who owns which order, which product is visible). */
export interface ModelData {
  orders: { id: string; status: string; fulfillmentStatus: string; buyerInfo?: { memberId?: string } }[];
  products: { id: string; visible: boolean }[];
}

export const CALLER_ID = 'm-1';
export const PRODUCT_CAP = 20;
export const ORDER_CAP = 10;

const RENAMES: Record<string, string> = { _id: 'id', _createdDate: 'createdDate', _updatedDate: 'updatedDate' };
const renameSegments = (key: string) =>
  key
    .split('.')
    .map((s) => RENAMES[s] ?? s)
    .join('.');

/** The SDK's request renames: `_id` → `id` (and the dates) in every key, and in sort field names. */
export function restSpelling(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => restSpelling(v, key));
  if (value === null || typeof value !== 'object') {
    return key === 'fieldName' && typeof value === 'string' ? renameSegments(value) : value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[renameSegments(k)] = restSpelling(v, k);
  return out;
}

function capped(paging: unknown, cap: number): Record<string, unknown> {
  const p = (paging ?? {}) as Record<string, unknown>;
  const limit = p.limit;
  return { ...p, limit: typeof limit === 'number' && limit > 0 && limit <= cap ? limit : cap };
}

function forced(client: unknown, condition: Record<string, unknown>): unknown {
  const empty = client === undefined || client === null || (typeof client === 'object' && Object.keys(client).length === 0);
  return empty ? condition : { $and: [client, condition] };
}

/** The query a list sends: the client's, renamed, with the forced filter and the cap. */
function listQuery(query: Record<string, unknown>, condition: Record<string, unknown>, cap: number): Record<string, unknown> {
  const renamed = restSpelling(query) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...renamed, filter: forced(renamed.filter, condition), cursorPaging: capped(renamed.cursorPaging, cap) };
  return out;
}

const fieldsParam = (fields: unknown) => {
  if (!Array.isArray(fields) || fields.length === 0) return {};
  return { fields: fields.length === 1 ? fields[0] : fields };
};

/** Every request Wix must receive, in order, for a call whose arguments the gateway admits. */
export function expectedRequests(call: string, args: unknown[], data: ModelData): ModelRequest[] {
  const [a0, a1, a2] = args as [any, any, any];
  switch (call) {
    case 'ecom.orders.getOrder':
      return [{ method: 'GET', path: `/ecom/v1/orders/${a0}`, payload: { id: a0 } }];
    case 'stores.productsV3.getProduct':
      return [{ method: 'GET', path: `/stores/v3/products/${a0}`, payload: { productId: a0, ...fieldsParam(a1?.fields) } }];
    case 'stores.productsV3.queryProducts': {
      const payload: Record<string, unknown> = { query: listQuery(a0, { visible: { $eq: true } }, PRODUCT_CAP) };
      if (a1?.fields !== undefined) payload.fields = a1.fields;
      return [{ method: 'GET', path: '/stores/v3/products/query', payload }];
    }
    case 'ecom.orders.searchOrders':
      return [{ method: 'POST', path: '/ecom/v1/orders/search', payload: { search: listQuery(a0, { 'buyerInfo.memberId': { $eq: CALLER_ID } }, ORDER_CAP) } }];
    case 'ecom.orders.cancelOrder': {
      const preload: ModelRequest = { method: 'GET', path: `/ecom/v1/orders/${a0}`, payload: { id: a0 } };
      const order = data.orders.find((o) => o.id === a0);
      const passes = order?.buyerInfo?.memberId === CALLER_ID && order.fulfillmentStatus === 'NOT_FULFILLED';
      return passes ? [preload, { method: 'POST', path: `/ecom/v1/orders/${a0}/cancel`, payload: { id: a0, ...(a1 ?? {}) } }] : [preload];
    }
    case 'stores.productsV3.updateProduct': {
      const preload: ModelRequest = { method: 'GET', path: `/stores/v3/products/${a0}`, payload: { productId: a0 } };
      const product = data.products.find((p) => p.id === a0);
      if (product?.visible !== true) return [preload];
      const body: Record<string, unknown> = { product: { ...(restSpelling(a1) as object), id: a0 } };
      if (a2?.fields !== undefined) body.fields = a2.fields;
      return [preload, { method: 'PATCH', path: `/stores/v3/products/${a0}`, payload: body }];
    }
    default:
      throw new Error(`the model does not know ${call}`);
  }
}
