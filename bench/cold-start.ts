// Item 5: bundle size and cold start. api.ts is bundled as Wix would ship it; so is the naive
// endpoint that imports whole SDK namespaces. Cold start is the time from spawning a fresh `node`
// to the first answered request, for a bundle of cold-start/entry.ts around each endpoint (the
// emulator and the runtime stand-in are the same in both, so the difference is the endpoint).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { median } from './measure';
import type { Figure } from './report';

export const ENDPOINTS = {
  gateway: 'src/backend/api/elevate/api.ts',
  naive: 'bench/naive-endpoint.ts',
};

/** The flags of the Wix-style bundle (workerd: neutral platform, ESM, node:async_hooks external). */
export async function wixBundleBytes(entry: string): Promise<number> {
  const result = await build({
    entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'neutral',
    mainFields: ['module', 'main'], conditions: ['import'], external: ['node:async_hooks'],
    write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents.byteLength;
}

async function bundleEntry(endpoint: string, outfile: string): Promise<void> {
  const plugin: Plugin = {
    name: 'cold-start-endpoint',
    setup(b) { b.onResolve({ filter: /^cold-start:endpoint$/ }, () => ({ path: resolve(endpoint) })); },
  };
  await build({
    entryPoints: ['bench/cold-start/entry.ts'], outfile, bundle: true, minify: true, format: 'esm', platform: 'node',
    mainFields: ['module', 'main'], conditions: ['import'], plugins: [plugin], logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

/** ms from spawn to the child's "answered 200". */
function timeToAnswer(file: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${file} did not answer within 30 s`)); }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('answered 200')) { clearTimeout(timer); resolvePromise(performance.now() - started); }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('answered 200')) reject(new Error(`${file} exited ${code} without answering 200: ${out}${err}`.slice(0, 2000)));
    });
  });
}

export async function coldStart(options: { quick: boolean }): Promise<Figure[]> {
  const bundleKb = (await wixBundleBytes(ENDPOINTS.gateway)) / 1024;
  const naiveKb = (await wixBundleBytes(ENDPOINTS.naive)) / 1024;
  const dir = await mkdtemp(join(tmpdir(), 'elevate-cold-start-'));
  try {
    const files = { gateway: join(dir, 'gateway.mjs'), naive: join(dir, 'naive.mjs') };
    await bundleEntry(ENDPOINTS.gateway, files.gateway);
    await bundleEntry(ENDPOINTS.naive, files.naive);
    const runs = options.quick ? 1 : 11;
    const times: Record<'gateway' | 'naive', number[]> = { gateway: [], naive: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate, so the OS's file cache and CPU frequency favour neither.
      for (const which of i % 2 ? (['naive', 'gateway'] as const) : (['gateway', 'naive'] as const)) {
        times[which].push(await timeToAnswer(files[which]));
      }
    }
    const gatewayMs = median(times.gateway);
    const naiveMs = median(times.naive);
    const ratio = gatewayMs / naiveMs;
    return [
      { key: 'bundle_kb', label: 'api.ts bundle (example policy), minified', value: bundleKb, unit: 'KB', goal: '≤ 150', met: bundleKb <= 150 },
      { key: 'naive_bundle_kb', label: 'naive endpoint bundle (orders + productsV3 namespaces)', value: naiveKb, unit: 'KB' },
      { key: 'cold_start_ms', label: 'cold start to first answer, gateway, median', value: gatewayMs, unit: 'ms' },
      { key: 'naive_cold_start_ms', label: 'cold start to first answer, naive endpoint, median', value: naiveMs, unit: 'ms' },
      { key: 'cold_start_over_naive', label: 'cold start, gateway ÷ naive endpoint', value: ratio, unit: '×', goal: '≤ 1', met: ratio <= 1 },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
