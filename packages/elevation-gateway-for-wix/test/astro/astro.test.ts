// The Astro-based Wix CLI adapter, proven behind @wix/astro's own middleware: the fixture app
// (test/astro/app: @wix/astro on @astrojs/node, `integrations: [elevationGateway(), wix()]`) is
// built with Astro's `build()`, and the built server runs in this process. msw plays every Wix
// host: www.wixapis.com is the emulator, any other Wix host a harmless fake, anything else fails
// the run. Then the gateway's contract suite, and what only this runtime does.
import { build } from 'astro';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, devTokens, wixHandlers } from '../../src/dev/emulator/index.ts';
import {
  createContractWix,
  describeContract,
  FOREIGN_APP_TOKEN,
  type ContractReply,
  type ContractWix,
  readReply,
} from '../../src/dev/testing/contract-suite.ts';
import { PACKAGE_ROOT } from '../../src/dev/testing/shop.ts';
import { SOURCE_ALIASES } from '../../src/dev/testing/source-aliases.ts';

const APP_ROOT = join(PACKAGE_ROOT, 'test/astro/app');
const OUT_DIR = join(PACKAGE_ROOT, '.tmp/astro-app');
/** Wix's hosts other than www.wixapis.com (site scripts, telemetry, static files …). */
const OTHER_WIX_HOST = /^https?:\/\/([a-z0-9-]+\.)*(wix|wixapis|wixstatic|wixsite|wixpress|parastorage|wixmp|wix-code)\.com(:\d+)?\//;
const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d+\//;
/** @wix/astro's monitoring: OpenTelemetry spans of requests that passed its middleware, sent in batches. */
const TELEMETRY = /^https:\/\/www\.wixapis\.com\/otel-collector\//;

let wix: ContractWix;
let server: Server;
let origin = '';
/** What left this process other than the test's own requests to the Astro server. */
const outbound: { url: string; to: 'emulator' | 'telemetry' | 'fake' | 'unhandled' }[] = [];
/** What left for Wix because of a request, not for a batch of spans of earlier ones. */
const sent = () => outbound.filter((o) => o.to !== 'telemetry');

const mswServer = setupServer(
  http.post(TELEMETRY, () => new HttpResponse(null, { status: 200 })),
  ...wixHandlers({ handle: (request) => wix.emulator.handle(request) }),
  http.all(LOOPBACK, () => passthrough()),
  http.all(OTHER_WIX_HOST, () => HttpResponse.json({})),
);
mswServer.events.on('request:start', ({ request }) => {
  if (LOOPBACK.test(request.url)) return;
  const to = TELEMETRY.test(request.url)
    ? 'telemetry'
    : new URL(request.url).host === 'www.wixapis.com'
      ? 'emulator'
      : OTHER_WIX_HOST.test(request.url)
        ? 'fake'
        : 'unhandled';
  outbound.push({ url: request.url, to });
});
mswServer.events.on('request:unhandled', ({ request }) => outbound.push({ url: request.url, to: 'unhandled' }));

