// The gateway's contract, as one suite every runtime adapter runs in its own runtime: allow, deny,
// no token / an invalid one / another app's (401, and never an elevated call), token-info down (503),
// a foreign object and a missing one alike, a forced filter, a preload before a write, request
// limits. The adapter under test serves the shop fixture's policy; Wix is the emulator, and every
// case looks at what reached it. Test support only.
import { describe, expect, it } from 'vitest';
import { bareToken, createWixEmulator, devTokens, type RecordedRequest, type WixEmulator } from '../emulator/index.ts';

/** Issued for another app: token-info answers it, the gateway must refuse it. */
export const FOREIGN_APP_TOKEN = 'dev-foreign-app-member-token-7c1d9e3b5a2f';

export interface ContractWix {
  emulator: WixEmulator;
  /** While true, token-info answers 500 (Wix's identity service down). */
  faults: { tokenInfoDown: boolean };
}

/** The emulated Wix the suite needs: the dev tokens, another app's token, a switch for token-info. */
export function createContractWix(): ContractWix {
  const faults = { tokenInfoDown: false };
  const emulator = createWixEmulator({
    tokens: { [FOREIGN_APP_TOKEN]: { subjectType: 'MEMBER', subjectId: 'm-1', clientId: '11111111-2222-4333-8444-555555555555' } },
    fault: (route) => (route === 'token-info' && faults.tokenInfoDown ? 'error500' : undefined),
  });
  return { emulator, faults };
}

export interface ContractReply {
  status: number;
  text: string;
  body: any;
}

/** A reply as the suite reads it: its body parsed when it is JSON (undefined otherwise), its text kept. */
export async function readReply(response: Response): Promise<ContractReply & { headers: Headers }> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body, headers: response.headers };
}

export interface AdapterUnderTest {
  wix: ContractWix;
  /** POSTs a body (an object as JSON, a string as it is) to the adapter's endpoint, as the caller holding `token`. */
  post(token: string | undefined, body: unknown): Promise<ContractReply>;
}

const BUSINESS = new Set(['token-info', 'token']);
const rest = (wix: ContractWix): RecordedRequest[] => wix.emulator.requests.filter((r) => !BUSINESS.has(r.route));

/**
 * Registers the contract cases for one adapter. `setup` runs once (in a beforeAll of the caller's
 * choosing: the returned getter is read inside each case).
 */
export function describeContract(name: string, adapter: () => AdapterUnderTest): void {
  describe(`the gateway's contract through ${name}`, () => {
    const send = async (token: string | undefined, body: unknown) => {
      const a = adapter();
      a.wix.emulator.reset();
      return a.post(token, body);
    };
    const wix = () => adapter().wix;

    it('allows a granted call: visible products only, without merchant data, fetched with the app token', async () => {
      const reply = await send(devTokens.visitor, { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 5 } }] });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.result.products).toHaveLength(5);
      expect(reply.body.result.products.every((p: { visible: boolean }) => p.visible)).toBe(true);
      expect(reply.text).not.toMatch(/costRange|revenueDetails/);
      expect(rest(wix()).map((r) => r.route)).toEqual(['queryProducts']);
      expect(bareToken(rest(wix())[0]!.authorization)).toBe(devTokens.app);
    });

    it('denies a call no rule grants (403) and nothing of it reaches Wix', async () => {
      const reply = await send(devTokens.visitor, { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
      expect(rest(wix())).toHaveLength(0);
    });

    it('answers 401 to no token, an invalid token and a token of another app, and never elevates', async () => {
      const body = { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 5 } }] };
      for (const token of [undefined, 'not-a-wix-token', FOREIGN_APP_TOKEN]) {
        const reply = await send(token, body);
        expect(reply.status, `${token}: ${reply.text}`).toBe(401);
        expect(reply.body.error.code).toBe('UNAUTHENTICATED');
        expect(rest(wix()), String(token)).toHaveLength(0);
        expect(
          wix().emulator.requests.filter((r) => r.route === 'token'),
          String(token),
        ).toHaveLength(0);
      }
    });

    it("answers 503 while Wix's token-info is down, and never elevates", async () => {
      const w = wix();
      w.faults.tokenInfoDown = true;
      try {
        const reply = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
        expect(reply.status, reply.text).toBe(503);
        expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
        expect(rest(w)).toHaveLength(0);
      } finally {
        w.faults.tokenInfoDown = false;
      }
    });

    it("refuses another member's order and a missing one alike", async () => {
      const foreign = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-4'] });
      const missing = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'getOrder', args: ['o-999'] });
      expect(foreign.status).toBe(403);
      expect(missing.status).toBe(403);
      const { requestId: _a, ...f } = foreign.body.error;
      const { requestId: _b, ...m } = missing.body.error;
      expect(f).toEqual(m);
      expect(foreign.text).not.toContain('m-2');
    });

    it("forces the caller's own filter on a search, and returns own orders only", async () => {
      const reply = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 100 } }] });
      expect(reply.status, reply.text).toBe(200);
      const orders = reply.body.result.orders as { buyerInfo: { memberId: string } }[];
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.every((o) => o.buyerInfo.memberId === 'm-1')).toBe(true);
      const search = rest(wix()).find((r) => r.route === 'searchOrders')!;
      expect(JSON.stringify(search.body)).toContain('"buyerInfo.memberId"');
      expect(JSON.stringify(search.body)).toContain('"m-1"');
      expect(JSON.stringify(search.body)).toContain('"limit":50');
    });

    it("preloads the target of a write and refuses another member's order before the write reaches Wix", async () => {
      const reply = await send(devTokens.members['m-1'], { module: 'ecom.orders', method: 'cancelOrder', args: ['o-4', { sendOrderCanceledEmail: false }] });
      expect(reply.status, reply.text).toBe(403);
      expect(rest(wix()).map((r) => r.route)).toEqual(['getOrder']);
    });

    it('refuses a body over the limit (413) before asking Wix anything', async () => {
      const reply = await send(devTokens.visitor, JSON.stringify({ module: 'stores.productsV3', method: 'queryProducts', args: ['x'.repeat(70_000)] }));
      expect(reply.status, reply.text.slice(0, 200)).toBe(413);
      expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(rest(wix())).toHaveLength(0);
    });
  });
}
