// The whole request inside workerd, the runtime Wix serves app backends on: the shop's shipped
// endpoint (`/functions/elevate`, its api.ts as is: identity cache on, the console decision log)
// against the careful hand-written endpoint (`/functions/careful`, careful-endpoint.ts: token-info
// on every request), both served by Wix's own runtime entry from @wix/cli-app in the same worker,
// bundled by Vite and run by Miniflare 3 with `nodejs_compat` (workerd/build.ts). Every request the
// worker makes goes to the in-memory emulator through Miniflare's outboundService. Each case of
// request-cases.ts is first checked to answer alike on both sides (status, item ids, merchant data
// removed, the same Wix calls made as the app); then timed in rounds: a round is a batch of
// sequential `mf.dispatchFetch` round trips interleaved request by request (gateway, careful, then
// careful, gateway, …), each side's mean per request taken, and the case's figure is the median of
// the rounds' ratios, with their spread. Interleaving request by request rather than batch by batch
// keeps the two sides under the same conditions on a busy machine: workerd, Miniflare and the
// emulator share its cores. A probe route (workerd/probe-api.ts) answers which hashing the gateway
// uses there and gives two reference points: the round trip to an api.ts that answers at once, and
// the price of one outgoing request.
//
// Alone: `npx tsx bench/workerd-request.ts` (BENCH_QUICK=1 for the smoke run).
import { pathToFileURL } from 'node:url';
import type { Miniflare } from 'miniflare';
import { createWixEmulator, devTokens, type WixEmulator } from '../src/dev/emulator/index.ts';
import { median, isQuick, sideBySide, type SideBySide } from './measure.ts';
import { machine, table, type Figure } from './report.ts';
import { CASES, type RequestCase } from './request-cases.ts';
import { buildBenchWorker } from './workerd/build.ts';
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, startWorker } from '../test/workerd/miniflare.ts';
import type { ProbeReply } from './workerd/probe-api.ts';

type Side = 'gateway' | 'careful';

const PATHS: Record<Side, string> = { gateway: '/functions/elevate', careful: '/functions/careful' };
const ORIGIN = 'http://localhost';
const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';

interface Plan {
  /** Rounds per case, at most; at least `minRounds`, more while the case is within `caseBudgetMs`. */
  rounds: number;
  minRounds: number;
  /** Time per case (warmup included) after which no new round starts: bounds the run on a busy machine. */
  caseBudgetMs: number;
  /** Request pairs per round (one on each side, the order alternating). */
  batch: number;
  /** Untimed pairs before the rounds. */
  warmup: number;
  /** Rounds and pairs per round of the probe's reference points (after `warmup` pairs). */
  probeRounds: number;
  probeBatch: number;
}

const FULL: Plan = { rounds: 25, minRounds: 9, caseBudgetMs: 13_000, batch: 24, warmup: 100, probeRounds: 15, probeBatch: 24 };
const QUICK: Plan = { rounds: 2, minRounds: 2, caseBudgetMs: 0, batch: 5, warmup: 5, probeRounds: 2, probeBatch: 5 };

interface Observed {
  status: number;
  ids: string;
  masked: boolean;
  /** The REST calls Wix received (token-info and the token exchange left out). */
  wix: string[];
  /** Whether every REST call carried the app's token (the elevation exchange happened). */
  asApp: boolean;
  /** Every outgoing request of the worker for this request, by route, in order. */
  outbound: string[];
}

interface CaseTiming extends SideBySide {
  c: RequestCase;
  outbound: Record<Side, string[]>;
}

