// Runs a command to its end for the end-to-end tests, with a deadline (nothing hangs), and keeps
// what it printed for the assertion messages.
import { spawnSync } from 'node:child_process';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, for an assertion's message. */
  out: string;
}

export function run(command: string, args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Ran {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  return { code: result.status, stdout, stderr, out: `$ ${command} ${args.join(' ')}\n${stdout}\n${stderr}${result.error ? `\n${result.error.message}` : ''}` };
}

/** The installed version of a package at the repository's root (what `npm ci` put in npm's cache). */
export async function rootVersion(pkg: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(new URL('../../package.json', import.meta.url));
  return (require(`${pkg}/package.json`) as { version: string }).version;
}
