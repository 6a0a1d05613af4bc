// The three structures a Wix app's backend comes in, as `elevate init` recognises them from the
// app's own package.json (a package installed only transitively does not count), and what each
// needs: where its endpoint file lives and how it exports the handler, and how its frontends
// address that endpoint (the URL recipe the client is given).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_NAME } from '../policy/generate.ts';
import { declaredPackages } from './project-config.ts';

export interface AppStructure {
  title: string;
  /** The endpoint file init writes. */
  endpoint: string;
  /** Where the runtime serves it. */
  servedAt: string;
  /** How `elevate dev` serves it: its path on the local server, and whether `POST` takes the Request or an APIRoute context `{ request }`. */
  local: { path: string; handler: 'request' | 'route-context' };
  endpointText(generatedImport: string, obligationsImport: string): string;
  /** The frontend module that holds the app's client, with this structure's URL recipe. */
  clientFile: string;
  clientText(generatedImport: string): string;
  /** What init cannot do for the app (say, a line in astro.config). */
  notes(): string[];
}

/** A string literal for the generated TypeScript: a path from the settings is data, never code. */
const quote = (spec: string) => `'${JSON.stringify(spec).slice(1, -1).replace(/'/g, "\\'")}'`;

const HEADER = (servedAt: string) =>
  `// The elevation gateway's endpoint (written by \`elevate init\`), served at ${servedAt}. The runtime hands
// it the request in the caller's context; the gateway decides from the verified token and the policy
// compiled by \`elevate build\`.`;

const CLIENT = (
  recipe: string,
  generatedImport: string,
  comment: string,
) => `// The app's elevated calls from its frontends (written by \`elevate init\`): \`elevate.api.<package>.<namespace>.<method>(...)\`
// or \`elevate.call('<module>.<method>', ...)\`, typed by the policy. ${comment}
import { createElevateClient } from '${PACKAGE_NAME}/client';
import type { PermittedCalls } from ${quote(generatedImport)};

export const elevate = createElevateClient<PermittedCalls>({ ${recipe} });
`;

const legacy: AppStructure = {
  title: 'The legacy Wix CLI for Apps',
  endpoint: 'src/backend/api/elevate/api.ts',
  servedAt: '`${import.meta.env.BASE_API_URL}/elevate` (/functions/elevate)',
  local: { path: '/functions/elevate', handler: 'request' },
  endpointText: (generated, obligations) => `${HEADER('`${import.meta.env.BASE_API_URL}/elevate`')}
import { elevationEndpoint } from '${PACKAGE_NAME}/wix-cli-app';
// The app's obligation kinds, registered before the policy that uses them is loaded.
import ${quote(obligations)};

const endpoint = elevationEndpoint({
  // Defined by Wix's runtime for the app's backend: a token issued for another app is refused.
  appId: import.meta.env.APP_ID,
  policy: () => import(${quote(generated)}),
});

export async function POST(req: Request): Promise<Response> {
  return endpoint.POST(req);
}
`,
  clientFile: 'src/elevate-client.ts',
  clientText: (generated) => CLIENT('baseUrl: import.meta.env.BASE_API_URL', generated, 'The Wix CLI defines BASE_API_URL for frontends.'),
  notes: () => [],
};