function post(mf: Miniflare, path: string, token: string, body?: unknown) {
  return mf.dispatchFetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function observe(mf: Miniflare, emulator: WixEmulator, side: Side, c: RequestCase): Promise<Observed> {
  emulator.requests.length = 0;
  const response = await post(mf, PATHS[side], c.token, c.body);
  const text = await response.text();
  let json: { result?: Record<string, unknown> } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    /* not JSON: the status tells */
  }
  const result = json.result ?? {};
  const items = (result.products ?? result.orders ?? (result._id ? [result] : [])) as { _id?: string }[];
  const rest = emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token');
  return {
    status: response.status,
    ids: items.map((i) => i._id).join(','),
    masked: !/costRange|revenueDetails/.test(text),
    wix: rest.map((r) => `${r.route} ${JSON.stringify(r.body ?? r.payload ?? null)}`),
    asApp: rest.every((r) => r.authorization === devTokens.app),
    outbound: emulator.requests.map((r) => r.route),
  };
}

/** Both sides answer the case alike and make the same Wix calls as the app; else the timings compare different work. */
async function checkAlike(mf: Miniflare, emulator: WixEmulator, c: RequestCase): Promise<Record<Side, string[]>> {
  // The first requests load the policy, fill the gateway's identity cache and make the careful endpoint.
  await observe(mf, emulator, 'gateway', c);
  await observe(mf, emulator, 'careful', c);
  const g = await observe(mf, emulator, 'gateway', c);
  const k = await observe(mf, emulator, 'careful', c);
  const problems: string[] = [];
  if (g.status !== c.status || k.status !== c.status) problems.push(`status gateway ${g.status}, careful ${k.status}, expected ${c.status}`);
  if (g.ids !== k.ids) problems.push(`items gateway [${g.ids}], careful [${k.ids}]`);
  if (!g.masked || !k.masked) problems.push('merchant data in a reply');
  if (c.status === 200 && g.ids === '') problems.push('no items: the case proves nothing');
  if (c.status !== 200 && (g.wix.length || k.wix.length)) problems.push(`a refusal reached Wix: gateway [${g.wix}], careful [${k.wix}]`);
  if (c.status === 200 && g.wix.length !== k.wix.length) problems.push(`Wix calls differ: gateway [${g.wix.join(' | ')}], careful [${k.wix.join(' | ')}]`);
  if (!g.asApp || !k.asApp) problems.push('a call reached Wix without the app token');
  if (problems.length) throw new Error(`workerd request, ${c.name}: the endpoints do not do the same thing: ${problems.join('; ')}`);
  return { gateway: g.outbound, careful: k.outbound };
}

async function measureCase(mf: Miniflare, emulator: WixEmulator, c: RequestCase, plan: Plan, sent: { gateway: number }): Promise<CaseTiming> {
  const started = performance.now();
  const outbound = await checkAlike(mf, emulator, c);
  sent.gateway += 2;
  const once = async (side: Side): Promise<number> => {
    const started = performance.now();
    const response = await post(mf, PATHS[side], c.token, c.body);
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== c.status) throw new Error(`workerd request, ${c.name}: ${side} answered ${response.status}, not ${c.status}`);
    if (side === 'gateway') sent.gateway++;
    return ms;
  };
  /** Mean ms per request on each side over `n` pairs, the order within a pair alternating. */
  const round = async (n: number): Promise<Record<Side, number>> => {
    const total: Record<Side, number> = { gateway: 0, careful: 0 };
    for (let i = 0; i < n; i++) {
      const order: Side[] = i % 2 ? ['careful', 'gateway'] : ['gateway', 'careful'];
      for (const side of order) total[side] += await once(side);
    }
    // The emulator records every request: keep its memory flat over the run.
    emulator.requests.length = 0;
    return { gateway: total.gateway / n, careful: total.careful / n };
  };
  await round(plan.warmup);
  const times: Record<Side, number[]> = { gateway: [], careful: [] };
  for (let r = 0; r < plan.rounds && (r < plan.minRounds || performance.now() - started < plan.caseBudgetMs); r++) {
    const t = await round(plan.batch);
    times.gateway.push(t.gateway);
    times.careful.push(t.careful);
  }
  return { c, ...sideBySide(times.gateway, times.careful), outbound };
}

