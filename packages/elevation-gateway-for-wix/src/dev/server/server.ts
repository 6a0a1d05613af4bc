// `elevate dev`: the gateway running locally as the app's Wix CLI runs it, for one app (the `project`
// folder). POST to the structure's endpoint path goes to the app's SAME endpoint file (loaded through
// Vite, like `wix app dev`), inside a per-request Wix context (caller token from the Authorization
// header, elevated client as the app); Wix's servers are emulated on this machine (emulated-wix.ts).
// The policy is rebuilt and reloaded when a file in the policy folder changes, or when an SDK
// package is installed; a policy that does not build leaves the last good one serving. The playground at /
// calls the same endpoint and reads each decision, its trace and what reached Wix from this
// server's own store (/_dev/...), never from the gateway's replies; it edits the policy as a draft
// served from memory, and writes it to the policy folder only on an explicit save.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devTokens } from '../emulator/index.ts';
import { buildPolicy, type BuildResult } from '../../policy/build.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import { declaredPackages, loadProjectConfig } from '../../cli/project-config.ts';
import { detectStructure, type AppStructure } from '../../cli/app-structure.ts';
import { forgetInstalledPackages } from '../../sdk/catalogue.ts';
import { forgetUnreadSignatures } from '../../sdk/signature-reader.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import type { GatewayError } from '../../gateway/errors.ts';
import type { PolicyModule } from '../../gateway/policy-module.ts';
import { devIdentities } from '../playground/dev-identities.ts';
import { exampleArgs, playgroundInventory } from '../playground/call-inventory.ts';
import { policyMatrix } from '../playground/policy-matrix.ts';
import { createDecisionStore } from './decision-store.ts';
import { installDecisionConsole, withDecisionListener } from './decision-console.ts';
import { formatDecision } from './format-decision.ts';
import { createGatewayLoader } from './gateway-loader.ts';
import { readBody, sendJson, sendWebResponse, toWebRequest } from './node-http.ts';
import { watchPolicies } from './policy-watcher.ts';
import { startBanner } from './banner.ts';
import { createDevGuard, DEV_TOKEN_HEADER, isLoopback, type GuardVerdict } from './dev-guard.ts';
import { recordWixTraffic } from './wix-traffic.ts';
import { startEmulatedWix } from './emulated-wix.ts';
import { decisionView, readSentCall } from './decision-view.ts';
import { compileDraft, readDraft, readPolicySources, withDraft, writePolicySources, type PolicySource } from './policy-drafts.ts';

export interface LocalServerOptions {
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Only a loopback address: the server edits files and holds dev tokens. */
  host?: string;
  /** Print nothing (banner, decisions, reloads); decisions are still kept for the playground. */
  quiet?: boolean;
  /** The Wix app to serve: the folder with its package.json, endpoint file and generated policy module. */
  project: string;
  /** The policy folder to build and watch (default: the project's `policies/`). */
  policiesDir?: string;
  /** The generated policy module, relative to the project (default `src/generated/policy.ts`). */
  generated?: string;
  /**
   * Also write each good build of the project's own policy folder to its generated module, as
   * `elevate build` does (`elevate dev` does; tests do not, so they never touch the tree).
   */
  writeGenerated?: boolean;
  /** The app's structure (default: detected from its package.json as `elevate init` does; the legacy Wix CLI when none is). */
  structure?: AppStructure;
  /** Module names Vite resolves elsewhere (this repository: the package's own name to its sources). */
  aliases?: { find: string; replacement: string }[];
  /**
   * What the emulated Wix answers for modules it has no built-in model of (default: the app's
   * `elevate.seed.yaml`, when there is one).
   */
  seedFile?: string;
  /** The start token (default: 32 random bytes); tests fix it. */
  token?: string;
}

export interface LocalServer {
  url: string;
  /** The playground's address with the start token (in the fragment: never sent to a server, never logged). */
  editorUrl: string;
  token: string;
  /** The endpoint's path on this server (the app's structure decides it). */
  endpoint: string;
  close(): Promise<void>;
}

