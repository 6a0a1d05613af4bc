// Where the gateway's CPU time goes, stage by stage, so that overhead can be found and removed.
// `node --import tsx bench/profile.ts [case…] [--requests N | --seconds S] [--warmup N]`: each case
// runs in a child `node --cpu-prof` serving the endpoint exactly as the shipped api.ts builds it
// (`elevationEndpoint`, identity cache on, the decision log to stdout, here a file:
// writing the line is one of the stages), through the Wix runtime stand-in against the in-process
// emulator at zero latency, one request at a time. Only the samples taken while the timed requests
// ran count (warm-up, imports and writing the profile do not); bench/profile-stages.ts charges them
// to stages. Prints a table per case and keeps the result (.tmp/profile/<case>.json) next to the
// .cpuprofile, which opens in Chrome DevTools. The profiler slows everything ~1.3–1.6× (sampling at
// 100 µs): read the shares, and the µs as profiled µs.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { elevationEndpoint } from '../src/adapters/wix-cli-app.ts';
import type { PolicyModule } from '../src/gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { attribute, stageRows, type CpuProfile, type Stage } from './profile-stages.ts';

const CASES = {
  /** Refused by the policy before Wix: a visitor may not read orders. */
  denied: { token: devTokens.visitor, module: 'ecom.orders', method: 'getOrder', args: ['o-1'], status: 403 },
  /** A member reads their own order: one Wix call, a resource check on what comes back. */
  'own-read': { token: devTokens.members['m-1'], module: 'ecom.orders', method: 'getOrder', args: ['o-1'], status: 200 },
  /** A member lists their own orders: a forced filter, a cap, signed cursors. */
  'own-search': { token: devTokens.members['m-1'], module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 10 } }], status: 200 },
  /** A visitor lists products: fields removed from every item. */
  list: { token: devTokens.visitor, module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 10 } }], status: 200 },
} as const;
type CaseName = keyof typeof CASES;
const CASE_NAMES = Object.keys(CASES) as CaseName[];

/** Timed requests run for this long unless `--requests` says how many (a listing is ~25× a refusal). */
const DEFAULT_SECONDS = 3;
/** Warm-up requests, cut short after WARMUP_MS: enough for the JIT to settle. */
const DEFAULT_WARMUP = 3_000;
const WARMUP_MS = 1_500;
/** The sampling interval, µs: fine enough for a request of ~100 µs, coarse enough not to drown it. */
const INTERVAL_US = 100;

const PACKAGE = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(PACKAGE, '.tmp', 'profile');
const USAGE = `usage: node --import tsx bench/profile.ts [${CASE_NAMES.join('|')}]… [--requests N | --seconds S] [--warmup N]
  no case: every case in turn
  --requests N  timed requests per case (default: as many as fit in --seconds)
  --seconds S   how long the timed requests run when --requests is not given (default ${DEFAULT_SECONDS})
  --warmup N    untimed requests before, at most ${WARMUP_MS / 1000} s of them (default ${DEFAULT_WARMUP})`;

class UsageError extends Error {}

interface Options {
  cases: CaseName[];
  /** Timed requests; undefined: as many as fit in `seconds`. */
  requests?: number;
  seconds: number;
  warmup: number;
  /** Set in the child: the case it serves, and where it writes its summary. */
  child?: { name: CaseName; summary: string };
}

function parseArgs(argv: string[]): Options {
  const cases: CaseName[] = [];
  let requests: number | undefined;
  let seconds = DEFAULT_SECONDS;
  let warmup = DEFAULT_WARMUP;
  let child: Options['child'];
  const caseName = (value: string | undefined): CaseName => {
    if (value === undefined || !(CASE_NAMES as string[]).includes(value)) throw new UsageError(`unknown case ${JSON.stringify(value ?? '')}`);
    return value as CaseName;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const count = (min: number) => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be an integer ≥ ${min} (got ${JSON.stringify(v)})`);
      return Number(v);
    };
    if (flag === '--requests') requests = count(1);
    else if (flag === '--seconds') {
      const v = value();
      if (!/^\d+(\.\d+)?$/.test(v) || !(Number(v) > 0)) throw new UsageError(`--seconds must be a number > 0 (got ${JSON.stringify(v)})`);
      seconds = Number(v);
    } else if (flag === '--warmup') warmup = count(0);
    else if (flag === '--child') child = { name: caseName(value()), summary: '' };
    else if (flag === '--summary' && child) child.summary = value();
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag}`);
    else cases.push(caseName(flag));
  }
  if (child && !child.summary) throw new UsageError('--child needs --summary <file> after it');
  return {
    cases: cases.length ? [...new Set(cases)] : CASE_NAMES,
    ...(requests !== undefined ? { requests } : {}),
    seconds,
    warmup,
    ...(child ? { child } : {}),
  };
}