/** The probe's reference points: the round trip to an api.ts that answers at once, and what one outgoing request adds. */
async function referencePoints(
  mf: Miniflare,
  emulator: WixEmulator,
  plan: Plan,
): Promise<{ floorUs: number; hopUs: number; hopMin: number; hopMax: number; emulatorUs: number }> {
  const paths = ['/functions/probe', '/functions/probe?hop=1'] as const;
  const once = async (path: string): Promise<number> => {
    const started = performance.now();
    const response = await post(mf, path, devTokens.visitor);
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`workerd request: the probe ${path} answered ${response.status}`);
    return ms;
  };
  /** Mean µs per request without and with the outgoing request, over `n` pairs in alternating order. */
  const round = async (n: number): Promise<[number, number]> => {
    const total = [0, 0];
    for (let i = 0; i < n; i++) {
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const k of order) total[k]! += await once(paths[k]!);
    }
    emulator.requests.length = 0;
    return [(total[0]! / n) * 1000, (total[1]! / n) * 1000];
  };
  await round(plan.warmup);
  const floors: number[] = [];
  const hops: number[] = [];
  for (let r = 0; r < plan.probeRounds; r++) {
    const [floor, withHop] = await round(plan.probeBatch);
    floors.push(floor);
    hops.push(withHop - floor);
  }
  return {
    floorUs: median(floors),
    hopUs: median(hops),
    hopMin: Math.min(...hops),
    hopMax: Math.max(...hops),
    emulatorUs: await emulatorAlone(emulator, plan),
  };
}

