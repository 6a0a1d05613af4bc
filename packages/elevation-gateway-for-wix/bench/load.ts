// Item 6: the gateway under load, beside the careful hand-written endpoint doing the same thing.
// Two child processes (bench/load-server.ts; children, so autocannon's memory is not counted), each a
// plain node:http server on loopback serving one endpoint inside the Wix runtime stand-in against
// the in-process Wix stub (bench/wix-stub.ts: precomputed answers, the same for both):
//   - gateway: `elevationEndpoint` as the shop fixture's api.ts builds it (identity cache on, the
//     default decision log: a JSON line per request on the child's stdout, a pipe this process
//     drains and counts);
//   - careful: bench/careful-endpoint.ts (token-info on every request, no decision log).
// autocannon, 50 connections, on a call with no rate limit (a visitor's queryProducts, 10 per page),
// the two endpoints in alternating rounds: requests per second, their ratio per round, p99 latency,
// errors (any non-2xx counts), and the gateway child's memory (after a full GC) before and after
// 100,000 requests (after the rounds, a tail that mixes the listing with a member's own-order read and
// search; fewer if the time budget runs out first: the figures say how many).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { devTokens } from '../src/dev/emulator/index.ts';
import { median } from './measure.ts';
import type { Figure } from './report.ts';
import type { LoadServerKind, LoadServerStats } from './load-server.ts';

type Result = Awaited<ReturnType<typeof autocannon>>;

const SERVER = fileURLToPath(new URL('./load-server.ts', import.meta.url));
const BODY = JSON.stringify({ module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 10 } }] });
const MB = 2 ** 20;
const CONNECTIONS = 50;

interface Plan {
  warmup: number;
  rounds: number;
  /** Seconds per endpoint per round. */
  seconds: number;
  /** Gateway requests between the two memory readings (the rounds' and then a tail's)... */
  total: number;
  /** ...unless the benchmark has run this long (ms) by then: the tail stops short, and says so. */
  budgetMs: number;
}

const FULL: Plan = { warmup: 1000, rounds: 10, seconds: 2, total: 100_000, budgetMs: 300_000 };
const QUICK: Plan = { warmup: 100, rounds: 1, seconds: 1, total: 1500, budgetMs: 9000 };

function ask<T>(child: ChildProcess, name: string, key: string, message?: unknown, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the ${name} load server did not send "${key}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: Record<string, unknown>) => {
      if (typeof m.error === 'string') {
        cleanup();
        reject(new Error(`the ${name} load server failed to start: ${m.error}`));
      } else if (key in m) {
        cleanup();
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`the ${name} load server exited (${signal ?? code}) before sending "${key}" (its stderr is above)`));
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

interface Server {
  kind: LoadServerKind;
  child: ChildProcess;
  url: string;
  /** Lines the child has written to stdout so far. */
  lines: () => number;
  stats: () => Promise<LoadServerStats>;
}

async function startServer(kind: LoadServerKind): Promise<Server> {
  const child = fork(SERVER, [kind], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let lines = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  const server: Server = {
    kind,
    child,
    url: '',
    lines: () => lines,
    stats: () => ask<LoadServerStats>(child, kind, 'stats', { type: 'stats' }),
  };
  try {
    server.url = `${await ask<string>(child, kind, 'url')}/functions/elevate`;
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    if (child.connected) child.send({ type: 'close' });
    else child.kill();
  });
}

const options = (server: Server) => ({
  url: server.url,
  method: 'POST',
  connections: CONNECTIONS,
  timeout: 10,
  headers: { authorization: devTokens.visitor, 'content-type': 'application/json' },
  body: BODY,
});
/**
 * The tail's requests, in turn on every connection: the listing, and a member's own-order read and
 * search, so the memory reading covers cursors signed, identities cached and orders checked.
 */