/** What the child tells the parent: the timed window on the profile's clock (µs) and what it served. */
interface ChildSummary {
  startUs: number;
  endUs: number;
  requests: number;
  warmup: number;
  /** The child's CPU time (user + system, every thread: the profiler's sampler too) over the window. */
  cpuUs: number;
}

/** The child: the endpoint, warmed up, then the timed requests; the profile is written as it exits. */
async function serveCase(name: CaseName, options: Options, summaryFile: string): Promise<void> {
  const c = CASES[name];
  // The decision log goes to stdout as it ships: on Node, batched writes that bypass console.log
  // (decision-log.ts), so the inspector `--cpu-prof` attaches, which records every console.log
  // with its stack, does not inflate it.
  const emulator = createWixEmulator();
  // As api.ts runs on Wix: token-info on the global fetch, the SDK through the runtime's clients.
  globalThis.fetch = emulator.fetch;
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const endpoint = elevationEndpoint({ appId: APP_ID, policy: async () => generated as PolicyModule });
  const body = JSON.stringify({ module: c.module, method: c.method, args: c.args });
  const send = async (): Promise<string> => {
    const response = await runtime.serve(
      new Request('https://app.example/functions/elevate', {
        method: 'POST',
        headers: { authorization: c.token, 'content-type': 'application/json' },
        body,
      }),
      endpoint.POST,
    );
    const text = await response.text();
    if (response.status !== c.status) throw new Error(`${name}: the gateway answered ${response.status}, not ${c.status}: ${text.slice(0, 300)}`);
    // The emulator records every request; keep its memory flat over a long run.
    if (emulator.requests.length > 1000) emulator.requests.length = 0;
    return text;
  };
  const first = JSON.parse(await send()) as { result?: unknown; error?: unknown };
  if (c.status === 200 ? first.result == null : first.error === undefined)
    throw new Error(`${name}: unexpected first reply ${JSON.stringify(first).slice(0, 300)}`);
  let warmup = 1;
  const warming = performance.now();
  for (; warmup < options.warmup && performance.now() - warming < WARMUP_MS; warmup++) await send();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let requests = 0;
  if (options.requests !== undefined) for (; requests < options.requests; requests++) await send();
  else for (const until = performance.now() + options.seconds * 1000; performance.now() < until; requests++) await send();
  const end = process.hrtime.bigint();
  const { user, system } = process.cpuUsage(cpu);
  // V8's profile clock is the monotonic clock process.hrtime reads, in µs.
  const summary: ChildSummary = { startUs: Number(start / 1000n), endUs: Number(end / 1000n), requests, warmup, cpuUs: user + system };
  await writeFile(summaryFile, JSON.stringify(summary));
}

/** Lines in a file, read as a stream (the decision log of a long run is megabytes). */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/**
 * Runs one case in a child under `--cpu-prof`. Its stdout (the decision log) goes to a file: a
 * write the kernel takes at once, where a pipe would make the child wait on a reader that shares
 * its CPUs; the file is counted (one line per request) and removed.
 */
async function profileChild(name: CaseName, options: Options): Promise<{ summary: ChildSummary; profilePath: string; logLines: number }> {
  const profileName = `${name}.cpuprofile`;
  const summaryFile = join(OUT, `${name}.child.json`);
  const args = [
    '--cpu-prof',
    `--cpu-prof-interval=${INTERVAL_US}`,
    `--cpu-prof-dir=${OUT}`,
    `--cpu-prof-name=${profileName}`,
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--child',
    name,
    '--summary',
    summaryFile,
    ...(options.requests !== undefined ? ['--requests', String(options.requests)] : ['--seconds', String(options.seconds)]),
    '--warmup',
    String(options.warmup),
  ];
  const logFile = join(OUT, `${name}.decision-log.jsonl`);
  const log = await open(logFile, 'w');
  let code: number | null;
  try {
    const child = spawn(process.execPath, args, { cwd: PACKAGE, stdio: ['ignore', log.fd, 'inherit'] });
    code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
  } finally {
    await log.close();
  }
  if (code !== 0) throw new Error(`the ${name} child exited with ${code}`);
  const logLines = await countLines(logFile);
  await rm(logFile);
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as ChildSummary;
  await rm(summaryFile);
  return { summary, profilePath: join(OUT, profileName), logLines };
}

