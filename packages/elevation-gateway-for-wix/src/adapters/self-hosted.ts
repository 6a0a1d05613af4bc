// A self-hosted backend (Hono, Workers, Bun, Deno; Node through node.ts): the core behind a
// web-standard `fetch` handler, elevating with the app's own credentials for the caller's verified
// app instance, token-info answers cached, cross-origin calls held to an allow-list.
import { createGateway, type GatewayOptions } from '../gateway/gateway.ts';
import { createIdentityCache } from '../gateway/identity-cache.ts';
import { appStrategyElevation, type AppStrategyElevationOptions } from './app-strategy-elevation.ts';
import { withCors, type CorsOptions } from './cors.ts';

export interface SelfHostedGatewayOptions extends Omit<GatewayOptions, 'elevation'> {
  /** The app's secret key, from the environment (`process.env.WIX_APP_SECRET`, a Worker's secret binding). */
  appSecret: string;
  /** Most app instances whose client and token are kept at once (default 1000). */
  maxInstances?: AppStrategyElevationOptions['maxInstances'];
  /** Browser origins allowed to call (default: the backend's own origin only). */
  cors?: CorsOptions;
}

export interface SelfHostedGateway {
  /** `export default gateway` (Workers, Bun), `Deno.serve(gateway.fetch)`, `app.post('/elevate', (c) => gateway.fetch(c.req.raw))` (Hono). */
  fetch(request: Request): Promise<Response>;
}

/** `selfHostedGateway({ appId, appSecret: process.env.WIX_APP_SECRET ?? '', policy: () => import('./generated/policy.ts') })` */
export function selfHostedGateway(options: SelfHostedGatewayOptions): SelfHostedGateway {
  const { appSecret, maxInstances, cors, ...core } = options;
  const elevation = appStrategyElevation({ appId: core.appId, appSecret, maxInstances, fetch: core.fetch });
  const gateway = createGateway({ identityCache: createIdentityCache(), ...core, elevation });
  return { fetch: withCors((request) => gateway.handle(request), cors) };
}

export { appStrategyElevation, type AppStrategyElevationOptions } from './app-strategy-elevation.ts';
export { withCors, type CorsOptions } from './cors.ts';