const MIX = [
  BODY,
  JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
  JSON.stringify({ module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 10 } }] }),
].map((body, i) => ({
  method: 'POST' as const,
  headers: { authorization: i === 0 ? devTokens.visitor : devTokens.members['m-1'], 'content-type': 'application/json' },
  body,
}));
const tailOptions = (server: Server) => ({ ...options(server), requests: MIX });
// autocannon's `errors` count its timeouts too.
const failures = (r: Result) => r.errors + r.non2xx;
const rps = (r: Result) => r.requests.total / r.duration;
/** A timed run ends with requests still in flight: let them finish before the other endpoint's run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Both endpoints must answer the load request alike, masked fields removed, before they are timed. */
async function checkAnswers(servers: Server[]): Promise<void> {
  const products: unknown[] = [];
  for (const server of servers) {
    const response = await fetch(server.url, { method: 'POST', headers: options(server).headers, body: BODY, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const items = response.status === 200 ? (JSON.parse(text) as { result?: { products?: unknown[] } }).result?.products : undefined;
    if (!Array.isArray(items) || items.length !== 10)
      throw new Error(`the ${server.kind} endpoint did not answer 10 products: ${response.status} ${text.slice(0, 300)}`);
    for (const field of ['costRange', 'revenueDetails']) if (text.includes(`"${field}"`)) throw new Error(`the ${server.kind} endpoint answered ${field}`);
    products.push(items);
  }
  if (!isDeepStrictEqual(products[0], products[1])) throw new Error('the gateway and the careful endpoint answered different products');
}

export async function load(opts: { quick: boolean }): Promise<Figure[]> {
  const plan = opts.quick ? QUICK : FULL;
  const startedAt = Date.now();
  const started = await Promise.allSettled([startServer('gateway'), startServer('careful')]);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [gateway, careful] = servers as [Server, Server];
    await checkAnswers(servers);

    const gatewayRuns: Result[] = [];
    const carefulRuns: Result[] = [];
    // Warm-up (policy load, JIT, identity cache), then the gateway's baseline memory.
    for (const server of servers) {
      const warm = await autocannon({ ...options(server), amount: plan.warmup });
      if (warm['2xx'] === 0) throw new Error(`the ${server.kind} endpoint answered no 2xx during warm-up (${warm.non2xx} non-2xx, ${warm.errors} errors)`);
      (server === gateway ? gatewayRuns : carefulRuns).push(warm);
    }
    const before = await gateway.stats();

    const ratios: number[] = [];
    const gatewayRps: number[] = [];
    const carefulRps: number[] = [];
    const gatewayP99: number[] = [];
    const carefulP99: number[] = [];
    let timed = 0;
    for (let round = 0; round < plan.rounds; round++) {
      const order = round % 2 ? [careful, gateway] : [gateway, careful];
      const r: Partial<Record<LoadServerKind, Result>> = {};
      for (const server of order) {
        r[server.kind] = await autocannon({ ...options(server), duration: plan.seconds });
        await settle();
      }
      gatewayRuns.push(r.gateway!);
      carefulRuns.push(r.careful!);
      timed += r.gateway!.requests.total;
      gatewayRps.push(rps(r.gateway!));
      carefulRps.push(rps(r.careful!));
      gatewayP99.push(r.gateway!.latency.p99);
      carefulP99.push(r.careful!.latency.p99);
      ratios.push(rps(r.gateway!) / rps(r.careful!));
    }
    // The tail (the mix), in runs of at most 5 s, so that a slow machine stops at the time budget.
    let rate = median(gatewayRps);
    for (let rest = plan.total - timed; rest > 0; rest = plan.total - timed) {
      const left = startedAt + plan.budgetMs - Date.now();
      if (left < 1000) break;
      const seconds = Math.min(5, Math.floor(left / 1000));
      const r = await autocannon({ ...tailOptions(gateway), ...(rest <= rate * seconds ? { amount: Math.max(rest, CONNECTIONS) } : { duration: seconds }) });
      gatewayRuns.push(r);
      timed += r.requests.total;
      rate = rps(r);
    }
    const after = await gateway.stats();

    // Every request the gateway served wrote its decision-log line (a synchronous pipe write, or
    // one the parent is still reading).
    const deadline = Date.now() + 10_000;
    while (gateway.lines() < after.served && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const logLines = gateway.lines();
    if (logLines < after.served) throw new Error(`the gateway wrote ${logLines} decision-log lines for ${after.served} requests`);

    // What the gateway's server received (autocannon's totals leave out what was in flight when a timed run ended).
    const gatewayRequests = after.served;
    const errors = gatewayRuns.reduce((n, r) => n + failures(r), 0);
    const carefulErrors = carefulRuns.reduce((n, r) => n + failures(r), 0);
    const ratio = median(ratios);
    const rssGrowth = (after.rss - before.rss) / MB;
    const heapGrowth = (after.heapUsed - before.heapUsed) / MB;
    const between = after.served - before.served;
    const short = between < plan.total ? ` (stopped at the time budget: ${between.toLocaleString('en')} of ${plan.total.toLocaleString('en')})` : '';
    const spread = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
    const rounds = `${plan.rounds} round${plan.rounds > 1 ? 's' : ''} of ${plan.seconds} s per endpoint, alternating`;
    return [
      {
        key: 'load_rps',
        label: `load: gateway, requests per second (50 connections; rounds ${spread(gatewayRps)})`,
        value: median(gatewayRps),
        unit: 'req/s',
        note:
          `visitor queryProducts (limit 10), median of ${rounds}: each endpoint in its own child process, node:http + the package's Node adapter + ` +
          "the Wix runtime stand-in, against an in-process Wix stub (precomputed answers); the gateway as the shop's api.ts builds it " +
          '(identity cache on, decision log as JSON lines on stdout, a pipe the benchmark drains)',
      },
      {
        key: 'load_careful_rps',
        label: `load: careful hand-written endpoint, requests per second (rounds ${spread(carefulRps)})`,
        value: median(carefulRps),
        unit: 'req/s',
      },
      {
        key: 'load_gateway_over_careful',
        label: `load: requests per second, gateway ÷ careful endpoint (rounds ${spread(ratios, 2)})`,
        value: ratio,
        unit: '×',
        goal: '≥ 0.8',
        met: ratio >= 0.8,
        note: 'median of the per-round ratios; the careful endpoint asks token-info on every request (from the stub: no latency) and logs nothing',
      },
      { key: 'load_gateway_over_careful_min', label: 'load: gateway ÷ careful, lowest round', value: Math.min(...ratios), unit: '×' },
      { key: 'load_gateway_over_careful_max', label: 'load: gateway ÷ careful, highest round', value: Math.max(...ratios), unit: '×' },
      { key: 'load_p99_ms', label: 'load: gateway, p99 latency (median of rounds)', value: median(gatewayP99), unit: 'ms' },
      { key: 'load_careful_p99_ms', label: 'load: careful endpoint, p99 latency (median of rounds)', value: median(carefulP99), unit: 'ms' },
      {
        key: 'load_errors',
        label: `load: gateway errors, timeouts and non-2xx over ${gatewayRequests.toLocaleString('en')} requests`,
        value: errors,
        unit: '',
        goal: '0',
        met: errors === 0,
        ...(carefulErrors ? { note: `the careful endpoint had ${carefulErrors} too` } : {}),
      },
      { key: 'load_requests', label: 'load: requests sent to the gateway in all', value: gatewayRequests, unit: '' },
      { key: 'load_log_lines', label: 'load: decision-log lines the gateway wrote (one per request)', value: logLines, unit: '' },
      { key: 'rss_before_mb', label: 'gateway server RSS after warm-up (after GC)', value: before.rss / MB, unit: 'MB' },
      { key: 'rss_after_mb', label: 'gateway server RSS after the run (after GC)', value: after.rss / MB, unit: 'MB' },
      {
        key: 'rss_growth_mb',
        label: `gateway server RSS growth over ${between.toLocaleString('en')} requests`,
        value: rssGrowth,
        unit: 'MB',
        goal: '≤ 50 (bounded)',
        met: rssGrowth <= 50,
        ...(short ? { note: `the memory readings are ${between.toLocaleString('en')} requests apart${short}` } : {}),
      },
      { key: 'load_memory_requests', label: `load: gateway requests between the memory readings${short}`, value: between, unit: '' },
      { key: 'heap_before_mb', label: 'gateway server heap used after warm-up (after GC)', value: before.heapUsed / MB, unit: 'MB' },
      { key: 'heap_after_mb', label: 'gateway server heap used after the run (after GC)', value: after.heapUsed / MB, unit: 'MB' },
      {
        key: 'heap_growth_mb',
        label: `gateway server heap growth over ${between.toLocaleString('en')} requests (live objects)`,
        value: heapGrowth,
        unit: 'MB',
      },
    ];
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}
