// Builds the backend as `wix app dev` serves it: Wix's own runtime entry from @wix/cli-app (its
// routing, token handling and elevation exchange), with the shop fixture's `src/backend/api/*/api.ts`
// found by its `import.meta.glob` (the fixture's folder is Vite's root), bundled by Vite for a
// webworker target into one ES module that workerd runs; the fixture's
// `import 'elevation-gateway-for-wix/wix-cli-app'` resolves to the package's sources. The output goes
// to the package's `.tmp/workerd/` (gitignored), which is the modules root workerd is given: it
// refuses script paths that climb out of it.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'vite';
import { APP_ID, DEV_APP_SECRET } from '../../src/dev/emulator/tokens.ts';
import { PACKAGE_ROOT, SHOP_ABSOLUTE } from '../../src/dev/testing/shop.ts';
import { SOURCE_ALIASES } from '../../src/dev/testing/source-aliases.ts';

/** The app whose backend is built: the shop fixture. */
export const PROJECT_ROOT = SHOP_ABSOLUTE.root;
export const OUT_DIR = join(PACKAGE_ROOT, '.tmp/workerd');

export interface WixRuntimeBuild {
  /** The app (Vite's root; its src/backend/api/*\/api.ts are the endpoints); default the shop fixture. */
  root?: string;
  /** Where the worker is written (workerd's modules root); default the package's .tmp/workerd. */
  outDir?: string;
  /**
   * Whether `elevation-gateway-for-wix` resolves to the package's sources (default true). An app that
   * installed the packed package (the end-to-end test) resolves it from its own node_modules instead.
   */
  sources?: boolean;
}

/** Builds the worker; answers the path of the single ES module workerd runs. */
export async function buildWixRuntimeWorker(options: WixRuntimeBuild = {}): Promise<string> {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = options.outDir ?? OUT_DIR;
  // The file is not in the package's exports map: locate the package (a dev dependency of the
  // repository, not of the app), then the file in it.
  const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
  const cliApp = dirname(require.resolve('@wix/cli-app/package.json'));
  const entry = join(cliApp, 'build/cloudflare-runtime/entry.js');
  await mkdir(outDir, { recursive: true });
  // Outside node_modules, so that Vite treats it as source and expands its import.meta.glob.
  const entryCopy = join(outDir, 'wix-runtime-entry.js');
  await copyFile(entry, entryCopy);
  const env = (name: string, value: unknown) => [`import.meta.env.${name}`, JSON.stringify(value)] as const;
  await build({
    root,
    configFile: false,
    logLevel: 'error',
    mode: 'development',
    define: Object.fromEntries([
      env('APP_ID', APP_ID),
      env('APP_SECRET', DEV_APP_SECRET),
      env('PUBLIC_KEY', ''),
      env('SENTRY_DSN', ''),
      env('DEV', true),
      env('MODE', 'development'),
    ]),
    resolve: { alias: options.sources === false ? [] : SOURCE_ALIASES, conditions: ['worker', 'browser', 'import', 'module', 'default'] },
    ssr: {
      target: 'webworker',
      noExternal: true,
      resolve: { conditions: ['worker', 'browser', 'import', 'module', 'default'], externalConditions: ['worker', 'import'] },
    },
    build: {
      ssr: entryCopy,
      outDir: join(outDir, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      rollupOptions: {
        external: [/^node:/],
        output: { format: 'es', entryFileNames: 'worker.js', inlineDynamicImports: true },
      },
    },
  });
  return join(outDir, 'dist', 'worker.js');
}
