// Loads the SAME endpoint file the app's Wix CLI serves (api.ts, or the APIRoute of the newer
// structures), through Vite's SSR module loader (as `wix app dev` does), with the generated policy
// module taken from the latest good policy build (or the editor's draft). Swapping the policy, or
// editing gateway code (the app's src/ or this package's), re-evaluates the endpoint and what it
// imports: a fresh gateway. The app imports `elevation-gateway-for-wix/…` by name: from its
// node_modules in a user's app; in this repository's tests, from the package's sources (`aliases`).
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { verifyPolicyModule, type PolicyModule } from '../../gateway/policy-module.ts';
import { APP_ID } from '../emulator/tokens.ts';

export type PostHandler = (request: Request) => Promise<Response>;

export interface GatewayLoader {
  /** api.ts's POST, re-loaded first if gateway code changed since. */
  post(): Promise<PostHandler>;
  /** Serves `moduleText` as src/generated/policy.ts; keeps the previous module if the new one fails to load or verify. */
  usePolicyModule(moduleText: string | undefined): Promise<PolicyModule>;
  close(): Promise<void>;
}

export interface GatewayLoaderOptions {
  /** The app's folder (Vite's root). */
  root: string;
  /** The endpoint file, relative to the app's folder (as the app's structure has it). */
  endpoint: string;
  /** `request`: `POST(request)` (the legacy Wix CLI's api.ts); `route-context`: an APIRoute, `POST({ request })`. */
  handler: 'request' | 'route-context';
  /** The generated policy module, relative to the app's folder. */
  generated: string;
  /** Module names resolved elsewhere (this repository's tests: the package's own name to its sources). */
  aliases?: { find: string; replacement: string }[];
  onCodeChange?: (file: string) => void;
}

/** This package's code: the gateway the app's endpoint runs (its sources in this repository, dist/ once installed). */
const PACKAGE_CODE = fileURLToPath(new URL('../..', import.meta.url));

export async function createGatewayLoader(options: GatewayLoaderOptions): Promise<GatewayLoader> {
  const apiPath = resolve(options.root, options.endpoint);
  const generatedPath = resolve(options.root, options.generated);
  const codeRoots = [resolve(options.root, 'src') + sep, PACKAGE_CODE.endsWith(sep) ? PACKAGE_CODE : PACKAGE_CODE + sep];
  let moduleText: string | undefined; // undefined: the committed file
  let post: PostHandler | undefined;
  let stale = true;

  const policyOverride: Plugin = {
    name: 'elevate-dev-policy',
    enforce: 'pre',
    load(id) {
      return id.split('?')[0] === generatedPath && moduleText !== undefined ? moduleText : null;
    },
  };

  const vite: ViteDevServer = await createServer({
    root: options.root,
    configFile: false,
    logLevel: 'silent',
    clearScreen: false,
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, watch: { ignored: ['**/policies/**', '**/node_modules/**', '**/.git/**', '**/docs/**'] } },
    optimizeDeps: { noDiscovery: true, include: [] },
    resolve: { alias: options.aliases ?? [] },
    // What Wix's runtime defines for an app's backend (APP_ID; WIX_CLIENT_ID in the newer structures); here, the emulated app's id.
    define: { 'import.meta.env.APP_ID': JSON.stringify(APP_ID), 'import.meta.env.WIX_CLIENT_ID': JSON.stringify(APP_ID) },
    plugins: [policyOverride],
  });
  vite.watcher.on('change', (file) => {
    if (!codeRoots.some((root) => file.startsWith(root))) return;
    if (file === generatedPath && moduleText !== undefined) return; // the in-memory build wins
    stale = true;
    options.onCodeChange?.(file);
  });

  async function reload(): Promise<PostHandler> {
    vite.moduleGraph.invalidateAll();
    const api = (await vite.ssrLoadModule(apiPath)) as { POST?: (input: never) => Promise<Response> };
    const handler = api.POST;
    if (typeof handler !== 'function') throw new Error(`${options.endpoint} exports no POST handler`);
    post =
      options.handler === 'request'
        ? (request) => handler(request as never)
        : (request) => handler({ request, url: new URL(request.url), locals: {}, params: {} } as never);
    stale = false;
    return post;
  }

  return {
    async post() {
      return !stale && post ? post : reload();
    },
    async usePolicyModule(text) {
      const previous = moduleText;
      moduleText = text;
      try {
        vite.moduleGraph.invalidateAll();
        const loaded = await verifyPolicyModule(async () => (await vite.ssrLoadModule(generatedPath)) as PolicyModule);
        await reload();
        return loaded;
      } catch (error) {
        moduleText = previous;
        stale = true;
        throw error;
      }
    },
    async close() {
      await vite.close();
    },
  };
}
