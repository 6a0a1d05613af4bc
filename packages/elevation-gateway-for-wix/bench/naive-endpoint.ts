// The naive endpoint of the cold-start comparison: the same own-order read as the careful one (careful-endpoint.ts),
// but importing whole SDK namespaces (`orders`, `productsV3`), as most code samples do. A namespace
// object keeps every one of its methods alive in the bundle.
import { auth } from '@wix/essentials';
import { orders } from '@wix/ecom';
import { productsV3 } from '@wix/stores';

const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';
const ID = /^[A-Za-z0-9-]{1,64}$/;

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

export async function POST(req: Request): Promise<Response> {
  const token = req.headers.get('authorization');
  if (!token) return reply(401, { error: 'UNAUTHENTICATED' });
  let body: { module?: unknown; method?: unknown; args?: unknown };
  try {
    body = await req.json();
  } catch {
    return reply(400, { error: 'INVALID_REQUEST' });
  }
  const id = Array.isArray(body?.args) && body.args.length === 1 ? body.args[0] : undefined;
  if (typeof id !== 'string' || !ID.test(id)) return reply(400, { error: 'INVALID_REQUEST' });
  const info = await fetch(TOKEN_INFO_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  if (info.status !== 200) return reply(401, { error: 'UNAUTHENTICATED' });
  const caller = (await info.json()) as { active?: boolean; subjectType?: string; subjectId?: string };
  if (caller.active !== true) return reply(401, { error: 'UNAUTHENTICATED' });
  try {
    if (body.module === 'ecom.orders' && body.method === 'getOrder' && caller.subjectType === 'MEMBER') {
      const order = await auth.elevate(orders.getOrder)(id);
      return order?.buyerInfo?.memberId === caller.subjectId ? reply(200, { result: order }) : reply(403, { error: 'FORBIDDEN' });
    }
    if (body.module === 'stores.productsV3' && body.method === 'getProduct') {
      const product = await auth.elevate(productsV3.getProduct)(id);
      return product?.visible === true ? reply(200, { result: product }) : reply(403, { error: 'FORBIDDEN' });
    }
  } catch {
    return reply(403, { error: 'FORBIDDEN' });
  }
  return reply(403, { error: 'FORBIDDEN' });
}