beforeAll(async () => {
  wix = createContractWix();
  // Astro's own usage report would leave for telemetry.astro.build (and fail the run).
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  // Before the build: @wix/astro's integration may already ask Wix for something.
  mswServer.listen({ onUnhandledRequest: 'error' });
  await build({
    root: APP_ROOT,
    outDir: OUT_DIR,
    logLevel: 'error',
    // The app imports `elevation-gateway-for-wix/astro` by name; inside this repository it is the sources.
    vite: { resolve: { alias: SOURCE_ALIASES }, cacheDir: join(PACKAGE_ROOT, '.tmp/astro-vite-cache') },
  });
  removeBuildLeftovers();
  // The app's secrets, read at run time (WIX_CLIENT_ID came from the app's .env at build time).
  process.env.WIX_CLIENT_SECRET = DEV_APP_SECRET;
  process.env.WIX_CLIENT_INSTANCE_ID = INSTANCE_ID;
  process.env.WIX_CLIENT_PUBLIC_KEY = 'not-used-by-token-elevation';
  const entry = await import(pathToFileURL(join(OUT_DIR, 'server/entry.mjs')).href);
  server = createServer((req, res) =>
    entry.handler(req, res, () => {
      res.statusCode = 404;
      res.end('no such route');
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterEach(() => {
  expect(outbound.filter((o) => o.to === 'unhandled')).toEqual([]);
});

afterAll(async () => {
  server?.close();
  mswServer.close();
  removeBuildLeftovers();
});

/** Astro and @wix/astro write into the app's folder (types, Wix metadata, Vite caches): the fixture stays as committed. */
function removeBuildLeftovers(): void {
  for (const dir of ['.astro', '.wix', 'node_modules']) rmSync(join(APP_ROOT, dir), { recursive: true, force: true });
}

async function post(path: string, headers: Record<string, string>, body: string): Promise<ContractReply & { headers: Headers }> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', headers, body });
  return readReply(response);
}

const json = (token?: string): Record<string, string> => ({ 'content-type': 'application/json', ...(token ? { authorization: token } : {}) });
const QUERY = JSON.stringify({ module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 5 } }] });

describeContract('the Astro-based Wix CLI adapter, behind @wix/astro on Node', () => ({
  wix,
  post: (token, body) => post('/api/elevate', json(token), typeof body === 'string' ? body : JSON.stringify(body)),
}));

describe('the Astro adapter behind @wix/astro', () => {
  const routes = () => wix.emulator.requests.map((r) => r.route);
  const fresh = () => {
    wix.emulator.reset();
    outbound.length = 0;
  };

  it("answers a foreign-app token and an invalid one with the gateway's 401 (where @wix/astro alone answers 500)", async () => {
    for (const token of [FOREIGN_APP_TOKEN, 'not-a-wix-token']) {
      fresh();
      const reply = await post('/api/elevate', json(token), QUERY);
      expect(reply.status, reply.text).toBe(401);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.body.error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
      // At most the middleware's token-info (the refusal may be cached): @wix/astro never elevated for it.
      expect(routes().filter((r) => r !== 'token-info')).toEqual([]);

      // The control endpoint, off the gateway's route: @wix/astro's middleware elevates first and fails.
      fresh();
      const control = await post('/api/unguarded', json(token), '{}');
      expect(control.status).toBe(500);
      expect(control.text).not.toContain('reached the handler');
    }
  });

  it('answers no token with 401 and never asks Wix for anything: no anonymous grant, no REST call', async () => {
    for (const path of ['/api/elevate', '/api/elevate/']) {
      fresh();
      const reply = await post(path, json(), QUERY);
      expect(reply.status, `${path}: ${reply.text}`).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
      expect(sent()).toEqual([]);
    }
    // Off the route, @wix/astro asks for anonymous visitor tokens for the same request.
    fresh();
    await post('/api/unguarded', json(), '{}');
    expect(wix.emulator.requests.some((r) => r.route === 'token' && JSON.stringify(r.body).includes('anonymous'))).toBe(true);
  });

  it('answers a request carrying only the wixSession cookie with 401: the cookie is not a caller', async () => {
    fresh();
    const session = {
      clientId: APP_ID,
      tokens: {
        accessToken: { value: devTokens.members['m-1'], expiresAt: Math.floor(Date.now() / 1000) + 3600 },
        refreshToken: { value: 'r', role: 'visitor' },
      },
    };
    const reply = await post('/api/elevate', { ...json(), cookie: `wixSession=${encodeURIComponent(JSON.stringify(session))}` }, QUERY);
    expect(reply.status, reply.text).toBe(401);
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    expect(sent()).toEqual([]);
  });

  it("answers a caller it knows from its cache with the gateway's 503 while token-info is down (not @wix/astro's 500)", async () => {
    fresh();
    expect((await post('/api/elevate', json(devTokens.members['m-2']), QUERY)).status).toBe(200);
    wix.faults.tokenInfoDown = true;
    try {
      fresh();
      const reply = await post('/api/elevate', json(devTokens.members['m-2']), QUERY);
      expect(reply.status, reply.text).toBe(503);
      expect(reply.body.error.code).toBe('IDENTITY_UNAVAILABLE');
      expect(routes().filter((r) => r !== 'token-info' && r !== 'token')).toEqual([]);
    } finally {
      wix.faults.tokenInfoDown = false;
    }
  });

  // (A PUT or DELETE without a content type meets Astro's checkOrigin first: its plain 403.)
  it("answers GET and OPTIONS on the gateway's route with the gateway's 400 before @wix/astro elevates", async () => {
    for (const method of ['GET', 'OPTIONS']) {
      fresh();
      const response = await fetch(`${origin}/api/elevate`, { method, headers: { authorization: devTokens.visitor } });
      expect(response.status, method).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
      expect(routes(), method).toEqual([]);
    }
  });

  it('asks token-info once for the gateway (the middleware and the endpoint share the answer) and once for @wix/astro', async () => {
    fresh();
    // A token no case before used, so no cached answer.
    const reply = await post('/api/elevate', json(devTokens.members['m-3']), QUERY);
    expect(reply.status, reply.text).toBe(200);
    const requests = wix.emulator.requests;
    expect(requests.filter((r) => r.route === 'token-info')).toHaveLength(2);
    expect(requests.filter((r) => r.route === 'token' && (r.body as { grant_type?: string }).grant_type === 'client_credentials')).toHaveLength(1);
    expect(routes().filter((r) => r !== 'token-info' && r !== 'token')).toEqual(['queryProducts']);
    expect(sent().every((o) => o.to === 'emulator')).toBe(true);
  });

  it("refuses a cross-site text/plain POST with Astro's checkOrigin 403 (plain text, not the gateway's), before anything reaches Wix", async () => {
    fresh();
    const crossSite = { 'content-type': 'text/plain', origin: 'https://attacker.example', authorization: devTokens.members['m-1'] };
    const reply = await post('/api/elevate', crossSite, QUERY);
    expect(reply.status).toBe(403);
    expect(reply.text).toBe('Cross-site POST form submissions are forbidden');
    expect(sent()).toEqual([]);
    // A cross-site JSON POST is not a form: checkOrigin lets it through to the gateway (no CORS
    // headers are added, so a browser's preflight fails; a script outside a browser is a caller like any).
    fresh();
    const jsonCrossSite = await post('/api/elevate', { ...crossSite, 'content-type': 'application/json' }, QUERY);
    expect(jsonCrossSite.status, jsonCrossSite.text).toBe(200);
    expect(jsonCrossSite.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('points Astro at the compiled middleware when the integration runs from dist/ (as `npm pack` ships it)', async () => {
    const { elevationGateway } = await import(pathToFileURL(join(PACKAGE_ROOT, 'dist/adapters/astro.js')).href);
    let entrypoint: URL | undefined;
    const integration = elevationGateway();
    integration.hooks['astro:config:setup']({
      config: { integrations: [integration] },
      addMiddleware: (m: { entrypoint: URL }) => (entrypoint = m.entrypoint),
      updateConfig: () => {},
    });
    expect(entrypoint!.pathname).toBe(join(PACKAGE_ROOT, 'dist/adapters/astro-middleware.js'));
    expect(existsSync(entrypoint!)).toBe(true);
  });

  it('refuses to build when elevationGateway() is listed after wix()', async () => {
    await expect(
      build({
        root: APP_ROOT,
        configFile: 'astro.reversed.config.mjs',
        outDir: join(PACKAGE_ROOT, '.tmp/astro-app-reversed'),
        logLevel: 'silent',
        vite: { resolve: { alias: SOURCE_ALIASES } },
      }),
    ).rejects.toThrow(/list elevationGateway\(\) before wix\(\)/);
  }, 60_000);
});