/** What is not the gateway's own work: the driver, Wix, and what no stage can claim. */
const NOT_GATEWAY: ReadonlySet<Stage> = new Set([
  'bench driver',
  'Wix SDK + emulated Wix',
  'garbage collection',
  'streams & microtasks (caller unknown)',
  'other',
  'idle',
]);

const pad = (s: string, n: number) => s.padEnd(n);
const num = (v: number, digits: number, n: number) => v.toFixed(digits).padStart(n);

async function profileCase(name: CaseName, options: Options): Promise<void> {
  const { summary, profilePath, logLines } = await profileChild(name, options);
  const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
  if (!(profile.startTime <= summary.startUs && summary.endUs <= profile.endTime)) {
    throw new Error(
      `the timed window is not inside the profile (clocks differ?): ${JSON.stringify({ summary, start: profile.startTime, end: profile.endTime })}`,
    );
  }
  const a = attribute(profile, { window: summary });
  const rows = stageRows(a, summary.requests);
  const wallUs = summary.endUs - summary.startUs;
  const expectedLines = summary.requests + summary.warmup;
  const result = {
    case: name,
    call: `${CASES[name].module}.${CASES[name].method}`,
    status: CASES[name].status,
    requests: summary.requests,
    warmup: summary.warmup,
    samplingIntervalUs: INTERVAL_US,
    samples: a.samples,
    wallUsPerRequest: wallUs / summary.requests,
    sampledBusyUsPerRequest: a.busyUs / summary.requests,
    processCpuUsPerRequest: summary.cpuUs / summary.requests,
    /** The gateway's own stages together (not the driver, Wix, GC, idle or unattributed time). */
    gatewayUsPerRequest: rows.filter((r) => !NOT_GATEWAY.has(r.stage)).reduce((sum, r) => sum + r.usPerRequest, 0),
    decisionLogLines: logLines,
    stages: rows,
    otherTop: a.other.slice(0, 5).map((f) => ({ ...f, ms: f.us / 1000 })),
    /** Each stage's five frames with the most self time. */
    topFrames: Object.fromEntries(Object.entries(a.frames).map(([stage, frames]) => [stage, frames.slice(0, 5).map((f) => ({ ...f, ms: f.us / 1000 }))])),
    cpuprofile: relative(PACKAGE, profilePath),
  };
  await writeFile(join(OUT, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);

  const lines = [
    `\n${name}: ${result.call} → ${result.status}, ${summary.requests} requests after ${summary.warmup} warm-up, sampled every ${INTERVAL_US} µs (${a.samples} samples)`,
    `  wall ${result.wallUsPerRequest.toFixed(1)} µs/request, of it not idle ${result.sampledBusyUsPerRequest.toFixed(1)}; process CPU ${result.processCpuUsPerRequest.toFixed(1)} µs/request (all threads)`,
    `  the gateway's own stages ${result.gatewayUsPerRequest.toFixed(1)} µs/request (the rest: the driver, Wix, GC and what no stage claims)`,
    `  ${pad('stage', 38)} ${'ms'.padStart(9)} ${'%'.padStart(6)} ${'µs/req'.padStart(8)}`,
    ...rows.map(
      (r) => `  ${pad(r.stage === 'idle' ? 'idle (% of all samples)' : r.stage, 38)} ${num(r.ms, 1, 9)} ${num(r.percent, 1, 6)} ${num(r.usPerRequest, 2, 8)}`,
    ),
  ];
  if (result.otherTop.length) {
    lines.push(`  top 'other' frames (self time):`);
    for (const f of result.otherTop)
      lines.push(`    ${num(f.ms, 1, 8)} ms  ${f.functionName} ${f.url || '(no url)'}${f.lineNumber >= 0 ? `:${f.lineNumber + 1}` : ''}`);
  }
  if (logLines !== expectedLines) lines.push(`  ! ${logLines} decision-log lines on stdout, expected ${expectedLines}`);
  lines.push(`  wrote ${relative(process.cwd(), join(OUT, `${name}.json`))} and ${relative(process.cwd(), profilePath)}`);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`bench/profile.ts: ${error.message}`);
    console.error(USAGE);
    process.exit(error.message ? 2 : 0);
  }
  if (options.child) return serveCase(options.child.name, options, options.child.summary);
  await mkdir(OUT, { recursive: true });
  for (const name of options.cases) await profileCase(name, options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
