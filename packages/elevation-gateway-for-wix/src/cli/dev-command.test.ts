// `elevate dev`: its usage errors, the message when the app lacks vite or msw, and the local server
// started for the shop fixture (elevate.config.json of the package names it): in-process on port 0,
// and as the installed command (`node bin/elevate.js dev`, the compiled CLI) stopped by SIGTERM.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCli } from '../dev/testing/cli-harness.ts';
import { devTokens } from '../dev/emulator/index.ts';
import { DEV_HELP, runDev } from './dev-command.ts';
import type { LocalServer } from '../dev/server/server.ts';

const BIN = resolve('bin/elevate.js');
const ORDER_CALL = JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });
const peers = (JSON.parse(readFileSync('package.json', 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies;

/** Runs `runDev` with its output kept, stopping the server once `use` is done with it. */
async function devRun(argv: string[], use: (server: LocalServer) => Promise<void>) {
  const printed: string[] = [];
  const keep = (...a: unknown[]) => void printed.push(a.map(String).join(' '));
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (keep(chunk), true)),
    vi.spyOn(console, 'error').mockImplementation(keep),
    vi.spyOn(console, 'log').mockImplementation(keep),
  ];
  try {
    const code = await runDev(argv, async (server) => {
      await use(server);
      return 'test over';
    });
    return { code, out: printed.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

const postOrder = (server: LocalServer) =>
  fetch(`${server.url}${server.endpoint}`, { method: 'POST', headers: { authorization: devTokens.members['m-1']! }, body: ORDER_CALL });

describe('elevate dev: usage', () => {
  it.each([
    [['--port', 'x'], '--port x is not a port number'],
    [['--port', '65536'], '--port 65536 is not a port number'],
    [['--port=-1'], '--port -1 is not a port number'],
    [['--host', '0.0.0.0'], "Unknown option '--host'"],
    [['test/fixtures/shop'], 'Unexpected argument'],
    [['--seed', 'no/such/seed.yaml'], '--seed no/such/seed.yaml does not exist'],
    [['--policies', 'no/such/policies'], 'the policy folder no/such/policies does not exist'],
  ])('%j exits 2 with the message and the usage', async (argv, message) => {
    const run = await runCli(['dev', ...argv]);
    expect(run.code, run.out).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: elevate dev');
  });

  it('--help prints the usage and exits 0; elevate --help lists the command', async () => {
    const run = await runCli(['dev', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(DEV_HELP);
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}dev +run the app's endpoint locally/m);
  });
});

describe('elevate dev: an app without vite or msw', () => {
  let app: string | undefined;
  afterEach(() => {
    if (app) rmSync(app, { recursive: true, force: true });
    app = undefined;
  });

  function appWithout(installed: string[]): string {
    app = mkdtempSync(join(tmpdir(), 'elevate-dev-peers-'));
    // Nothing above the temporary folder may hold them either, or the test proves nothing.
    for (let dir = dirname(app); dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules/vite'))).toBe(false);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
    mkdirSync(join(app, 'node_modules'));
    for (const name of installed) symlinkSync(resolve('../../node_modules', name), join(app, 'node_modules', name), 'dir');
    return app;
  }
  const elevateIn = (cwd: string) => spawnSync(process.execPath, [BIN, 'dev'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('names both and the install line, exit 2, no stack trace', () => {
    const ran = elevateIn(appWithout([]));
    expect(ran.status, ran.stderr).toBe(2);
    expect(ran.stderr).toContain('elevate dev: the local server runs on vite and msw, which are not installed in the app (.)');
    expect(ran.stderr).toContain(`npm install --save-dev "vite@${peers.vite}" "msw@${peers.msw}"`);
    expect(ran.stderr).not.toMatch(/^\s+at /m);
    expect(ran.stdout).toBe('');
  });

  it('names only the missing one', () => {
    const ran = elevateIn(appWithout(['vite']));
    expect(ran.status, ran.stderr).toBe(2);
    expect(ran.stderr).toContain('runs on msw, which is not installed in the app');
    expect(ran.stderr).toContain(`npm install --save-dev "msw@${peers.msw}"\n`);
    expect(ran.stderr).not.toContain('"vite@');
  });
});

describe('elevate dev: the shop fixture, served', () => {
  it('starts on port 0, answers a call through the endpoint, and stops (exit 0)', async () => {
    let reply: { status: number; body: { result?: { buyerInfo?: { memberId?: string } } } } | undefined;
    const run = await devRun(['--port', '0', '--no-write'], async (server) => {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await postOrder(server);
      reply = { status: response.status, body: (await response.json()) as never };
    });
    expect(run.code, run.out).toBe(0);
    expect(reply?.status, run.out).toBe(200);
    expect(reply?.body.result?.buyerInfo?.memberId).toBe('m-1');
    expect(run.out).toMatch(/playground {2}http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(run.out).toContain('test over: stopping the local server');
  });

  it('falls back to a free port when 4000 is busy and no --port was given', async () => {
    const blocker: Server = createServer();
    const held = await new Promise<boolean>((done) => {
      blocker.once('error', () => done(false)); // already busy: as good
      blocker.listen(4000, '127.0.0.1', () => done(true));
    });
    try {
      let url = '';
      const run = await devRun(['--no-write'], async (server) => {
        url = server.url;
      });
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain('elevate dev: port 4000 is already in use; starting on a free port instead (--port chooses one).');
      expect(url).not.toBe('http://127.0.0.1:4000');
    } finally {
      if (held) await new Promise((done) => blocker.close(done));
    }
  });

  it('a busy port given with --port is an error (exit 1), not a fallback', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(['dev', '--port', String(port), '--no-write']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`elevate dev: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });

  it('as the installed command: prints the playground link, serves, and SIGTERM stops it with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--no-write'], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const link = await new Promise<string>((found, failed) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /playground {2}(http:\/\/127\.0\.0\.1:\d+)\/#token=\S+/.exec(stdout);
          if (match) found(match[1]!);
        });
        void exited.then((code) => failed(new Error(`elevate dev exited (${code}) before printing its link:\n${stdout}\n${stderr}`)));
      });
      const response = await fetch(`${link}/functions/elevate`, { method: 'POST', headers: { authorization: devTokens.members['m-1']! }, body: ORDER_CALL });
      expect(response.status, await response.clone().text()).toBe(200);
      await response.body?.cancel();
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(stderr).toContain('SIGTERM: stopping the local server');
      expect(stdout).toMatch(/ALLOW 200 +MEMBER m-1 → ecom\.orders\.getOrder/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
