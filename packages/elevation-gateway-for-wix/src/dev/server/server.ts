// `npm start`: the gateway running locally as the Wix CLI runs it, for one app (its folder: the
// `project` option; by default the package's shop fixture, test/fixtures/shop). POST
// /functions/elevate goes to the app's SAME api.ts (loaded through Vite, like `wix app dev`, with the
// package's own name resolving to its sources), inside a per-request Wix context
// (caller token from the Authorization header, elevated client as the app); Wix's servers are
// emulated on this machine, token-info included (intercepted on the global fetch with msw). The
// app's policy is rebuilt and reloaded when a file in the policy folder changes; a policy that does not
// build leaves the last good one serving. The playground at / calls the same endpoint and reads
// each decision from this server's own decision store (/_dev/...), never from the gateway's replies.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { createWixEmulator, devTokens, wixHandlers } from '../emulator/index.ts';
import { createWixRuntime } from '../runtime/wix-runtime.ts';
import { buildPolicy } from '../../policy/build.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import { declaredPackages, loadProjectConfig } from '../../cli/project-config.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import type { GatewayError } from '../../gateway/errors.ts';
import { devIdentities } from '../playground/dev-identities.ts';
import { exampleArgs, playgroundInventory } from '../playground/call-inventory.ts';
import { createDecisionStore } from './decision-store.ts';
import { installDecisionConsole, withDecisionListener } from './decision-console.ts';
import { describeObligation, formatDecision } from './format-decision.ts';
import { createGatewayLoader, GENERATED_MODULE } from './gateway-loader.ts';
import { SHOP_ABSOLUTE } from '../testing/shop.ts';
import { sendJson, sendWebResponse, toWebRequest } from './node-http.ts';
import { watchPolicies } from './policy-watcher.ts';
import { startBanner } from './banner.ts';

export interface LocalServerOptions {
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Print nothing (banner, decisions, reloads); decisions are still kept for the playground. */
  quiet?: boolean;
  /**
   * The Wix app to serve: the folder with its `policies/`, `src/generated/policy.ts` and
   * `src/backend/api/elevate/api.ts` (default: the package's shop fixture, test/fixtures/shop).
   */
  project?: string;
  /** The policy folder to build and watch (default: the project's `policies/`). */
  policiesDir?: string;
  /**
   * Also write each good build of the project's own `policies/` to its src/generated/policy.ts, as
   * `elevate build` does (`npm start` does; tests do not, so they never touch the tree).
   */
  writeGenerated?: boolean;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const PLAYGROUND_DIR = fileURLToPath(new URL('../playground', import.meta.url));
const ENDPOINT = '/functions/elevate';
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// What the Wix runtime adds to every endpoint reply.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-expose-headers': 'x-request-id, retry-after',
};

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  '/playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
};
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

interface PolicyState {
  policy: CompiledPolicy | undefined;
  digest: string | undefined;
  loadedAt: string | undefined;
  /** Why the latest change was not applied (diagnostics), empty when it was. */
  errors: string[];
}

/**
 * Where `elevate build` would run for this policy, so that the module built here is the one it
 * writes (the compiled rules name their files from there): the working directory when its
 * `elevate` settings name this app and policy folder (the package folder for its shop fixture),
 * else the app's own folder; a policy folder of neither, the working directory.
 */
