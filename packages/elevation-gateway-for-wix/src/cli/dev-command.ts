// `elevate dev [--port n] [--policies dir] [--seed file] [--no-write]`: the local server for the app
// in this folder (src/dev/server), on loopback, until Ctrl-C or SIGTERM. Its run-time packages, vite
// and msw, are optional peers the app installs: they are looked up from the app's folder first, and
// the server is imported only then, so that no other command ever loads them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import type { LocalServer, LocalServerOptions } from '../dev/server/server.ts';
import { readCommandLine } from './command-line.ts';
import { usageError } from './output.ts';
import { projectConfig } from './project-config.ts';
import { isDirectory } from '../policy/load.ts';

const DEFAULT_PORT = 4000;

export const DEV_HELP = `usage: elevate dev [--port <n>] [--policies <dir>] [--seed <file>] [--no-write]

Runs the app's own endpoint locally, as its Wix CLI serves it, with Wix emulated on this machine
(no network, no Wix credentials), and a playground page to call it as any dev caller. It listens
on 127.0.0.1 only. The policy is rebuilt and served again when a policy file changes; a policy
that does not build leaves the last good one serving. Ctrl-C stops it.
  --port <n>        port on 127.0.0.1 (default ${DEFAULT_PORT}, or a free one when ${DEFAULT_PORT} is busy; 0 picks a free one)
  --policies <dir>  policy folder (default: the project's, policies unless configured)
  --seed <file>     what the emulated Wix holds for modules it has no model of
                    (default: elevate.seed.yaml in the app's folder, when there is one)
  --no-write        serve each good build from memory only; never write the generated module
                    (by default each good build is written to it, as \`elevate build\` does)
Needs vite and msw in the app: npm install --save-dev vite msw
Exit: 0 stopped by Ctrl-C or SIGTERM, 1 the server could not start, 2 usage errors or vite/msw missing.`;

/** The packages the server needs at run time, as the app must resolve them (the entry the server imports). */
const PEERS = [
  { name: 'vite', entry: 'vite' },
  { name: 'msw', entry: 'msw/node' },
] as const;

/** This package's peer range of each, so that the install line names versions npm accepts beside it. */
function peerRanges(): Record<string, string> {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies ?? {};
  } catch {
    return {};
  }
}

/** The peers the app's folder does not resolve. */
function missingPeers(app: string): string[] {
  const require = createRequire(join(resolve(app), 'package.json'));
  return PEERS.filter(({ entry }) => {
    try {
      require.resolve(entry);
      return false;
    } catch {
      return true;
    }
  }).map(({ name }) => name);
}

/** The port --port names, or why it names none. */
function readPort(given: string): { port: number } | { error: string } {
  if (!/^\d{1,5}$/.test(given) || Number(given) > 65535) return { error: `--port ${given} is not a port number (0-65535; 0 picks a free port)` };
  return { port: Number(given) };
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once. */
function untilStopSignal(): Promise<string> {
  return new Promise((resolveStop) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      resolveStop(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `until` says when to stop (default: Ctrl-C or SIGTERM); tests pass their own and get the running
 * server. The app's obligation kinds are already registered: `main` loads them before any command.
 */
export async function runDev(argv: string[], until: (server: LocalServer) => Promise<string> = untilStopSignal): Promise<number> {
  const config = projectConfig();
  const line = readCommandLine('dev', argv, DEV_HELP, {
    port: { type: 'string' },
    policies: { type: 'string', default: config.policies },
    seed: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  const chosen = values.port === undefined ? undefined : readPort(values.port);
  if (chosen && 'error' in chosen) return usageError('dev', chosen.error, DEV_HELP);
  const port = chosen?.port;
  if (values.seed !== undefined && !existsSync(values.seed)) return usageError('dev', `--seed ${values.seed} does not exist`, DEV_HELP);

  const app = resolve(config.app);
  const missing = missingPeers(app);
  if (missing.length > 0) {
    const ranges = peerRanges();
    const install = missing.map((name) => (ranges[name] ? `"${name}@${ranges[name]}"` : name)).join(' ');
    console.error(
      `elevate dev: the local server runs on ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed in the app (${relative(process.cwd(), app) || '.'}).\n` +
        `Install ${missing.length > 1 ? 'them as dev dependencies' : 'it as a dev dependency'} of the app, then run \`elevate dev\` again:\n  npm install --save-dev ${install}`,
    );
    return 2;
  }
  if (!isDirectory(values.policies)) {
    const hint = values.policies === config.policies ? ': run `elevate init` first, or give --policies' : '';
    return usageError('dev', `the policy folder ${values.policies} does not exist${hint}`, DEV_HELP);
  }

  const { startLocalServer } = await import('../dev/server/server.ts');
  const options: LocalServerOptions = {
    project: app,
    policiesDir: resolve(values.policies),
    generated: relative(app, resolve(config.generated)),
    writeGenerated: !values['no-write'],
    ...(values.seed !== undefined ? { seedFile: resolve(values.seed) } : {}),
  };
  let server: LocalServer;
  try {
    server = await startLocalServer({ ...options, port: port ?? DEFAULT_PORT });
  } catch (error) {
    if (port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`elevate dev: port ${DEFAULT_PORT} is already in use; starting on a free port instead (--port chooses one).`);
    server = await startLocalServer({ ...options, port: 0 });
  }

  const stoppedBy = await until(server);
  console.error(`\n${stoppedBy}: stopping the local server…`);
  try {
    await server.close();
  } catch (error) {
    console.error(`elevate dev: the server did not close cleanly: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  // Stopped by a signal: exit even if a library left a handle open (the server itself is closed).
  if (until === untilStopSignal) setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
  return 0;
}
