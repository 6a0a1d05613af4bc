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

interface RequestScope { callerToken: string | undefined }

export function createWixRuntime(options: WixRuntimeOptions): WixRuntime {
  const scope = new AsyncLocalStorage<RequestScope>();
  const callerToken = () => scope.getStore()?.callerToken;
  const headers = (token: string | undefined): Record<string, string> => (token ? { Authorization: token } : {});

  const contextual = createClient({
    auth: {
      getAuthHeaders: async () => ({ headers: headers(callerToken()) }),
      getActiveToken: () => callerToken(),
    } as never,
    fetch: options.fetch,
  });
  const elevated = createClient({
    auth: {
      getAuthHeaders: async () => ({ headers: headers(options.appToken) }),
      getActiveToken: () => options.appToken,
    } as never,
    fetch: options.fetch,
  });
  (globalThis as { __wix_context__?: unknown }).__wix_context__ = { client: contextual, elevatedClient: elevated };

  return {
    serve(request, handler) {
      return scope.run({ callerToken: request.headers.get('authorization') ?? undefined }, async () => {
        try {
          return await handler(request);
        } catch {
          // What the hosted runtime does with a handler that throws.
          return new Response('Internal Server Error', { status: 500 });
        }
      });
    },
    runAs(token, fn) {
      return scope.run({ callerToken: token }, fn);
    },
  };
}
