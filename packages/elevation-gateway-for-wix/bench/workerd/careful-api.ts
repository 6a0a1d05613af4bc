// The careful hand-written endpoint (../careful-endpoint.ts) as a Wix CLI for Apps api.ts, served
// by Wix's runtime entry next to the shop's shipped endpoint in the worker of the workerd benchmark
// (../workerd-request.ts): `/functions/careful`. Token-info goes through workerd's global fetch,
// which Miniflare's outboundService hands to the emulator.
//
// The endpoint is made on the first request, not when the module loads: createCarefulEndpoint draws
// its cursor key with randomBytes, and workerd refuses random values in global scope ("Disallowed
// operation called within global scope") — the single-module bundle evaluates every api.ts when the
// worker starts, so a module-level call would keep the worker from starting at all.
import { createCarefulEndpoint } from '../careful-endpoint.ts';

let endpoint: ((request: Request) => Promise<Response>) | undefined;

export async function POST(req: Request): Promise<Response> {
  endpoint ??= createCarefulEndpoint({ appId: import.meta.env.APP_ID });
  return endpoint(req);
}