/** What the emulator itself takes to answer token-info in Node, without the hop: µs per request. */
async function emulatorAlone(emulator: WixEmulator, plan: Plan): Promise<number> {
  const n = plan.probeRounds * plan.probeBatch;
  const body = JSON.stringify({ token: devTokens.visitor });
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const response = await emulator.handle(new Request(TOKEN_INFO_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    await response.arrayBuffer();
  }
  emulator.requests.length = 0;
  return ((performance.now() - started) / n) * 1000;
}

/** `token-info ×2, token, getOrder`: the routes of the outgoing requests, repeats counted. */
function describeOutbound(routes: string[]): string {
  if (routes.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const r of routes) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
}

export async function workerdRequest(options: { quick: boolean }): Promise<Figure[]> {
  const plan = options.quick ? QUICK : FULL;
  const started = performance.now();
  const worker = await buildBenchWorker();
  const buildS = (performance.now() - started) / 1000;
  const emulator = createWixEmulator();
  let decisionLines = 0;
  let mf: Miniflare | undefined;
  try {
    // The gateway's decision log: counted, one line per gateway request.
    mf = await startWorker({
      scriptPath: worker.scriptPath,
      modulesRoot: worker.modulesRoot,
      outbound: (request) => emulator.handle(request),
      onLine: (line) => void (line.includes('"decision":') && decisionLines++),
    });

    const probeResponse = await post(mf, '/functions/probe', devTokens.visitor);
    if (probeResponse.status !== 200) throw new Error(`workerd request: the probe answered ${probeResponse.status}: ${await probeResponse.text()}`);
    const probe = (await probeResponse.json()) as ProbeReply;
    const reference = await referencePoints(mf, emulator, plan);

    const sent = { gateway: 0 };
    const timings: CaseTiming[] = [];
    for (const c of CASES) timings.push(await measureCase(mf, emulator, c, plan, sent));

    // Console output reaches the runtime's stdout a little after the reply: give the last lines a moment.
    for (let i = 0; i < 50 && decisionLines < sent.gateway; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    if (decisionLines < sent.gateway) throw new Error(`workerd request: the gateway wrote ${decisionLines} decision-log lines for ${sent.gateway} requests`);

    const flags = `compatibility date ${COMPATIBILITY_DATE}, flags ${COMPATIBILITY_FLAGS.join(', ')}`;
    const nodeCrypto = probe.implementation === 'node:crypto';
    const figures: Figure[] = [
      {
        key: 'workerd_hashing_node_crypto',
        label: `workerd (${flags}): the gateway hashes with ${probe.implementation} (1 = node:crypto, 0 = WebCrypto)`,
        value: nodeCrypto ? 1 : 0,
        unit: '',
        note:
          `inside the worker: typeof process = ${probe.process}, typeof process.getBuiltinModule = ${probe.getBuiltinModule}, ` +
          `getBuiltinModule('node:crypto') → ${probe.nodeCrypto}, createHash ${probe.functions.createHash}, createHmac ${probe.functions.createHmac}, ` +
          `createSecretKey ${probe.functions.createSecretKey}; builtinNodeCrypto() ${probe.builtinNodeCrypto ? 'found it' : 'found nothing'}, ` +
          `so src/contract/hashing.ts uses ${probe.implementation} there`,
      },
      {
        key: 'workerd_floor_us',
        label: 'workerd: round trip to an api.ts that answers at once (Wix runtime entry, no outgoing request)',
        value: reference.floorUs,
        unit: 'µs',
        note: "mf.dispatchFetch from Node into workerd and back: Miniflare's dispatch (its loopback HTTP hop and proxy), Wix's runtime entry, a trivial POST",
      },
      {
        key: 'workerd_outbound_hop_us',
        label: `workerd: what one outgoing request to the emulator adds (${plan.probeRounds} rounds ${Math.round(reference.hopMin)}–${Math.round(reference.hopMax)} µs)`,
        value: reference.hopUs,
        unit: 'µs',
        note:
          `a fetch from the worker to www.wixapis.com (token-info), which Miniflare's outboundService hands back to the emulator in Node; ` +
          `the emulator alone answers it in ${Math.round(reference.emulatorUs)} µs (called directly in Node): the rest is the hop itself`,
      },
    ];
    for (const t of timings) {
      const hops = `outgoing: gateway ${t.outbound.gateway.length}, careful ${t.outbound.careful.length}`;
      figures.push(
        { key: `workerd_${t.c.name}_gateway_us`, label: `${t.c.label}, in workerd: gateway per round trip`, value: t.gatewayUs, unit: 'µs' },
        { key: `workerd_${t.c.name}_careful_us`, label: `${t.c.label}, in workerd: careful endpoint per round trip`, value: t.carefulUs, unit: 'µs' },
        {
          key: `workerd_${t.c.name}_over_careful`,
          label: `${t.c.label}, in workerd: gateway ÷ careful (${t.rounds} rounds ${t.ratioMin.toFixed(2)}–${t.ratioMax.toFixed(2)}; ${hops})`,
          value: t.ratio,
          unit: '×',
          note: `per request the worker sent the emulator: gateway [${describeOutbound(t.outbound.gateway)}], careful [${describeOutbound(t.outbound.careful)}]`,
        },
      );
    }
    const worst = timings.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    figures.push({
      key: 'workerd_gateway_over_careful',
      label: `whole request in workerd, worst case (${worst.c.name}): gateway ÷ careful`,
      value: worst.ratio,
      unit: '×',
      note:
        `both endpoints behind Wix's runtime entry in one worker (Miniflare 3, ${flags}; built in ${buildS.toFixed(1)} s); ` +
        `the time is a whole mf.dispatchFetch round trip, so it includes Miniflare's dispatch overhead (workerd_floor_us) and every outgoing request ` +
        `the worker makes (token-info, the runtime's token exchange, the REST call), each a hop back to the emulator in Node (workerd_outbound_hop_us): ` +
        `the careful endpoint asks token-info on every request, the gateway's identity cache does not, which in workerd costs a whole hop; ` +
        `the gateway's decision log went to the runtime's stdout (${decisionLines.toLocaleString('en')} lines, drained); medians of ${timings.map((t) => t.rounds).join('/')} rounds (per case) of ` +
        `${plan.batch} request pairs, interleaved request by request`,
    });
    return figures;
  } finally {
    try {
      await mf?.dispose();
    } finally {
      await worker.cleanup();
    }
  }
}

async function main(): Promise<void> {
  const quick = isQuick();
  const started = performance.now();
  const figures = await workerdRequest({ quick });
  console.log(`\n${table(figures, machine(), quick)}\n`);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
