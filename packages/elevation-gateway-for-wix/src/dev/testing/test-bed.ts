// A gateway wired as in production, but with Wix emulated at the HTTP boundary: the real SDK, the
// real CASL, the real policy module; only www.wixapis.com is fake, and every request to it is
// recorded.
import { createGateway, type GatewayOptions } from '../../gateway/gateway.ts';
import { memorySink } from '../../gateway/decision-log.ts';
import type { PolicyModule } from '../../gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens, type WixEmulator, type WixEmulatorOptions } from '../emulator/index.ts';
import { createWixRuntime } from '../runtime/wix-runtime.ts';
import * as generated from '../../../test/fixtures/shop/src/generated/policy.ts';

export interface TestBedOptions {
  policy?: PolicyModule | (() => Promise<PolicyModule>);
  emulator?: WixEmulatorOptions;
  /** An emulated Wix to share with another test bed (two isolates of one app, one Wix); `emulator` is then ignored. */
  wix?: WixEmulator;
  gateway?: Partial<GatewayOptions>;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export function createTestBed(options: TestBedOptions = {}) {
  const emulator = options.wix ?? createWixEmulator(options.emulator);
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const log = memorySink();
  const policy = options.policy ?? (generated as PolicyModule);
  const gateway = createGateway({
    appId: APP_ID,
    policy: typeof policy === 'function' ? policy : async () => policy,
    fetch: emulator.fetch,
    decisionLog: log,
    ...options.gateway,
  });

  /** Sends a body as the caller holding `token` (undefined: no Authorization header). */
  async function send(token: string | undefined, body: unknown, init: { contentType?: string; raw?: boolean } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
    if (token !== undefined) headers.authorization = token;
    const request = new Request('https://app.example/functions/elevate', {
      method: 'POST',
      headers,
      body: init.raw ? (body as string) : JSON.stringify(body),
    });
    const response = await runtime.serve(request, gateway.handle);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  const call = (token: string | undefined, module: string, method: string, args: unknown[] = []) => send(token, { module, method, args });

  return {
    emulator,
    runtime,
    log,
    gateway,
    send,
    call,
    tokens: devTokens,
    /** Requests that reached Wix's REST APIs (token-info and token exchange left out). */
    upstream: () => emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token'),
    tokenInfoRequests: () => emulator.requests.filter((r) => r.route === 'token-info'),
  };
}