const PLAYGROUND_DIR = fileURLToPath(new URL('../playground', import.meta.url));
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What the local server reads of a request body before the gateway sees it (the gateway's own limit is far lower). */
const MAX_BODY = 1024 * 1024;
const MAX_EDITOR_BODY = 60 * 256 * 1024;

// What the endpoint's replies carry. Not Wix's `access-control-allow-origin: *`: the dev tokens are
// public, so only this server's own pages (same origin) and clients without an Origin (curl) call it.
const CORS = {
  'access-control-allow-methods': 'POST, OPTIONS',
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
  module: PolicyModule | undefined;
  digest: string | undefined;
  loadedAt: string | undefined;
  /** Why the latest change was not applied (diagnostics), empty when it was. */
  errors: string[];
  /** The same, structured (file, name, line, column, code, message), for the editor to point at. */
  diagnostics: ShownDiagnostic[];
  /** The editor's draft, served from memory until saved or discarded. */
  draft: PolicySource[] | undefined;
}

type ShownDiagnostic = Diagnostic & { name: string; text: string };

/** What the playground needs of a request beyond the gateway's decision line. */
interface RequestRecord {
  sent: ReturnType<typeof readSentCall>;
  wix: Awaited<ReturnType<typeof recordWixTraffic>>['exchanges'];
  policy: CompiledPolicy | undefined;
  module: PolicyModule | undefined;
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

function structureOf(project: string): AppStructure {
  const detected = detectStructure(project);
  if (detected.ok) return detected.structure;
  throw new Error(`cannot tell how this app serves its backend; looked for:\n  ${detected.lookedFor.join('\n  ')}`);
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host))
    throw new Error(`the local server binds to loopback only (127.0.0.1, ::1, localhost), not ${host}: it edits the policy and holds dev tokens`);
  const port = options.port ?? 4000;
  const quiet = options.quiet ?? false;
  const project = resolve(options.project);
  if (!existsSync(project)) throw new Error(`startLocalServer: the app folder ${project} does not exist`);
  const policiesDir = resolve(options.policiesDir ?? resolve(project, 'policies'));
  if (!existsSync(policiesDir)) throw new Error(`startLocalServer: the policy folder ${policiesDir} does not exist`);
  const structure = options.structure ?? structureOf(project);
  const generated = options.generated ?? 'src/generated/policy.ts';
  const writesGenerated = options.writeGenerated === true;
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const shownDir = shown(policiesDir);
  const generatedFile = resolve(project, generated);
  const shownGenerated = shown(generatedFile);
  const namedFrom = namingFolder(project, policiesDir);
  const compileOptions = () => ({ cwd: namedFrom, namedFrom, declaredPackages: declaredPackages(project) });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const out = (text: string) => {
    if (!quiet) process.stdout.write(`${text}\n`);
  };
  const warn = (text: string) => {
    if (!quiet) process.stderr.write(`${text}\n`);
  };
  const guard = createDevGuard({ host, ...(options.token ? { token: options.token } : {}) });

  const state: PolicyState = { policy: undefined, module: undefined, digest: undefined, loadedAt: undefined, errors: [], diagnostics: [], draft: undefined };
  const wix = startEmulatedWix({
    project,
    ...(options.seedFile !== undefined ? { seedFile: options.seedFile } : {}),
    serving: () => state.policy,
    out,
    warn,
    shown,
  });
  const { runtime, emulateModulesOf } = wix;
  const decisions = createDecisionStore();
  const records = new Map<string, RequestRecord>();
  const uninstallConsole = installDecisionConsole();
  const onDecision = (entry: Parameters<typeof decisions.add>[0]) => {
    decisions.add(entry);
    out(formatDecision(entry, color));
  };

  const cleanups: (() => Promise<void> | void)[] = [() => wix.close(), uninstallConsole];
  const cleanUp = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* keep closing */
      }
    }
  };

  let server: Server;
  try {
    const loader = await createGatewayLoader({
      root: project,
      endpoint: structure.endpoint,
      handler: structure.local.handler,
      generated,
      ...(options.aliases ? { aliases: options.aliases } : {}),
      onCodeChange: (file) => out(`gateway code changed (${shown(file)}): the endpoint is re-evaluated on the next request`),
    });
    cleanups.push(() => loader.close());
    const format = (d: Diagnostic) => formatDiagnostic({ ...d, file: shown(resolve(namedFrom, d.file)) });
    const shownDiagnostic = (d: Diagnostic): ShownDiagnostic => ({ ...d, file: shown(resolve(namedFrom, d.file)), name: basename(d.file), text: format(d) });

    /** Serves a build's module; on any error keeps what is serving. */
    const serve = async (result: BuildResult, fromDisk: boolean): Promise<boolean> => {
      const problems = result.diagnostics.filter((d) => d.severity === 'error').map(format);
      for (const d of result.diagnostics.filter((x) => x.severity !== 'error')) warn(format(d));
      if (!result.moduleText || !result.policy) {
        state.errors = problems.length ? problems : ['the policy did not build'];
        state.diagnostics = result.diagnostics.filter((d) => d.severity === 'error').map(shownDiagnostic);
        for (const p of state.errors) warn(p);
        return false;
      }
      try {
        const loaded = await loader.usePolicyModule(result.moduleText);
        if (fromDisk && writesGenerated && (!existsSync(generatedFile) || readFileSync(generatedFile, 'utf8') !== result.moduleText)) {
          writeFileSync(generatedFile, result.moduleText);
          out(`wrote ${shownGenerated} (commit it with the policy)`);
        }
        Object.assign(state, { policy: loaded.policy, module: loaded, digest: loaded.digest, loadedAt: new Date().toISOString(), errors: [], diagnostics: [] });
        await emulateModulesOf(loaded.policy);
        return true;
      } catch (error) {
        state.errors = [`the built policy module did not load: ${(error as GatewayError).reason ?? (error as Error).message}`];
        state.diagnostics = [];
        for (const p of state.errors) warn(p);
        return false;
      }
    };
    /** Builds the policy folder (or, while the editor holds one, the draft) and serves the result. */
    const applyPolicy = async (): Promise<boolean> => {
      if (state.draft) return serve(await compileDraft(policiesDir, withDraft(readPolicySources(policiesDir), state.draft), compileOptions()), false);
      return serve(await buildPolicy(policiesDir, compileOptions()), true);
    };

    if (!(await applyPolicy())) {
      warn(`${shownDir}/ does not build; serving the committed ${shownGenerated} until it does`);
      try {
        const loaded = await loader.usePolicyModule(undefined);
        Object.assign(state, { policy: loaded.policy, module: loaded, digest: loaded.digest, loadedAt: new Date().toISOString() });
        await emulateModulesOf(loaded.policy);
      } catch (error) {
        warn(
          `${shownGenerated} does not load either (${(error as GatewayError).reason ?? (error as Error).message}): every call answers 503 POLICY_UNAVAILABLE`,
        );
      }
    }

    // One queue for every rebuild (a file change, an install, an edit in the page), so that they apply in order.
    let reloading: Promise<unknown> = Promise.resolve();
    const rebuild = (why: string): Promise<boolean> => {
      const next = reloading.then(async () => {
        const before = state.digest;
        const ok = await applyPolicy();
        if (!ok) warn(`${why}: not applied, still serving the last good policy (digest ${before?.slice(0, 19) ?? 'none'}…)`);
        else if (state.digest === before) out(`${why}: same compiled policy, nothing to reload`);
        else out(`policy reloaded (${why}): ${state.policy!.rules.length} rule(s), digest ${state.digest!.slice(0, 19)}…`);
        return ok;
      });
      reloading = next.catch((error) => warn(`policy reload failed: ${(error as Error).message}`));
      return next;
    };
    const watcher = watchPolicies(policiesDir, (file) => {
      void rebuild(`policy change (${file})`).catch(() => {});
    });
    // `npm install` rewrites package.json and node_modules/.package-lock.json: a newly installed SDK
    // package is then read again (its namespaces, methods and types) without a restart.
    const installs = ['package.json', 'node_modules/.package-lock.json']
      .map((f) => resolve(project, f))
      .filter((f) => existsSync(f))
      .map((f) => {
        let timer: NodeJS.Timeout | undefined;
        const w = watch(f, { persistent: false }, () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            forgetInstalledPackages();
            forgetUnreadSignatures();
            void rebuild(`packages changed (${shown(f)})`).catch(() => {});
          }, 300);
        });
        w.on('error', () => {});
        return { close: () => (clearTimeout(timer), w.close()) };
      });
    cleanups.push(
      () => watcher.close(),
      () => installs.forEach((w) => w.close()),
      async () => {
        await reloading;
      },
    );

    const playgroundInfo = () => {
      const policy = state.policy;
      const inventory = policy ? playgroundInventory(policy) : { permitted: {}, allCalls: [] };
      const signatureOf = (call: string) => policy?.methods[call]?.signature;
      return {
        endpoint: structure.local.path,
        structure: structure.title,
        identities: devIdentities.map(({ key, label, token, subjectType, subjectId }) => ({ key, label, token, subjectType, subjectId })),
        calls: inventory,
        examples: Object.fromEntries(
          devIdentities.map((i) => [i.key, Object.fromEntries(inventory.allCalls.map((c) => [c, exampleArgs(c, i.subjectId, signatureOf(c))]))]),
        ),
        matrix: policy ? policyMatrix(policy) : { columns: [], rows: [] },
        policy: {
          dir: shownDir,
          digest: state.digest ?? null,
          loadedAt: state.loadedAt ?? null,
          rules: policy?.rules.length ?? 0,
          errors: state.errors,
          diagnostics: state.diagnostics,
          draft: state.draft !== undefined,
          files: state.draft ? withDraft(readPolicySources(policiesDir), state.draft) : readPolicySources(policiesDir),
        },
        editor: { tokenHeader: DEV_TOKEN_HEADER },
      };
    };

    const refuse = (res: ServerResponse, verdict: Exclude<GuardVerdict, { ok: true }>) => sendJson(res, verdict.status, { error: verdict.error });

    /** POST /_dev/policy/{draft,save,discard}: the editor's routes (start token, our Origin). */
    const editPolicy = async (action: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const body = await readBody(req, MAX_EDITOR_BODY);
      if (!body.ok) return sendJson(res, 413, { error: `a draft is at most ${MAX_EDITOR_BODY / 1024} KiB` });
      if (action === 'discard') {
        state.draft = undefined;
        const ok = await rebuild('draft discarded');
        return sendJson(res, 200, { ok, digest: state.digest ?? null, errors: state.errors });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch {
        return sendJson(res, 400, { error: 'the body must be JSON: { "files": [{ "name": "policy.yaml", "text": "…" }] }' });
      }
      const draft = readDraft(parsed);
      if (!draft.ok) return sendJson(res, 400, { error: draft.error });
      const sources = withDraft(readPolicySources(policiesDir), draft.sources);
      const built = await compileDraft(policiesDir, sources, compileOptions());
      const diagnostics = built.diagnostics.map(shownDiagnostic);
      if (!built.policy) return sendJson(res, 422, { ok: false, diagnostics, digest: state.digest ?? null });
      if (action === 'save') {
        const written = writePolicySources(policiesDir, draft.sources);
        if (!written.ok) return sendJson(res, 409, { ok: false, error: written.error, diagnostics, digest: state.digest ?? null });
        state.draft = undefined;
        const ok = await rebuild(`saved ${written.written.join(', ') || 'nothing new'} from the playground`);
        return sendJson(res, ok ? 200 : 422, { ok, saved: written.written, diagnostics, digest: state.digest ?? null, errors: state.errors });
      }
      state.draft = draft.sources;
      const ok = await rebuild('draft from the playground');
      return sendJson(res, ok ? 200 : 422, { ok, diagnostics, digest: state.digest ?? null, errors: state.errors });
    };

    // One edit at a time, in arrival order: a draft still compiling never overrides a save made after it.
    let edits: Promise<unknown> = Promise.resolve();
    const editInTurn = (action: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const turn = edits.then(() => editPolicy(action, req, res));
      edits = turn.catch(() => {});
      return turn;
    };

    const route = async (req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> => {
      // Every request, the endpoint's too, must be addressed to this server and come from no other
      // origin: the dev tokens are public, so another site's page must not call the endpoint with them.
      const admitted = guard.admit(req);
      if (!admitted.ok) return refuse(res, admitted);
      const target = req.url ?? '/';
      let url: URL;
      try {
        if (!target.startsWith('/') || target.startsWith('//')) throw new Error('not a path');
        url = new URL(target, origin);
      } catch {
        return sendJson(res, 400, { error: 'the request target must be a path on this server' });
      }
      if (url.pathname === structure.local.path) {
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
        const body = await readBody(req, MAX_BODY);
        if (!body.ok)
          return sendJson(res, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: `the local server reads at most ${MAX_BODY / 1024} KiB` } }, CORS);
        const post = await loader.post();
        const serving = { policy: state.policy, module: state.module };
        const request = toWebRequest(req, origin, body.bytes);
        const { result: response, exchanges } = await recordWixTraffic(() => withDecisionListener(onDecision, () => runtime.serve(request, post)));
        const requestId = response.headers.get('x-request-id');
        if (requestId && REQUEST_ID.test(requestId)) {
          records.set(requestId, { sent: readSentCall(body.text), wix: exchanges, ...serving });
          while (records.size > 1000) records.delete(records.keys().next().value!);
        }
        await sendWebResponse(res, response, CORS);
        return;
      }
      const editing = /^\/_dev\/policy\/(draft|save|discard)$/.exec(url.pathname);
      if (editing) {
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
        const editor = guard.admitEditor(req);
        if (!editor.ok) return refuse(res, editor);
        return editInTurn(editing[1]!, req, res);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
      const asset = STATIC_FILES[url.pathname];
      if (asset) {
        const page = readFileSync(resolve(PLAYGROUND_DIR, asset.file));
        res.writeHead(200, { 'content-type': asset.type, 'content-length': String(page.length), ...PAGE_HEADERS });
        res.end(req.method === 'HEAD' ? undefined : page);
        return;
      }
      if (url.pathname === '/_dev/playground') return sendJson(res, 200, playgroundInfo());
      const decision = /^\/_dev\/decisions\/([^/]+)$/.exec(url.pathname);
      if (decision) {
        const id = decision[1]!;
        const entry = REQUEST_ID.test(id) ? decisions.get(id) : undefined;
        if (!entry) return sendJson(res, 404, { error: `no decision recorded for request ${id} (the store keeps the latest 1000)` });
        const record = records.get(id);
        const view = await decisionView({
          entry,
          sent: record?.sent ?? {},
          wix: record?.wix ?? [],
          policy: record?.policy,
          sample: async (call, args) => {
            const sdk = record?.module?.sdkMethods[call];
            return sdk ? runtime.runAs(devTokens.app, () => sdk(...args)) : undefined;
          },
        });
        const { entry: logged, ...rest } = view;
        return sendJson(res, 200, { ...logged, ...rest });
      }
      sendJson(res, 404, { error: `nothing at ${url.pathname}; the endpoint is POST ${structure.local.path}, the playground is /` });
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
            `port ${port} on ${host} is already in use: stop what uses it, or choose another port (--port; 0 picks a free one)`,
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
    guard.listening(origin);
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );
    const editorUrl = `${origin}/#token=${guard.token}`;
    out(
      startBanner(origin, {
        dir: shownDir,
        rules: state.policy?.rules.length ?? 0,
        digest: state.digest ?? 'none',
        endpoint: structure.local.path,
        editorUrl,
        endpointFile: structure.endpoint,
      }),
    );
    let closing: Promise<void> | undefined;
    return { url: origin, editorUrl, token: guard.token, endpoint: structure.local.path, close: () => (closing ??= cleanUp()) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
