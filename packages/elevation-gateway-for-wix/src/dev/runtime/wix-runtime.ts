// The Wix CLI backend runtime, reproduced for tests and the local server: per request, the
// caller's token from the Authorization header, a contextual client that authenticates as the
// caller and an elevated client that authenticates as the app, held in AsyncLocalStorage so that
// concurrent requests never see each other's identity. (Wix's own elevation exchange, token-info
// check plus /oauth2/token, is replaced by the app's dev token: the gateway cannot tell.)
import { AsyncLocalStorage } from 'node:async_hooks';
import { createClient } from '@wix/sdk';

export interface WixRuntimeOptions {
  /** Where the SDK's REST requests go (an emulator's fetch, or a recorder). */
  fetch: typeof fetch;
  /** The app's token, used by the elevated client. */
  appToken: string;
}

export interface WixRuntime {
  /** Runs a handler the way the Wix runtime runs `POST` in `src/backend/api/<name>/api.ts`. */
  serve(request: Request, handler: (request: Request) => Promise<Response>): Promise<Response>;
  /** Runs any function inside a caller's context (for the frontend client's `fetchWithAuth`). */
  runAs<T>(callerToken: string | undefined, fn: () => T): T;
}

interface RequestScope {
  callerToken: string | undefined;
  runtime: WixRuntimeOptions;
}

// The SDK reads one global context, so there is one pair of clients per process; each request's
// scope says which runtime (fetch, app token) and which caller it belongs to. Several runtimes
// (one per test, say) can then serve at the same time without sending calls to each other's Wix.
const scope = new AsyncLocalStorage<RequestScope>();

function current(): RequestScope {
  const s = scope.getStore();
  if (!s) throw new Error('Wix SDK called outside a request of the emulated Wix runtime');
  return s;
}

let installed: { client: unknown; elevatedClient: unknown } | undefined;

function installGlobalContext(): void {
  const g = globalThis as { __wix_context__?: unknown };
  if (installed && g.__wix_context__ === installed) return;
  const headers = (token: string | undefined): Record<string, string> => (token ? { Authorization: token } : {});
  const viaScope = ((input: RequestInfo | URL, init?: RequestInit) => current().runtime.fetch(input, init)) as typeof fetch;
  const contextual = createClient({
    auth: {
      getAuthHeaders: async () => ({ headers: headers(current().callerToken) }),
      getActiveToken: () => current().callerToken,
    } as never,
    fetch: viaScope,
  });
  const elevated = createClient({
    auth: {
      getAuthHeaders: async () => ({ headers: headers(current().runtime.appToken) }),
      getActiveToken: () => current().runtime.appToken,
    } as never,
    fetch: viaScope,
  });
  installed = { client: contextual, elevatedClient: elevated };
  g.__wix_context__ = installed;
}

export function createWixRuntime(options: WixRuntimeOptions): WixRuntime {
  installGlobalContext();
  const runtime = { ...options };
  return {
    serve(request, handler) {
      return scope.run({ callerToken: request.headers.get('authorization') ?? undefined, runtime }, async () => {
        try {
          return await handler(request);
        } catch {
          // What the hosted runtime does with a handler that throws.
          return new Response('Internal Server Error', { status: 500 });
        }
      });
    },
    runAs(token, fn) {
      return scope.run({ callerToken: token, runtime }, fn);
    },
  };
}
