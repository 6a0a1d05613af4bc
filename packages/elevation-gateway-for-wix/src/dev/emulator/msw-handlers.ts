/**
 * msw 2 request handlers that route every request to https://www.wixapis.com/* into an emulator, so a Node
 * process (vitest, a dev server) can intercept the *global* fetch — which is what `auth.getTokenInfo()`, the
 * AppStrategy's `/oauth2/token` exchange and Wix's runtime use:
 *
 *   import { setupServer } from 'msw/node';
 *   const emulator = createWixEmulator();
 *   const server = setupServer(...wixHandlers(emulator));
 *   server.listen({ onUnhandledRequest: 'error' });
 *
 * Only `msw` (not `msw/node`) is imported here, so this module stays free of Node built-ins.
 */
import { http, type HttpHandler } from 'msw';
import { WIX_API_HOST, type WixEmulator } from './wix-emulator.ts';

export function wixHandlers(emulator: Pick<WixEmulator, 'handle'>): HttpHandler[] {
  return [http.all(`https://${WIX_API_HOST}/*`, ({ request }) => emulator.handle(request))];
}
