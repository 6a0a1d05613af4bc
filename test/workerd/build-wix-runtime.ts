// Builds the backend as `wix app dev` serves it: Wix's own runtime entry from @wix/cli-app (its
// routing, token handling and elevation exchange), with this project's `src/backend/api/*/api.ts`
// found by its `import.meta.glob`, bundled by Vite for a webworker target into one ES module that
// workerd runs. The output goes to `.tmp/workerd/` (gitignored), inside the project, because
// workerd refuses script paths that climb out of it.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { APP_ID, DEV_APP_SECRET } from '../../src/dev/emulator/tokens';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const OUT_DIR = join(PROJECT_ROOT, '.tmp/workerd');

/** Builds the worker; answers the path of the single ES module workerd runs. */
export async function buildWixRuntimeWorker(outDir = OUT_DIR): Promise<string> {
  // The file is not in the package's exports map: locate the package, then the file in it.
  const require = createRequire(join(PROJECT_ROOT, 'package.json'));
  const cliApp = dirname(require.resolve('@wix/cli-app/package.json'));
  const entry = join(cliApp, 'build/cloudflare-runtime/entry.js');
  await mkdir(outDir, { recursive: true });
  // Outside node_modules, so that Vite treats it as source and expands its import.meta.glob.
  const entryCopy = join(outDir, 'wix-runtime-entry.js');
  await copyFile(entry, entryCopy);
  const env = (name: string, value: unknown) => [`import.meta.env.${name}`, JSON.stringify(value)] as const;
  await build({
    root: PROJECT_ROOT,
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
    resolve: { conditions: ['worker', 'browser', 'import', 'module', 'default'] },
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
