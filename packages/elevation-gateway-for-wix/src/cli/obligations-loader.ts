// Loads the app's obligation kinds (src/obligations/index.ts, or the project's `obligations`
// setting) before any policy is read, so that `elevate` knows the same kinds as the backend. The
// file is TypeScript and the CLI runs plain JavaScript: esbuild bundles the app's own files into
// one ES module, leaving every package import (`elevation-gateway-for-wix` among them) to Node, so
// the kinds register in the very registry the CLI reads. This runs the app's code, as its build does.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The CLI's own module for a package entry point: dist/ when compiled, the sources under tests. */
function ownEntry(specifier: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const sub = specifier.slice('elevation-gateway-for-wix'.length);
  const path = ENTRIES[sub] ?? '../index';
  return new URL(`${path}${ext}`, import.meta.url).href;
}

/** The package's entry points (package.json "exports"), relative to this file. */
const ENTRIES: Record<string, string> = {
  '': '../index',
  '/client': '../client/index',
  '/wix-cli-app': '../adapters/wix-cli-app',
  '/wix-cli': '../adapters/wix-cli',
  '/astro': '../adapters/astro',
  '/self-hosted': '../adapters/self-hosted',
  '/node': '../adapters/node',
  '/redis': '../stores/redis',
  '/upstash': '../stores/upstash-rest',
  '/secrets': '../stores/cursor-secrets',
};

export async function loadObligationKinds(entry: string, cwd = process.cwd()): Promise<void> {
  const file = resolve(cwd, entry);
  if (!existsSync(file)) return;
  const result = await build({
    entryPoints: [file],
    bundle: true,
    packages: 'external',
    // The package itself is this CLI's own copy, wherever the app installed its own: the kinds must
    // land in the registry this CLI reads (a global or npx CLI, or another version, included).
    plugins: [
      {
        name: 'this-cli',
        setup(b) {
          b.onResolve({ filter: /^elevation-gateway-for-wix(\/(wix-cli-app|wix-cli|astro|self-hosted|node|client|redis|upstash|secrets))?$/ }, (args) => ({
            path: ownEntry(args.path),
            external: true,
          }));
        },
      },
    ],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    absWorkingDir: cwd,
  });
  const code = result.outputFiles[0]!.text;
  // Next to the project's packages, so that the bundle's package imports resolve as the app's do.
  const dir = join(cwd, 'node_modules', '.cache', 'elevation-gateway-for-wix');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `obligations-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  writeFileSync(out, code);
  await import(pathToFileURL(out).href);
}
