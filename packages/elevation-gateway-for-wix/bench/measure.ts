// Runs tinybench tasks and reads back median and p99 latency (ms). Quick mode (BENCH_QUICK=1, or
// `quick: true`) runs a handful of iterations: it proves the code path, not the numbers.
import { Bench, type Fn } from 'tinybench';

export interface Latency {
  medianMs: number;
  p99Ms: number;
  samples: number;
}

export interface MeasureOptions {
  quick: boolean;
  /** Time budget per task in full mode, ms. */
  timeMs?: number;
  /** Minimum iterations per task in full mode. */
  iterations?: number;
}

export const isQuick = () => process.env.BENCH_QUICK === '1';

export async function measure(tasks: Record<string, Fn>, options: MeasureOptions): Promise<Record<string, Latency>> {
  const bench = new Bench({
    timestampProvider: 'hrtimeNow',
    time: options.quick ? 0 : (options.timeMs ?? 1000),
    iterations: options.quick ? 5 : (options.iterations ?? 64),
    warmup: true,
    warmupTime: options.quick ? 0 : Math.min(250, (options.timeMs ?? 1000) / 4),
    warmupIterations: options.quick ? 2 : 16,
    throws: true,
  });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, Latency> = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`benchmark task "${task.name}" did not complete (${r.state})`);
    out[task.name] = { medianMs: r.latency.p50, p99Ms: r.latency.p99, samples: r.latency.samplesCount };
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Two endpoints timed round by round: each one's median per request, and the rounds' ratios. */
export interface SideBySide {
  gatewayUs: number;
  carefulUs: number;
  /** Median of the per-round ratios gateway ÷ careful, with their spread. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  rounds: number;
}

/** From per-round times (ms per request) of the two sides, round i of one against round i of the other. */
export function sideBySide(gatewayMs: number[], carefulMs: number[]): SideBySide {
  const ratios = gatewayMs.map((g, i) => g / carefulMs[i]!);
  return {
    gatewayUs: median(gatewayMs) * 1000,
    carefulUs: median(carefulMs) * 1000,
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    rounds: ratios.length,
  };
}
