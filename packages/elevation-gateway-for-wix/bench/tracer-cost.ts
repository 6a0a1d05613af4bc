// The tracer's cost when it is off: the whole request of whole-request.ts through this tree's core
// (no tracer given) against the same request through the core as it was before the tracer and the
// obligation plan existed (commit BEFORE_TRACER, read from git into .tmp/), alternating rounds in
// one run. The ratio bounds what the trace points cost when nobody traces, together with whatever
// else changed in the core since; a clone without git history cannot measure it and says so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGateway } from '../src/gateway/gateway.ts';
import { silentSink } from '../src/gateway/decision-log.ts';
import type { PolicyModule } from '../src/gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { measure, median } from './measure.ts';
import type { Figure } from './report.ts';

/** The last commit before the tracer (and the obligation plan) entered the core. */
export const BEFORE_TRACER = '8b65d0e';
const BODY = JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });

type Handle = (request: Request) => Promise<Response>;

/** The core at BEFORE_TRACER, with its own generated policy module; undefined without git history. */
async function baselineGateway(fetch: typeof globalThis.fetch): Promise<(() => Handle) | undefined> {
  const dir = resolve('.tmp/bench-before-tracer');
  try {
    if (!existsSync(join(dir, 'src/gateway/gateway.ts'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // At BEFORE_TRACER the core lived at the repository's root (src/), before the package folder.
      const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
      const archive = execFileSync('git', ['archive', '--format=tar', BEFORE_TRACER, 'src'], { cwd: top, maxBuffer: 256 * 1024 * 1024 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    }
  } catch {
    return undefined;
  }
  const core = (await import(pathToFileURL(join(dir, 'src/gateway/gateway.ts')).href)) as typeof import('../src/gateway/gateway.ts');
  const module = (await import(pathToFileURL(join(dir, 'src/generated/policy.ts')).href)) as PolicyModule;
  return () => core.createGateway({ appId: APP_ID, policy: async () => module, fetch, decisionLog: silentSink }).handle;
}

export async function tracerCost(options: { quick: boolean }): Promise<Figure[]> {
  const emulator = createWixEmulator();
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const off = createGateway({ appId: APP_ID, policy: async () => generated as PolicyModule, fetch: emulator.fetch, decisionLog: silentSink });
  const baseline = await baselineGateway(emulator.fetch);
  if (!baseline) {
    process.stderr.write(`  (the tracer's cost is not measured: no git history to read ${BEFORE_TRACER} from)\n`);
    return [];
  }
  // A second gateway of the old core measures the noise floor: the ratio of two identical cores.
  const endpoints: Record<string, Handle> = { off: off.handle, before: baseline(), again: baseline() };
  const request = () =>
    new Request('https://app.example/functions/elevate', {
      method: 'POST',
      headers: { authorization: devTokens.members['m-1'], 'content-type': 'application/json' },
      body: BODY,
    });
  for (const [name, handle] of Object.entries(endpoints)) {
    const response = await runtime.serve(request(), handle);
    if (response.status !== 200) throw new Error(`${name} did not answer the own-order read: ${response.status}`);
  }
  const tasks = Object.fromEntries(
    Object.entries(endpoints).map(([name, handle]) => [
      name,
      async () => {
        const response = await runtime.serve(request(), handle);
        await response.text();
        if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
        if (emulator.requests.length > 1000) emulator.requests.length = 0;
      },
    ]),
  );
  // Many short alternating rounds: a 2 % difference is below this machine's noise in any one of them.
  const rounds = options.quick ? 1 : 20;
  const medians: Record<string, number[]> = { off: [], before: [], again: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? ['before', 'again', 'off'] : ['off', 'again', 'before'];
    const r = await measure(Object.fromEntries(order.map((n) => [n, tasks[n]!])), { quick: options.quick, timeMs: 1000 });
    for (const n of order) medians[n]!.push(r[n]!.medianMs);
  }
  const ratio = median(medians.off!) / median(medians.before!);
  const noise = median(medians.again!) / median(medians.before!);
  return [
    {
      key: 'tracer_off_over_before',
      label: `whole request, tracer off ÷ the core before the tracer (${BEFORE_TRACER})`,
      value: ratio,
      unit: '×',
      goal: '≤ 1.02',
      met: ratio <= 1.02,
    },
    { key: 'tracer_noise_floor', label: 'the same, two gateways of the old core (the noise floor of the ratio above)', value: noise, unit: '×' },
  ];
}
