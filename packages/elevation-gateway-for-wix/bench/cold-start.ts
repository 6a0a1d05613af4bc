// Item 5: bundle size and cold start. api.ts is bundled as Wix would ship it; so is the naive
// endpoint that imports whole SDK namespaces. Cold start is the time from spawning a fresh `node`
// to the first answered request, for a bundle of cold-start/entry.ts around each endpoint (the
// emulator and the runtime stand-in are the same in all, so the difference is the endpoint). A
// third endpoint that answers without doing anything measures that shared part: the floor.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { median } from './measure.ts';
import type { Figure } from './report.ts';
import { APP_ID } from '../src/dev/emulator/tokens.ts';
import { SHOP } from '../src/dev/testing/shop.ts';
import { ESBUILD_SOURCE_ALIASES } from '../src/dev/testing/source-aliases.ts';

export const ENDPOINTS = {
  gateway: SHOP.api,
  naive: 'bench/naive-endpoint.ts',
  floor: 'bench/cold-start/floor-endpoint.ts',
};

/** The flags of the Wix-style bundle (workerd: neutral platform, ESM, node:async_hooks external). */
async function wixBundle(entry: string) {
  return build({
    entryPoints: [entry],
    // The package's own name, as the fixture app imports it, resolves to its sources.
    alias: ESBUILD_SOURCE_ALIASES,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    external: ['node:async_hooks'],
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
}

export async function wixBundleBytes(entry: string): Promise<number> {
  return (await wixBundle(entry)).outputFiles[0]!.contents.byteLength;
}

export type BundlePart = 'sdkMethods' | 'wixRuntime' | 'casl' | 'zod' | 'argumentSchemas' | 'policyRules' | 'gateway' | 'other';

/**
 * The bundle by part, from esbuild's metafile (bytes each input contributes to the output): the
 * SDK methods the policy names (their `@wix/auto_sdk_*` packages), the rest of Wix's SDK
 * (`@wix/sdk`, `@wix/essentials`, …), CASL, zod, the compiled policy split into its argument
 * schemas (measured as their minified JSON) and the rules, and the gateway's own code.
 */
export async function wixBundleParts(entry: string): Promise<Record<BundlePart, number>> {
  const result = await wixBundle(entry);
  const output = Object.values(result.metafile!.outputs)[0]!;
  const parts: Record<BundlePart, number> = { sdkMethods: 0, wixRuntime: 0, casl: 0, zod: 0, argumentSchemas: 0, policyRules: 0, gateway: 0, other: 0 };
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const part: BundlePart = /node_modules\/@wix\/auto_sdk_/.test(file)
      ? 'sdkMethods'
      : /node_modules\/@wix\//.test(file)
        ? 'wixRuntime'
        : /node_modules\/@(casl|ucast)\//.test(file)
          ? 'casl'
          : /node_modules\/zod\//.test(file)
            ? 'zod'
            : file.startsWith(SHOP.generated)
              ? 'policyRules'
              : /^src\//.test(file)
                ? 'gateway'
                : 'other';
    parts[part] += bytesInOutput;
  }
  const { policy } = await import('../test/fixtures/shop/src/generated/policy.ts');
  const schemas = JSON.stringify(Object.values(policy.methods).map((m) => m.signature)).length;
  parts.argumentSchemas = Math.min(schemas, parts.policyRules);
  parts.policyRules -= parts.argumentSchemas;
  return parts;
}

export async function bundleEntry(endpoint: string, outfile: string, minify = true): Promise<void> {
  const plugin: Plugin = {
    name: 'cold-start-endpoint',
    setup(b) {
      b.onResolve({ filter: /^cold-start:endpoint$/ }, () => ({ path: resolve(endpoint) }));
    },
  };
  await build({
    entryPoints: ['bench/cold-start/entry.ts'],
    outfile,
    alias: ESBUILD_SOURCE_ALIASES,
    bundle: true,
    minify,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    plugins: [plugin],
    logLevel: 'silent',
    define: { 'import.meta.env.APP_ID': JSON.stringify(APP_ID) },
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
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${file} did not answer within 30 s`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('answered 200')) {
        clearTimeout(timer);
        resolvePromise(performance.now() - started);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('answered 200')) reject(new Error(`${file} exited ${code} without answering 200: ${out}${err}`.slice(0, 2000)));
    });
  });
}

const PART_LABELS: Record<BundlePart, string> = {
  sdkMethods: 'the SDK methods the policy names (@wix/auto_sdk_*)',
  wixRuntime: "the rest of Wix's SDK (@wix/sdk, @wix/essentials, …)",
  casl: 'CASL',
  zod: 'zod/mini',
  argumentSchemas: 'argument schemas (in the compiled policy)',
  policyRules: 'compiled policy without its schemas',
  gateway: "the gateway's own code",
  other: 'other',
};

export async function coldStart(options: { quick: boolean }): Promise<Figure[]> {
  const bundleKb = (await wixBundleBytes(ENDPOINTS.gateway)) / 1024;
  const parts = await wixBundleParts(ENDPOINTS.gateway);
  const naiveKb = (await wixBundleBytes(ENDPOINTS.naive)) / 1024;
  const dir = await mkdtemp(join(tmpdir(), 'elevate-cold-start-'));
  try {
    const order = ['gateway', 'naive', 'floor'] as const;
    const files = Object.fromEntries(order.map((which) => [which, join(dir, `${which}.mjs`)])) as Record<(typeof order)[number], string>;
    for (const which of order) await bundleEntry(ENDPOINTS[which], files[which]);
    const runs = options.quick ? 1 : 11;
    const times: Record<(typeof order)[number], number[]> = { gateway: [], naive: [], floor: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate, so the OS's file cache and CPU frequency favour none.
      for (const which of i % 2 ? [...order].reverse() : order) times[which].push(await timeToAnswer(files[which]));
    }
    const gatewayMs = median(times.gateway);
    const naiveMs = median(times.naive);
    const floorMs = median(times.floor);
    const ratio = gatewayMs / naiveMs;
    return [
      { key: 'bundle_kb', label: 'api.ts bundle (shop fixture policy), minified', value: bundleKb, unit: 'KB', goal: '≤ 176', met: bundleKb <= 176 },
      ...(Object.keys(parts) as BundlePart[]).map((part): Figure => ({
        key: `bundle_${part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_kb`,
        label: `  of which ${PART_LABELS[part]}`,
        value: parts[part] / 1024,
        unit: 'KB',
      })),
      { key: 'naive_bundle_kb', label: 'naive endpoint bundle (orders + productsV3 namespaces)', value: naiveKb, unit: 'KB' },
      { key: 'cold_start_ms', label: 'cold start to first answer, gateway, median', value: gatewayMs, unit: 'ms' },
      { key: 'naive_cold_start_ms', label: 'cold start to first answer, naive endpoint, median', value: naiveMs, unit: 'ms' },
      { key: 'cold_start_over_naive', label: 'cold start, gateway ÷ naive endpoint', value: ratio, unit: '×', goal: '≤ 0.9', met: ratio <= 0.9 },
      { key: 'floor_cold_start_ms', label: 'cold start to first answer, an endpoint that does nothing (the floor), median', value: floorMs, unit: 'ms' },
      {
        key: 'floor_cold_start_over_naive',
        label: 'cold start, the do-nothing endpoint ÷ naive endpoint (the lowest any endpoint can reach here)',
        value: floorMs / naiveMs,
        unit: '×',
      },
      {
        key: 'cold_start_own_over_naive_own',
        label: "cold start above the floor, gateway ÷ naive endpoint (each endpoint's own share)",
        value: (gatewayMs - floorMs) / (naiveMs - floorMs),
        unit: '×',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