const astro: AppStructure = {
  title: 'The Astro-based Wix CLI',
  endpoint: 'src/pages/api/elevate.ts',
  servedAt: '/api/elevate',
  local: { path: '/api/elevate', handler: 'route-context' },
  endpointText: (generated, obligations) => `${HEADER('/api/elevate')}
import { elevationRoute } from '${PACKAGE_NAME}/astro';
// The app's obligation kinds, registered before the policy that uses them is loaded.
import ${quote(obligations)};

// Server-rendered on every request: the gateway decides per caller.
export const prerender = false;

export const POST = elevationRoute({
  // The app's id (the Wix CLI's .env): a token issued for another app is refused.
  appId: import.meta.env.WIX_CLIENT_ID,
  policy: () => import(${quote(generated)}),
});
`,
  clientFile: 'src/elevate-client.ts',
  clientText: (generated) =>
    CLIENT("url: new URL('/api/elevate', import.meta.url).href", generated, "Astro serves the endpoint at /api/elevate on the site's own origin."),
  notes: () => {
    const config = ['astro.config.mjs', 'astro.config.ts', 'astro.config.js', 'astro.config.mts'].find((f) => existsSync(f));
    const text = config ? readFileSync(config, 'utf8') : '';
    if (/elevationGateway\s*\(/.test(text)) return [];
    return [
      `add the gateway's integration to ${config ?? 'astro.config.mjs'}, listed BEFORE wix() so that a missing, invalid or foreign token gets the gateway's 401 rather than a framework 500:\n` +
        `  import { elevationGateway } from '${PACKAGE_NAME}/astro';\n  integrations: [elevationGateway(), wix(), …]`,
    ];
  },
};

function currentCli(apiDir: string | undefined): AppStructure {
  const dir = apiDir ?? 'endpoints';
  return {
    title: `The Wix CLI (@wix/custom-extensions${apiDir ? `, apiDir "${apiDir}"` : ''})`,
    endpoint: `src/${dir}/elevate.ts`,
    servedAt: '`${import.meta.env.WIX_SERVER_BASE_PATH}elevate`',
    local: { path: '/elevate', handler: 'route-context' },
    endpointText: (generated, obligations) => `${HEADER('`${import.meta.env.WIX_SERVER_BASE_PATH}elevate`')}
import { elevationRoute } from '${PACKAGE_NAME}/wix-cli';
// The app's obligation kinds, registered before the policy that uses them is loaded.
import ${quote(obligations)};

// An APIRoute (@wix/custom-extensions/types): a function of a context holding the web Request.
export const POST = elevationRoute({
  // The app's id (the Wix CLI's .env): a token issued for another app is refused.
  appId: import.meta.env.WIX_CLIENT_ID,
  policy: () => import(${quote(generated)}),
});
`,
    clientFile: 'src/elevate-client.ts',
    clientText: (generated) =>
      CLIENT(
        "url: `${new URL(import.meta.url).origin}${import.meta.env.WIX_SERVER_BASE_PATH || '/'}elevate`",
        generated,
        "Wix's guidance for this structure: the site's origin, then WIX_SERVER_BASE_PATH.",
      ),
    notes: () => [],
  };
}

/** `app({ apiDir: 'api' })` in src/extensions.ts, read as text (the file is the app's TypeScript). */
function apiDirOf(root: string): string | undefined {
  const file = ['src/extensions.ts', 'src/extensions.js'].map((f) => join(root, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  // Comments are not configuration: a commented-out apiDir must not move the endpoint.
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
  const match = /\bapiDir\s*:\s*(['"`])([A-Za-z0-9_\-/.]+)\1/.exec(code);
  const dir = match?.[2]?.replace(/^\.?\/+|\/+$/g, '');
  // Only a plain folder under src/: never a path that climbs out of it.
  return dir && !dir.split('/').includes('..') ? dir : undefined;
}

export type Detected = { ok: true; structure: AppStructure } | { ok: false; lookedFor: string[] };

/** The structure of the app in `root` (default: the working directory). */
export function detectStructure(root = '.'): Detected {
  if (!existsSync(join(root, 'package.json'))) return { ok: false, lookedFor: ['a package.json in this folder'] };
  const declared = declaredPackages(root);
  if (declared.has('@wix/custom-extensions')) return { ok: true, structure: currentCli(apiDirOf(root)) };
  if (declared.has('@wix/astro')) return { ok: true, structure: astro };
  const api = join(root, 'src/backend/api');
  const hasApi = existsSync(api) && statSync(api).isDirectory();
  if (declared.has('@wix/cli-app') && hasApi) return { ok: true, structure: legacy };
  return {
    ok: false,
    lookedFor: [
      'the Wix CLI: @wix/custom-extensions in package.json',
      'the Astro-based Wix CLI: @wix/astro in package.json',
      `the legacy Wix CLI for Apps: @wix/cli-app in package.json${declared.has('@wix/cli-app') ? ' (found)' : ''} and a src/backend/api folder${hasApi ? ' (found)' : ''}`,
    ],
  };
}
