// The Astro-based Wix CLI adapter (`@wix/astro`). `elevationRoute` is the app's
// `src/pages/api/elevate.ts` POST: the core answers the request, `auth.elevate` runs inside
// @wix/astro's context. `elevationGateway()` is the integration that guards that route: its 'pre'
// middleware (astro-middleware.ts) answers the gateway's 401/503 before @wix/astro's own middleware
// can elevate for the request (a framework 500 for a bad token, an anonymous grant for none).
// Astro runs 'pre' middlewares in the order of `integrations`, so it must be listed before `wix()`.
import type { APIRoute, AstroIntegration } from 'astro';
import { createGateway, type GatewayOptions } from '../gateway/gateway.ts';
import { astroIdentityCache } from './astro-identity.ts';

/** The core's options; the identity cache is shared with the integration's middleware unless given. */
export type AstroElevationRouteOptions = GatewayOptions;

/** The gateway as an Astro endpoint: `export const POST = elevationRoute({ appId, policy })`. */
export function elevationRoute(options: AstroElevationRouteOptions): APIRoute {
  const gateway = createGateway({ identityCache: astroIdentityCache, ...options });
  return ({ request }) => gateway.handle(request);
}

export interface ElevationGatewayOptions {
  /** The path the endpoint is served at (default `/api/elevate`, i.e. `src/pages/api/elevate.ts`). */
  route?: string;
}

export const INTEGRATION_NAME = 'elevation-gateway-for-wix';
const WIX_INTEGRATION_NAME = '@wix/astro';
/** What the middleware imports its route from (declared in astro-virtual.d.ts). */
const ROUTE_MODULE_ID = 'virtual:elevation-gateway-for-wix/astro-route';

/** `integrations: [elevationGateway(), wix()]`: refuses to run when listed after `wix()`. */
export function elevationGateway(options: ElevationGatewayOptions = {}): AstroIntegration {
  const route = options.route ?? '/api/elevate';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(route)) throw new TypeError(`elevationGateway: route must be a path such as /api/elevate (got ${JSON.stringify(route)})`);
  // From sources (tests, the repository) the middleware is a .ts file beside this one; from dist, .js.
  const middleware = new URL(`./astro-middleware${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  return {
    name: INTEGRATION_NAME,
    hooks: {
      'astro:config:setup'({ config, addMiddleware, updateConfig }) {
        const names = config.integrations.map((i) => i.name);
        const wix = names.indexOf(WIX_INTEGRATION_NAME);
        if (wix !== -1 && wix < names.indexOf(INTEGRATION_NAME)) {
          throw new Error(
            `${INTEGRATION_NAME}: list elevationGateway() before wix() in astro.config's integrations: Astro runs 'pre' middlewares in that order, and @wix/astro's elevates for every request before the gateway could refuse it.`,
          );
        }
        const code = `export const route = ${JSON.stringify(route)};`;
        updateConfig({
          vite: {
            plugins: [
              {
                name: INTEGRATION_NAME,
                resolveId: (id: string) => (id === ROUTE_MODULE_ID ? `\0${ROUTE_MODULE_ID}` : undefined),
                load: (id: string) => (id === `\0${ROUTE_MODULE_ID}` ? code : undefined),
              },
            ],
          },
        });
        addMiddleware({ entrypoint: middleware, order: 'pre' });
      },
      // The guard protects the route it is given: an endpoint served elsewhere would be unguarded.
      'astro:routes:resolved'({ routes }) {
        const endpoint = routes.find((r) => r.pattern === route);
        if (!endpoint || endpoint.type !== 'endpoint') {
          throw new Error(
            `${INTEGRATION_NAME}: no endpoint is served at ${route}: put the gateway's endpoint at src/pages${route}.ts, or give elevationGateway({ route }) the route it is served at`,
          );
        }
        if (endpoint.isPrerendered) throw new Error(`${INTEGRATION_NAME}: ${endpoint.entrypoint} is prerendered: add \`export const prerender = false\``);
      },
    },
  };
}
