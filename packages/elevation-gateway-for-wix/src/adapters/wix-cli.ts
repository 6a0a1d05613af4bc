// The current Wix CLI (`@wix/custom-extensions`): an endpoint file `src/endpoints/<name>.ts` (or
// `src/<apiDir>/<name>.ts` when `app()` in src/extensions.ts names an apiDir), served at `/<name>`
// under `import.meta.env.WIX_SERVER_BASE_PATH`, exports `POST: APIRoute` (the type from
// `@wix/custom-extensions/types`): a function of a context that holds the web `Request`. Wix's runtime
// runs it in the caller's context, so `auth.elevate` elevates as in the other Wix-hosted runtimes.
// Written to that documented shape; `@wix/custom-extensions` itself is not on the registry here.
import { createGateway, type GatewayOptions } from '../gateway/gateway.ts';
import { createIdentityCache } from '../gateway/identity-cache.ts';

/** What an `APIRoute` receives, as far as the gateway reads it. */
export interface RouteContext {
  request: Request;
}

/** `export const POST = elevationRoute({ appId, policy })` in the app's endpoint file. */
export function elevationRoute(options: GatewayOptions): (context: RouteContext) => Promise<Response> {
  const gateway = createGateway({ identityCache: createIdentityCache(), ...options });
  return ({ request }) => gateway.handle(request);
}
