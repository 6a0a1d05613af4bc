// Item 6: the local server on loopback under autocannon, 50 connections, on a call with no rate
// limit (a visitor's queryProducts, 10 per page): requests per second, p99 latency, errors (any
// non-2xx counts), and the server process's RSS before and after 100,000 requests.
import { fork, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { devTokens } from '../src/dev/emulator/index.ts';
import type { Figure } from './report.ts';

const TOTAL_REQUESTS = 100_000;

function ask<T>(child: ChildProcess, key: string, message?: unknown, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the load server did not send "${key}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        cleanup();
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the load server exited (${code}) before sending "${key}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message !== undefined) child.send(message as never);
  });
}

export async function load(options: { quick: boolean }): Promise<Figure[]> {
  const child = fork('bench/load-server.ts', [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const url = `${await ask<string>(child, 'url')}/functions/elevate`;
    const request = {
      url,
      method: 'POST',
      connections: 50,
      timeout: 10,
      headers: { authorization: devTokens.visitor, 'content-type': 'application/json' },
      body: JSON.stringify({ module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 10 } }] }),
    };
    // Warm up (policy load, JIT), then the baseline memory.
    const warm = await autocannon({ ...request, amount: options.quick ? 200 : 2000 });
    if (warm['2xx'] === 0) throw new Error(`the load server answered no 2xx during warm-up (${warm.non2xx} non-2xx, ${warm.errors} errors)`);
    const rssBefore = await ask<number>(child, 'rss', { type: 'rss' });

    const timed = await autocannon({ ...request, duration: options.quick ? 1 : 10 });
    const done = timed['2xx'] + timed.non2xx;
    const rest = Math.max(0, (options.quick ? 3000 : TOTAL_REQUESTS) - done);
    const tail = rest > 0 ? await autocannon({ ...request, amount: rest }) : undefined;
    const rssAfter = await ask<number>(child, 'rss', { type: 'rss' });

    const errors = timed.errors + timed.timeouts + timed.non2xx + (tail ? tail.errors + tail.timeouts + tail.non2xx : 0);
    const total = done + (tail ? tail['2xx'] + tail.non2xx : 0);
    const growthMb = (rssAfter - rssBefore) / 2 ** 20;
    return [
      {
        key: 'load_rps',
        label: 'load: requests per second (50 connections)',
        value: timed.requests.average,
        unit: 'req/s',
        note: 'visitor queryProducts (limit 10) through src/dev/server (api.ts via Vite, emulated Wix, identity cache on)',
      },
      { key: 'load_p99_ms', label: 'load: p99 latency', value: timed.latency.p99, unit: 'ms' },
      {
        key: 'load_errors',
        label: `load: errors and non-2xx over ${total.toLocaleString('en')} requests`,
        value: errors,
        unit: '',
        goal: '0',
        met: errors === 0,
      },
      { key: 'load_requests', label: 'load: requests sent in all', value: total, unit: '' },
      { key: 'rss_before_mb', label: 'server RSS after warm-up (after GC)', value: rssBefore / 2 ** 20, unit: 'MB' },
      { key: 'rss_after_mb', label: 'server RSS after the run (after GC)', value: rssAfter / 2 ** 20, unit: 'MB' },
      { key: 'rss_growth_mb', label: 'server RSS growth over the run', value: growthMb, unit: 'MB', goal: '≤ 50 (bounded)', met: growthMb <= 50 },
    ];
  } finally {
    if (child.connected) {
      child.send({ type: 'close' });
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill();
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    } else if (child.exitCode === null) child.kill();
  }
}