function namingFolder(project: string, policiesDir: string): string {
  const cwd = process.cwd();
  try {
    const config = loadProjectConfig(cwd);
    if (resolve(cwd, config.app) === project && resolve(cwd, config.policies) === policiesDir) return cwd;
  } catch {
    /* unreadable settings here: not this app's */
  }
  return policiesDir === resolve(project, 'policies') ? project : cwd;
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4000;
  const quiet = options.quiet ?? false;
  const project = resolve(options.project ?? SHOP_ABSOLUTE.root);
  const policiesDir = resolve(options.policiesDir ?? resolve(project, 'policies'));
  const writesGenerated = policiesDir === resolve(project, 'policies') && options.writeGenerated === true;
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const shownDir = shown(policiesDir);
  const generatedFile = resolve(project, GENERATED_MODULE);
  const shownGenerated = shown(generatedFile);
  const namedFrom = namingFolder(project, policiesDir);
  const buildOptions = { cwd: namedFrom, declaredPackages: declaredPackages(project) };
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const out = (text: string) => {
    if (!quiet) process.stdout.write(`${text}\n`);
  };
  const warn = (text: string) => {
    if (!quiet) process.stderr.write(`${text}\n`);
  };
  if (!existsSync(project)) throw new Error(`startLocalServer: the app folder ${project} does not exist`);
  if (!existsSync(policiesDir)) throw new Error(`startLocalServer: the policy folder ${policiesDir} does not exist`);

  // Wix, emulated: the SDK's REST calls go to the emulator through the runtime's clients; token-info
  // is asked through the global fetch, which msw hands to the same emulator.
  const emulator = createWixEmulator();
  const msw = setupServer(...wixHandlers(emulator));
  msw.listen({ onUnhandledRequest: 'bypass' });
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const decisions = createDecisionStore();
  const uninstallConsole = installDecisionConsole();
  const onDecision = (entry: Parameters<typeof decisions.add>[0]) => {
    decisions.add(entry);
    out(formatDecision(entry, color));
  };

  const cleanups: (() => Promise<void> | void)[] = [() => msw.close(), uninstallConsole];
  const cleanUp = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* keep closing */
      }
    }
  };

  const state: PolicyState = { policy: undefined, digest: undefined, loadedAt: undefined, errors: [] };
  let server: Server;
  try {
    const loader = await createGatewayLoader({
      root: project,
      onCodeChange: (file) => out(`gateway code changed (${shown(file)}): api.ts is re-evaluated on the next request`),
    });
    cleanups.push(() => loader.close());

    /** Builds the policy folder and serves the result; on any error keeps what is serving. */
    const applyPolicy = async (): Promise<boolean> => {
      const result = await buildPolicy(policiesDir, buildOptions);
      const format = (d: Diagnostic) => formatDiagnostic({ ...d, file: shown(resolve(namedFrom, d.file)) });
      const problems = result.diagnostics.filter((d) => d.severity === 'error').map(format);
      for (const d of result.diagnostics.filter((x) => x.severity !== 'error')) warn(format(d));
      if (!result.moduleText || !result.policy) {
        state.errors = problems.length ? problems : ['the policy did not build'];
        for (const p of state.errors) warn(p);
        return false;
      }
      try {
        const loaded = await loader.usePolicyModule(result.moduleText);
        if (writesGenerated) {
          if (!existsSync(generatedFile) || readFileSync(generatedFile, 'utf8') !== result.moduleText) {
            writeFileSync(generatedFile, result.moduleText);
            out(`wrote ${shownGenerated} (commit it with the policy)`);
          }
        }
        Object.assign(state, { policy: loaded.policy, digest: loaded.digest, loadedAt: new Date().toISOString(), errors: [] });
        return true;
      } catch (error) {
        state.errors = [`the built policy module did not load: ${(error as GatewayError).reason ?? (error as Error).message}`];
        for (const p of state.errors) warn(p);
        return false;
      }
    };

    if (!(await applyPolicy())) {
      warn(`${shownDir}/ does not build; serving the committed ${shownGenerated} until it does`);
      try {
        const loaded = await loader.usePolicyModule(undefined);
        Object.assign(state, { policy: loaded.policy, digest: loaded.digest, loadedAt: new Date().toISOString() });
      } catch (error) {
        warn(
          `${shownGenerated} does not load either (${(error as GatewayError).reason ?? (error as Error).message}): every call answers 503 POLICY_UNAVAILABLE`,
        );
      }
    }

    let reloading = Promise.resolve();
    const watcher = watchPolicies(policiesDir, (file) => {
      reloading = reloading
        .then(async () => {
          const before = state.digest;
          const ok = await applyPolicy();
          if (!ok) warn(`policy change (${file}) not applied: still serving the last good policy (digest ${before?.slice(0, 19) ?? 'none'}…)`);
          else if (state.digest === before) out(`policy change (${file}): same compiled policy, nothing to reload`);
          else out(`policy reloaded (${file}): ${state.policy!.rules.length} rule(s), digest ${state.digest!.slice(0, 19)}…`);
        })
        .catch((error) => warn(`policy reload failed: ${(error as Error).message}`));
    });
    cleanups.push(
      () => watcher.close(),
      () => reloading,
    );

    const playgroundInfo = () => {
      const inventory = state.policy ? playgroundInventory(state.policy) : { permitted: {}, allCalls: [] };
      return {
        identities: devIdentities.map(({ key, label, token, subjectType, subjectId }) => ({ key, label, token, subjectType, subjectId })),
        calls: inventory,
        examples: Object.fromEntries(devIdentities.map((i) => [i.key, Object.fromEntries(inventory.allCalls.map((c) => [c, exampleArgs(c, i.subjectId)]))])),
        policy: { dir: shownDir, digest: state.digest ?? null, loadedAt: state.loadedAt ?? null, rules: state.policy?.rules.length ?? 0, errors: state.errors },
      };
    };

    const route = async (req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === ENDPOINT) {
        if (req.method === 'OPTIONS') {
          res.writeHead(204, CORS);
          res.end();
          return;
        }
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST, OPTIONS', ...CORS });
          res.end();
          return;
        }
        const post = await loader.post();
        const response = await withDecisionListener(onDecision, () => runtime.serve(toWebRequest(req, origin), post));
        await sendWebResponse(res, response, CORS);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
        return;
      }
      const asset = STATIC_FILES[url.pathname];
      if (asset) {
        const body = readFileSync(resolve(PLAYGROUND_DIR, asset.file));
        res.writeHead(200, { 'content-type': asset.type, 'content-length': String(body.length), ...PAGE_HEADERS });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      if (url.pathname === '/_dev/playground') {
        sendJson(res, 200, playgroundInfo());
        return;
      }
      const decision = /^\/_dev\/decisions\/([^/]+)$/.exec(url.pathname);
      if (decision) {
        const id = decision[1]!;
        const entry = REQUEST_ID.test(id) ? decisions.get(id) : undefined;
        if (entry) sendJson(res, 200, { ...entry, described: entry.obligations.map(describeObligation) });
        else sendJson(res, 404, { error: `no decision recorded for request ${id} (the store keeps the latest 1000)` });
        return;
      }
      sendJson(res, 404, { error: `nothing at ${url.pathname}; the endpoint is POST ${ENDPOINT}, the playground is /` });
    };

    let origin = '';
    server = createServer((req, res) => {
      route(req, res, origin).catch((error: unknown) => {
        warn(`local server: ${(error as Error)?.stack ?? String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'the local server failed; see its terminal' });
        else res.destroy();
      });
    });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          const busy = new Error(
            `port ${port} on ${host} is already in use: stop what uses it, or set PORT to another port (PORT=0 picks a free one)`,
          ) as NodeJS.ErrnoException;
          busy.code = 'EADDRINUSE';
          rejectListen(busy);
        } else rejectListen(error);
      });
      server.listen(port, host, () => resolveListen());
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    origin = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );

    out(startBanner(origin, { dir: shownDir, rules: state.policy?.rules.length ?? 0, digest: state.digest ?? 'none' }));
    let closing: Promise<void> | undefined;
    return { url: origin, close: () => (closing ??= cleanUp()) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
