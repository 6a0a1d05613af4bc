// The local server over real HTTP on loopback: the same requests the printed `curl` makes, the
// dev-only decision route, and policy reloads from a copy of the shop fixture's policies/ in a temp
// folder (the app served is the shop fixture, the default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { devTokens } from '../emulator/index.ts';
import { startLocalServer, type LocalServer } from './server.ts';
import { OWN_ORDER_RULE as ORDER_RULE, SHOP, copyShopPolicies } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';
import { eventually } from '../testing/eventually.ts';

const APP = { project: SHOP.root, aliases: SOURCE_ALIASES };

describe('startLocalServer', () => {
  let server: LocalServer;
  let dir: string;
  let policyFile: string;
  let original: string;

  beforeAll(async () => {
    ({ dir, file: policyFile, original } = copyShopPolicies('elevate-policies-'));
    expect(original).toMatch(ORDER_RULE);
    server = await startLocalServer({ ...APP, port: 0, quiet: true, policiesDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (token: string | undefined, body: unknown) =>
    fetch(`${server.url}/functions/elevate`, {
      method: 'POST',
      headers: token ? { Authorization: token } : {},
      body: JSON.stringify(body),
    });
  const getOrder = (token: string | undefined, id: string) => call(token, { module: 'ecom.orders', method: 'getOrder', args: [id] });
  const playground = async () => (await fetch(`${server.url}/_dev/playground`)).json() as Promise<any>;
  const until = (check: () => Promise<boolean>, what: string) => eventually(check, what, 15_000);

  it('listens on loopback', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers the printed curl: a member's own order is 200", async () => {
    const response = await getOrder(devTokens.members['m-1'], 'o-1');
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.result).toMatchObject({ _id: 'o-1', buyerInfo: { memberId: 'm-1' } });
    // Not Wix's `*`: the dev tokens are public, so no other site's page may call the endpoint with them.
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const foreign = await fetch(`${server.url}/functions/elevate`, {
      method: 'POST',
      headers: { Authorization: devTokens.members['m-1']!, Origin: 'http://evil.example' },
      body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
    });
    expect(foreign.status).toBe(403);
  });

  it("refuses another member's order with 403, and a call without a token with 401 UNAUTHENTICATED", async () => {
    const other = await getOrder(devTokens.members['m-1'], 'o-4');
    expect(other.status).toBe(403);
    expect(((await other.json()) as any).error.code).toBe('FORBIDDEN');
    const anonymous = await getOrder(undefined, 'o-1');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as any).error.code).toBe('UNAUTHENTICATED');
  });

  it('keeps each decision for the playground under /_dev/decisions/<requestId>, never in the reply', async () => {
    const response = await getOrder(devTokens.members['m-1'], 'o-4');
    const requestId = response.headers.get('x-request-id')!;
    const reply = (await response.json()) as any;
    expect(Object.keys(reply.error).sort()).toEqual(['code', 'message', 'requestId']);
    const decision = (await (await fetch(`${server.url}/_dev/decisions/${requestId}`)).json()) as any;
    expect(decision).toMatchObject({
      requestId,
      decision: 'deny',
      status: 403,
      rule: 'member-reads-own-order',
      reason: 'resource conditions do not hold',
      caller: { subjectType: 'MEMBER', id: 'm-1' },
      call: 'ecom.orders.getOrder',
      described: ['resource check failed'],
    });
    expect(JSON.stringify(decision)).not.toContain(devTokens.members['m-1']);
    const visitor = await getOrder(devTokens.visitor, 'o-1');
    const denied = (await (await fetch(`${server.url}/_dev/decisions/${visitor.headers.get('x-request-id')}`)).json()) as any;
    expect(denied).toMatchObject({ decision: 'deny', reason: 'no rule grants this call' });
    expect(denied.rule).toBeUndefined();
    expect((await fetch(`${server.url}/_dev/decisions/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/_dev/decisions/not-an-id`)).status).toBe(404);
  });

  it('serves the playground page and what it offers each identity', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('aria-live="polite"');
    const info = await playground();
    expect(info.calls.permitted.VISITOR.map((c: any) => c.call)).toEqual(['stores.productsV3.getProduct', 'stores.productsV3.queryProducts']);
    expect(info.calls.permitted.USER.map((c: any) => c.call)).toEqual(['ecom.orders.searchOrders']);
    expect(info.calls.permitted.MEMBER.map((c: any) => c.call)).toContain('ecom.orders.cancelOrder');
    expect(info.examples['m-2']['ecom.orders.getOrder']).toEqual(['o-4']);
    expect(info.policy.errors).toEqual([]);
  });

  it('answers only POST and OPTIONS on the endpoint, and 404 elsewhere', async () => {
    expect((await fetch(`${server.url}/functions/elevate`)).status).toBe(405);
    expect((await fetch(`${server.url}/functions/elevate`, { method: 'OPTIONS' })).status).toBe(204);
    expect((await fetch(`${server.url}/functions/other`)).status).toBe(404);
  });

  it('reloads the policy when a file in the policy folder changes', async () => {
    const before = (await playground()).policy.digest;
    writeFileSync(policyFile, original.replace(ORDER_RULE, '\n'));
    await until(async () => (await playground()).policy.digest !== before, 'the reload');
    expect((await getOrder(devTokens.members['m-1'], 'o-1')).status).toBe(403);
    expect((await playground()).calls.permitted.MEMBER.map((c: any) => c.call)).not.toContain('ecom.orders.getOrder');
  });

  it('keeps serving the last good policy when a change does not build, and reports why', async () => {
    const good = (await playground()).policy.digest;
    writeFileSync(policyFile, original.replace('allow: ecom.orders.getOrder', 'allow: ecom.orders.getOrdr'));
    await until(async () => (await playground()).policy.errors.length > 0, 'the build errors');
    const info = await playground();
    expect(info.policy.digest).toBe(good);
    expect(info.policy.errors.join('\n')).toMatch(/getOrdr/);
    expect((await getOrder(devTokens.members['m-1'], 'o-1')).status).toBe(403); // still the previous policy
    writeFileSync(policyFile, original);
    await until(async () => (await playground()).policy.errors.length === 0 && (await playground()).policy.digest !== good, 'the fixed policy');
    expect((await getOrder(devTokens.members['m-1'], 'o-1')).status).toBe(200);
  });

  it('refuses a busy port with a clear error', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startLocalServer({ ...APP, port, quiet: true, policiesDir: dir })).rejects.toThrow(/already in use.*--port/);
  });
});

describe('startLocalServer: close()', () => {
  it('stops answering and can be called twice', async () => {
    const server = await startLocalServer({ ...APP, port: 0, quiet: true });
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    await server.close();
    await server.close();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });
});

describe('startLocalServer: project', () => {
  it('serves the app folder it is given (its policies/ and api.ts), and refuses one that does not exist', async () => {
    await expect(startLocalServer({ ...APP, port: 0, quiet: true, project: 'no-such-app' })).rejects.toThrow(/the app folder .*no-such-app does not exist/);
    const server = await startLocalServer({ ...APP, port: 0, quiet: true });
    try {
      const info = (await (await fetch(`${server.url}/_dev/playground`)).json()) as any;
      expect(info.policy).toMatchObject({ dir: SHOP.policies, errors: [] });
      const response = await fetch(`${server.url}/functions/elevate`, {
        method: 'POST',
        headers: { Authorization: devTokens.members['m-1']! },
        body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
      });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
