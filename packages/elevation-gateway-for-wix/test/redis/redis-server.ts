// A real redis-server for tests: Debian's /usr/bin/redis-server on a free loopback port, nothing
// saved to disk. `stop()` and `start()` again on the same port stage an outage. Without the binary
// the tests are skipped locally, loudly, and fail in CI (as the playground's browser tests do).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const haveRedisServer = existsSync(REDIS_SERVER);
if (!haveRedisServer && process.env.CI) {
  throw new Error(`${REDIS_SERVER} is missing: CI must install Debian's redis-server; the Redis store tests are never skipped in CI`);
}
if (!haveRedisServer) console.warn(`Redis store tests SKIPPED: ${REDIS_SERVER} is missing (apt-get install -y redis-server)`);

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Starts it again on the same port (after `stop()`); resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it; resolves once the process has exited. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** One PING over a raw socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startRedisServer(options: { timeoutMs?: number } = {}): Promise<RedisServer> {
  const port = await freePort();
  const timeoutMs = options.timeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  installExitHook();

  async function start(): Promise<void> {
    if (child) throw new Error('redis-server is already running');
    let output = '';
    const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    running.add(proc);
    let exited = false;
    proc.stdout?.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
    proc.stderr?.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
    proc.on('exit', () => {
      exited = true;
      running.delete(proc);
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await ping(port))) {
      if (exited || Date.now() > deadline) {
        proc.kill('SIGKILL');
        child = undefined;
        throw new Error(`redis-server did not answer PING on 127.0.0.1:${port}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => proc.kill('SIGKILL'), 3000);
      proc.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  }

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop };
}
