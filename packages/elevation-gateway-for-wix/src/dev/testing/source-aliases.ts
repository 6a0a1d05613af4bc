// Inside this repository the package's own name resolves to its TypeScript sources (tests, the
// workerd harness, the dev server, the bundle measurements), so that a fixture app imports
// `elevation-gateway-for-wix/wix-cli-app` exactly as a user's app does and still runs the one
// module graph the tests import. The published package resolves the same names to dist/.
import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Longest first: a bundler matches aliases by prefix. */
export const SOURCE_ALIASES: { find: string; replacement: string }[] = [
  { find: 'elevation-gateway-for-wix/astro', replacement: source('adapters/astro.ts') },
  { find: 'elevation-gateway-for-wix/wix-cli-app', replacement: source('adapters/wix-cli-app.ts') },
  { find: 'elevation-gateway-for-wix/wix-cli', replacement: source('adapters/wix-cli.ts') },
  { find: 'elevation-gateway-for-wix/self-hosted', replacement: source('adapters/self-hosted.ts') },
  { find: 'elevation-gateway-for-wix/node', replacement: source('adapters/node.ts') },
  { find: 'elevation-gateway-for-wix/client', replacement: source('client/index.ts') },
  { find: 'elevation-gateway-for-wix', replacement: source('index.ts') },
];

/** The same, as esbuild's `alias` option. */
export const ESBUILD_SOURCE_ALIASES: Record<string, string> = Object.fromEntries(SOURCE_ALIASES.map((a) => [a.find, a.replacement]));
