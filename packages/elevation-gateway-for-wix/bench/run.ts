// `npm run bench`: every benchmark in turn, one table, bench/results.json. BENCH_QUICK=1 runs a
// handful of iterations of each (the smoke test's mode): it proves the code runs, not the numbers.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decisionCost } from './decision-cost.ts';
import { peers } from './peers.ts';
import { wholeRequest } from './whole-request.ts';
import { tracerCost } from './tracer-cost.ts';
import { identityCacheBench } from './identity-cache.ts';
import { coldStart } from './cold-start.ts';
import { load } from './load.ts';
import { workerdRequest } from './workerd-request.ts';
import { isQuick } from './measure.ts';
import { machine, resultsJson, table, type Figure } from './report.ts';

export const BENCHMARKS: [string, (options: { quick: boolean }) => Promise<Figure[]>][] = [
  ['decision cost vs policy size', decisionCost],
  ['peers: Cedar and Casbin on the same policy', peers],
  ['whole request as shipped vs a careful hand-written endpoint', wholeRequest],
  ['the tracer when off', tracerCost],
  ['identity cache', identityCacheBench],
  ['cold start and bundle size', coldStart],
  ['whole request inside workerd (Miniflare) vs the careful endpoint', workerdRequest],
  ['load: gateway vs careful endpoint (node:http, in-process Wix stub)', load],
];

export async function runBenchmarks(options: { quick: boolean; log?: (line: string) => void }): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, bench] of BENCHMARKS) {
    const started = performance.now();
    options.log?.(`… ${name}`);
    figures.push(...(await bench({ quick: options.quick })));
    options.log?.(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return figures;
}

async function main(): Promise<void> {
  const quick = isQuick();
  const started = performance.now();
  const figures = await runBenchmarks({ quick, log: (line) => process.stderr.write(`${line}\n`) });
  const m = machine();
  console.log(`\n${table(figures, m, quick)}\n`);
  const missed = figures.filter((f) => f.met === false).map((f) => f.key);
  console.log(missed.length ? `goals missed: ${missed.join(', ')} (see README.md, "Performance")` : 'every goal met');
  // A quick run's numbers mean nothing: they never replace the committed results of a full run.
  const out = quick ? '.tmp/bench-results.quick.json' : 'bench/results.json';
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(resultsJson(figures, m, quick), null, 2)}\n`);
  console.log(`wrote ${out} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
