// The legacy Wix CLI for Apps adapter. The app's `src/backend/api/<name>/api.ts` exports the `POST`
// this returns; Wix's runtime serves it at `/functions/<name>` in the caller's context (their token
// in `Authorization`), and `auth.elevate` runs SDK functions as the app. Nothing else happens here:
// the core answers the request.
import { createGateway, type GatewayOptions } from '../gateway/gateway.ts';
import { createIdentityCache } from '../gateway/identity-cache.ts';

/** The core's options (the adapter adds an identity cache unless `identityCache` is given). */
export type WixCliAppEndpointOptions = GatewayOptions;

export interface WixCliAppEndpoint {
  /** The handler Wix's runtime calls: `export async function POST(req) { return endpoint.POST(req); }`. */
  POST(request: Request): Promise<Response>;
}

/**
 * The gateway as a Wix CLI for Apps endpoint. `appId` is the app's id (`import.meta.env.APP_ID`,
 * which Wix's runtime defines for the backend); token-info answers are cached (≤ 60 s, never past
 * a token's expiry) unless `identityCache` says otherwise.
 */
export function elevationEndpoint(options: WixCliAppEndpointOptions): WixCliAppEndpoint {
  const gateway = createGateway({ identityCache: createIdentityCache(), ...options });
  return { POST: (request) => gateway.handle(request) };
}
