// The Astro integration's registration, without a build (test/astro/astro.test.ts builds and runs
// a real @wix/astro app): a 'pre' middleware file that exists, refused when listed after wix().
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { elevationGateway, elevationRoute } from './astro.ts';

function setup(names: string[], integration = elevationGateway()) {
  const middlewares: { entrypoint: string | URL; order: 'pre' | 'post' }[] = [];
  const updates: unknown[] = [];
  const hook = integration.hooks['astro:config:setup']!;
  hook({
    config: { integrations: names.map((name) => (name === integration.name ? integration : { name, hooks: {} })) },
    addMiddleware: (m: { entrypoint: string | URL; order: 'pre' | 'post' }) => middlewares.push(m),
    updateConfig: (u: unknown) => updates.push(u),
  } as never);
  return { middlewares, updates };
}

describe('elevationGateway()', () => {
  it("registers astro-middleware as a 'pre' middleware, from a file beside the integration", () => {
    const { middlewares } = setup(['elevation-gateway-for-wix', '@wix/astro']);
    expect(middlewares).toHaveLength(1);
    expect(middlewares[0]!.order).toBe('pre');
    const file = fileURLToPath(middlewares[0]!.entrypoint);
    expect(file).toMatch(/astro-middleware\.ts$/);
    expect(existsSync(file)).toBe(true);
  });

  it('refuses to be listed after wix(): its middleware would run after the one that elevates', () => {
    expect(() => setup(['@wix/astro', '@wix/astro/auth', 'elevation-gateway-for-wix'])).toThrow(/list elevationGateway\(\) before wix\(\)/);
  });

  it('gives the middleware its route through a virtual module', async () => {
    const { updates } = setup(['elevation-gateway-for-wix'], elevationGateway({ route: '/api/gateway' }));
    const plugin = (updates[0] as { vite: { plugins: { resolveId(id: string): string | undefined; load(id: string): string | undefined }[] } }).vite
      .plugins[0]!;
    const id = plugin.resolveId('virtual:elevation-gateway-for-wix/astro-route')!;
    expect(plugin.load(id)).toBe('export const route = "/api/gateway";');
    expect(plugin.resolveId('./elsewhere')).toBeUndefined();
  });

  it('fails the build when no server-rendered endpoint is served at its route: the guard would guard nothing', () => {
    const resolved = elevationGateway().hooks['astro:routes:resolved']!;
    const run = (routes: object[]) => resolved({ routes, logger: {} } as never);
    expect(() => run([{ pattern: '/api/gateway', type: 'endpoint', isPrerendered: false, entrypoint: 'src/pages/api/gateway.ts' }])).toThrow(
      /no endpoint is served at \/api\/elevate/,
    );
    expect(() => run([{ pattern: '/api/elevate', type: 'page', isPrerendered: false, entrypoint: 'src/pages/api/elevate.astro' }])).toThrow(/no endpoint/);
    expect(() => run([{ pattern: '/api/elevate', type: 'endpoint', isPrerendered: true, entrypoint: 'src/pages/api/elevate.ts' }])).toThrow(
      /prerender = false/,
    );
    expect(() => run([{ pattern: '/api/elevate', type: 'endpoint', isPrerendered: false, entrypoint: 'src/pages/api/elevate.ts' }])).not.toThrow();
  });

  it('refuses a route that is not a plain path', () => {
    for (const route of ['api/elevate', '/api/elevate/', '/api/*', '/', '/api/"x']) expect(() => elevationGateway({ route }), route).toThrow(TypeError);
  });
});

describe('elevationRoute()', () => {
  it('refuses to start without an app id, like the core', () => {
    expect(() => elevationRoute({ appId: '', policy: () => Promise.reject(new Error('unused')) })).toThrow(/appId is required/);
  });
});
