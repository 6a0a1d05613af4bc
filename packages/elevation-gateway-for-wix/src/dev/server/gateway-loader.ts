// Loads the SAME api.ts the Wix CLI serves, through Vite's SSR module loader (as `wix app dev`
// does), with the generated policy module taken from the latest good policy build. Swapping the
// policy, or editing gateway code (the app's src/ or this package's), re-evaluates api.ts and what
// it imports: a fresh gateway. The app imports `elevation-gateway-for-wix/wix-cli-app` by name; in
// this repository the name resolves to the package's sources (SOURCE_ALIASES).
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { verifyPolicyModule, type PolicyModule } from '../../gateway/policy-module.ts';
import { APP_ID } from '../emulator/tokens.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';

export type PostHandler = (request: Request) => Promise<Response>;

export interface GatewayLoader {
  /** api.ts's POST, re-loaded first if gateway code changed since. */
  post(): Promise<PostHandler>;
  /** Serves `moduleText` as src/generated/policy.ts; keeps the previous module if the new one fails to load or verify. */
  usePolicyModule(moduleText: string | undefined): Promise<PolicyModule>;
  close(): Promise<void>;
}

/** Where the app keeps the endpoint and the generated module (as `elevate init` writes them), relative to the app's folder. */
export const API_MODULE = 'src/backend/api/elevate/api.ts';
export const GENERATED_MODULE = 'src/generated/policy.ts';

/** This package's sources: the gateway code the app's api.ts runs. */
const PACKAGE_SRC = fileURLToPath(new URL('../..', import.meta.url));

/** `root`: the app's folder (its src/backend/api/elevate/api.ts and src/generated/policy.ts). */
export async function createGatewayLoader(options: { root: string; onCodeChange?: (file: string) => void }): Promise<GatewayLoader> {
  const apiPath = resolve(options.root, API_MODULE);
  const generatedPath = resolve(options.root, GENERATED_MODULE);
  const codeRoots = [resolve(options.root, 'src') + sep, PACKAGE_SRC.endsWith(sep) ? PACKAGE_SRC : PACKAGE_SRC + sep];
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
    resolve: { alias: SOURCE_ALIASES },
    // What Wix's runtime defines for an app's backend; here, the emulated app's id.
    define: { 'import.meta.env.APP_ID': JSON.stringify(APP_ID) },
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
    const api = (await vite.ssrLoadModule(apiPath)) as { POST?: PostHandler };
    if (typeof api.POST !== 'function') throw new Error(`${API_MODULE} exports no POST handler`);
    post = api.POST;
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
