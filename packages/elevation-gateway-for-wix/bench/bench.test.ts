// The benchmark is not a test of speed (no timing is asserted anywhere in `npm test`); this smoke
// run of every benchmark, with a handful of iterations, keeps it from rotting: it must run end to
// end and report every figure as a finite number.
import { describe, expect, it } from 'vitest';
import { runBenchmarks } from './run.ts';
import { machine, resultsJson } from './report.ts';

export const REQUIRED_KEYS = [
  'decision_1000_over_10',
  'decision_1000_over_10_min',
  'decision_1000_over_10_max',
  'cedar_over_gateway',
  'casbin_over_gateway',
  'gateway_over_careful',
  'request_denied_over_careful',
  'request_own_read_20ms_over_careful',
  'identity_cache_latency_cut',
  'bundle_kb',
  'naive_bundle_kb',
  'cold_start_over_naive',
  'floor_cold_start_over_naive',
  'load_rps',
  'load_careful_rps',
  'load_gateway_over_careful',
  'heap_growth_mb',
  'workerd_gateway_over_careful',
  'load_p99_ms',
  'load_errors',
  'rss_growth_mb',
] as const;

describe('npm run bench (quick smoke run)', () => {
  it('runs every benchmark and reports every figure as a finite number', async () => {
    const figures = await runBenchmarks({ quick: true });
    const results = resultsJson(figures, machine(), true);
    for (const key of REQUIRED_KEYS) {
      expect(results, key).toHaveProperty(key);
      expect(Number.isFinite(results[key]), key).toBe(true);
    }
    for (const f of figures) expect(Number.isFinite(f.value), f.key).toBe(true);
    expect(new Set(figures.map((f) => f.key)).size).toBe(figures.length);
    const m = results.machine as { cpu: string; cores: number; memoryGb: number };
    expect(m.cores).toBeGreaterThan(0);
    expect(typeof results.node).toBe('string');
  }, 180_000);
});
