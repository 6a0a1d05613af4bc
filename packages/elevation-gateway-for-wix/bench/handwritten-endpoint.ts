// The baseline: what a careful developer would write by hand for one elevated call, a member reading
// one of their own orders. Same identity lookup as the gateway (token-info through the same fetch),
// a hard-coded equivalent of the rule `member-reads-own-order`, the same per-method SDK import.
import { auth } from '@wix/essentials';
import { getOrder } from '@wix/auto_sdk_ecom_orders';

const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';
const ORDER_ID = /^[A-Za-z0-9-]{1,64}$/;

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

export function createHandwrittenEndpoint(options: { fetch?: typeof fetch } = {}) {
  return async function POST(req: Request): Promise<Response> {
    const token = req.headers.get('authorization');
    if (!token) return reply(401, { error: 'UNAUTHENTICATED' });
    let body: { module?: unknown; method?: unknown; args?: unknown };
    try {
      body = await req.json();
    } catch {
      return reply(400, { error: 'INVALID_REQUEST' });
    }
    if (
      body === null ||
      typeof body !== 'object' ||
      body.module !== 'ecom.orders' ||
      body.method !== 'getOrder' ||
      !Array.isArray(body.args) ||
      body.args.length !== 1
    )
      return reply(400, { error: 'INVALID_REQUEST' });
    const id = body.args[0];
    if (typeof id !== 'string' || !ORDER_ID.test(id)) return reply(400, { error: 'INVALID_REQUEST' });

    const info = await (options.fetch ?? fetch)(TOKEN_INFO_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (info.status !== 200) return reply(401, { error: 'UNAUTHENTICATED' });
    const caller = (await info.json()) as { active?: boolean; subjectType?: string; subjectId?: string };
    if (caller.active !== true || caller.subjectType !== 'MEMBER' || !caller.subjectId) return reply(403, { error: 'FORBIDDEN' });

    try {
      const order = await auth.elevate(getOrder)(id);
      if (order?.buyerInfo?.memberId !== caller.subjectId) return reply(403, { error: 'FORBIDDEN' });
      return reply(200, { result: order });
    } catch {
      return reply(403, { error: 'FORBIDDEN' });
    }
  };
}
