// The dev view of one request over real HTTP: the call sent, the explain trace of the policy that
// decided (each condition with the value it met), what reached the emulated Wix (the forced filter
// and the cap in the request the SDK sent), did-you-mean for unknown names only here (the wire
// reply stays uniform), and the roles × calls matrix and argument skeletons of the playground info.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devTokens } from '../emulator/index.ts';
import { startLocalServer, type LocalServer } from './server.ts';
import { SHOP } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';

describe('the dev view of a request', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ project: SHOP.root, aliases: SOURCE_ALIASES, port: 0, quiet: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function send(token: string | undefined, body: unknown): Promise<{ status: number; reply: any; view: any }> {
    const response = await fetch(`${server.url}${server.endpoint}`, {
      method: 'POST',
      headers: token ? { Authorization: token } : {},
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const reply = await response.json();
    const view = await (await fetch(`${server.url}/_dev/decisions/${response.headers.get('x-request-id')}`)).json();
    return { status: response.status, reply, view };
  }

  it('an allowed list: the trace, the forced filter and cap in what reached Wix, and no caller token shown', async () => {
    const { status, view } = await send(devTokens.visitor, { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 80 } }] });
    expect(status).toBe(200);
    expect(view.sent).toEqual({ module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 80 } }] });
    expect(view.trace.considered).toEqual([expect.objectContaining({ rule: 'visitor-browses-catalog', matched: true, heldRoles: ['visitor'] })]);
    expect(view.trace.obligations).toMatchObject({ kind: 'list', cap: 50, filter: { visible: { $eq: true } } });
    expect(view.wix.map((w: any) => `${w.method} ${w.route} ${w.status}`)).toEqual(['POST token-info 200', 'GET queryProducts 200']);
    const query = view.wix[1];
    expect(query.url).toMatch(/^www\.wixapis\.com\/stores\/v3\/products\/query\?/);
    // What the SDK sent on the gateway's behalf: the client's query with the forced filter, and the page size capped.
    expect(query.body.query).toMatchObject({ filter: { visible: { $eq: true } }, cursorPaging: { limit: 50 } });
    expect(query.response.products.every((p: any) => p.visible === true)).toBe(true);
    expect(view.wix[0].body.token).not.toBe(devTokens.visitor);
    expect(JSON.stringify(view)).not.toContain(devTokens.visitor);
  });

  it("a denied read: the resource condition that failed, with the value it met (m-1 asking for m-2's order)", async () => {
    const { status, reply, view } = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-4'] });
    expect(status).toBe(403);
    expect(Object.keys(reply.error).sort()).toEqual(['code', 'message', 'requestId']);
    expect(view.trace.resource.passes).toBe(false);
    expect(view.trace.resource.perRule).toEqual([
      {
        rule: 'member-reads-own-order',
        trace: {
          holds: false,
          parts: [{ path: 'buyerInfo.memberId', operator: '$eq', written: '${caller.id}', expected: 'm-1', actual: 'm-2', missing: false, holds: false }],
        },
      },
    ]);
    expect(view.wix.map((w: any) => `${w.method} ${w.url} ${w.status}`)).toContain('GET www.wixapis.com/ecom/v1/orders/o-4?id=o-4 200');
  });

  it("a refused write: the preloaded object's condition that failed (m-1 cancelling m-2's order), and nothing written", async () => {
    const { status, view } = await send(devTokens.members['m-1'], {
      module: 'ecom.orders',
      method: 'cancelOrder',
      args: ['o-4', { sendOrderCanceledEmail: false }],
    });
    expect(status).toBe(403);
    expect(view.obligations).toEqual([{ type: 'preload', call: 'ecom.orders.getOrder', passed: false }]);
    const failed = view.trace.resource.perRule.flatMap((r: any) => r.trace.parts).filter((p: any) => !p.holds);
    expect(failed).toContainEqual(expect.objectContaining({ path: 'buyerInfo.memberId', expected: 'm-1', actual: 'm-2' }));
    expect(view.wix.map((w: any) => `${w.method} ${w.route}`)).not.toContain('POST cancelOrder');
  });

  it('a denial by default: every rule naming the call, with the roles the caller lacks', async () => {
    const { status, view } = await send(devTokens.visitor, { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
    expect(status).toBe(403);
    expect(view.reason).toBe('no rule grants this call');
    expect(view.trace.considered).toEqual([expect.objectContaining({ rule: 'member-reads-own-order', heldRoles: [], matched: false })]);
    // Nothing but token-info reached Wix (and not even that when the identity cache knew the token).
    expect(view.wix.filter((w: any) => w.route !== 'token-info')).toEqual([]);
    expect(view.didYouMean).toBeUndefined();
  });

  it('did-you-mean for a typo, in the dev view only: the reply is the same as for any unknown call', async () => {
    const typo = await send(devTokens.visitor, { module: 'Ecom.Orders', method: 'getOrdr', args: ['o-1'] });
    const other = await send(devTokens.visitor, { module: 'nothing.here', method: 'atAll', args: [] });
    expect(typo.status).toBe(403);
    expect(other.status).toBe(403);
    expect(typo.reply.error.code).toBe(other.reply.error.code);
    expect(typo.reply.error.message).toBe(other.reply.error.message);
    expect(typo.view.didYouMean).toEqual({ module: 'ecom.orders', method: 'getOrder', call: 'ecom.orders.getOrder' });
    const method = await send(devTokens.visitor, { module: 'ecom.orders', method: 'getOrdr', args: ['o-1'] });
    expect(method.view.didYouMean).toMatchObject({ method: 'getOrder', call: 'ecom.orders.getOrder' });
    expect(other.view.didYouMean).toBeUndefined();
  });

  it('a body that is not JSON is shown as sent, and gets no trace', async () => {
    const { status, view } = await send(devTokens.visitor, '{"module": ');
    expect(status).toBe(400);
    expect(view.sent).toEqual({ raw: '{"module": ' });
    expect(view.trace).toBeUndefined();
  });

  it('the playground info: the roles × calls matrix and arguments for every call the policy names', async () => {
    const info = (await (await fetch(`${server.url}/_dev/playground`)).json()) as any;
    expect(info.endpoint).toBe('/functions/elevate');
    const subjects = info.matrix.columns.map((c: any) => c.subjectType);
    const cell = (call: string, subject: string) => info.matrix.rows.find((r: any) => r.call === call).cells[subjects.indexOf(subject)];
    expect(cell('ecom.orders.getOrder', 'MEMBER')).toEqual({ verdict: 'conditional', rules: ['member-reads-own-order'], deniedWhen: [] });
    expect(cell('ecom.orders.getOrder', 'VISITOR').verdict).toBe('never');
    expect(cell('stores.productsV3.queryProducts', 'MEMBER').verdict).toBe('conditional'); // members hold visitor: visible only
    expect(info.matrix.columns.find((c: any) => c.subjectType === 'MEMBER').roles).toEqual(['member', 'visitor']);
    for (const call of info.calls.allCalls) expect(Array.isArray(info.examples.visitor[call]), call).toBe(true);
  });
});
