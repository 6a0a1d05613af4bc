// Builds the worker of the workerd benchmark (../workerd-request.ts): the shop fixture copied into a
// scratch folder under the package's .tmp/ (gitignored), with two more endpoints beside its shipped
// `elevate` one — `careful` (careful-api.ts: the careful hand-written endpoint) and `probe`
// (probe-api.ts: what workerd offers node:crypto, and the floor of a round trip) — each an api.ts
// that re-exports the file here, then bundled as `wix app dev` serves it by the workerd harness's
// build (test/workerd/build-wix-runtime.ts: Wix's runtime entry, its import.meta.glob over the
// copy's src/backend/api/*/api.ts). The copy keeps the fixture itself untouched.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT, SHOP_ABSOLUTE } from '../../src/dev/testing/shop.ts';
import { buildWixRuntimeWorker } from '../../test/workerd/build-wix-runtime.ts';

/** The endpoints added to the copy, each re-exporting a file in this folder. */
const EXTRA_ENDPOINTS = { careful: 'careful-api.ts', probe: 'probe-api.ts' } as const;

export interface BenchWorker {
  /** The single ES module workerd runs. */
  scriptPath: string;
  /** Workerd's modules root (it refuses script paths that climb out of it). */
  modulesRoot: string;
  /** Removes the scratch folder. */
  cleanup(): Promise<void>;
}

export async function buildBenchWorker(): Promise<BenchWorker> {
  const parent = join(PACKAGE_ROOT, '.tmp/bench-workerd');
  await mkdir(parent, { recursive: true });
  const scratch = await mkdtemp(join(parent, 'run-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  try {
    const app = join(scratch, 'app');
    for (const part of ['package.json', 'wix.config.json', 'src']) await cp(join(SHOP_ABSOLUTE.root, part), join(app, part), { recursive: true });
    for (const [name, file] of Object.entries(EXTRA_ENDPOINTS)) {
      const api = join(app, 'src/backend/api', name, 'api.ts');
      await mkdir(dirname(api), { recursive: true });
      const target = relative(dirname(api), fileURLToPath(new URL(file, import.meta.url)));
      await writeFile(api, `export { POST } from '${target}';\n`);
    }
    const modulesRoot = join(scratch, 'worker');
    const scriptPath = await buildWixRuntimeWorker({ root: app, outDir: modulesRoot });
    return { scriptPath, modulesRoot, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
