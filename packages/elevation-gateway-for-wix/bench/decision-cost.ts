// Item 1: the cost of one decision (PolicyEngine.decide) as the policy grows from 10 to 10,000
// rules. The probe is fixed (a visitor on ten methods that hold one visitor rule at every size), so
// the figure shows what the rules that do not concern the call cost: nothing, if CASL's index by
// call (and the per-subject-type abilities, i.e. by role) do their job.
//
// One decision takes well under a microsecond, below what a single timing resolves, so every sample
// is a BATCH of decisions over the 1,024 probes (per-decision time = batch time ÷ batch size). The
// sizes are interleaved batch by batch, in an order that alternates from sweep to sweep, over several
// rounds: every size meets the same JIT state, heap and machine load. Each round gives one median
// per size, and one ratio per pair of sizes; the figures are the medians over the rounds, with the
// min–max of the rounds as their spread.
import { PolicyEngine } from '../src/gateway/decide.ts';
import { median } from './measure.ts';
import { probeRequests, realMethods, syntheticPolicy } from './synthetic-policy.ts';
import type { Figure } from './report.ts';

export const POLICY_SIZES = [10, 100, 1_000, 10_000] as const;

/** Decisions per timed sample. */
const BATCH = 1000;
const PROBES = 1024;

interface Plan {
  rounds: number;
  /** Batches per size per round (each sweep runs one batch of every size). */
  sweeps: number;
  warmupSweeps: number;
}

const FULL: Plan = { rounds: 15, sweeps: 300, warmupSweeps: 200 };
const QUICK: Plan = { rounds: 2, sweeps: 5, warmupSweeps: 2 };

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

export async function decisionCost(options: { quick: boolean }): Promise<Figure[]> {
  const plan = options.quick ? QUICK : FULL;
  const methods = await realMethods();
  const considered: Record<number, number> = {};
  let sink = 0;
  /** One batch of decisions per size, returning its time in ns. */
  const batches = POLICY_SIZES.map((size) => {
    const policy = syntheticPolicy(size, methods);
    const engine = new PolicyEngine(policy);
    const probes = probeRequests(policy, methods, PROBES);
    // How many of the probes are allowed: must not change with the policy's size.
    considered[size] = probes.filter((p) => engine.decide(p.caller, p.call, p.args).effect === 'allow').length;
    let i = 0;
    return () => {
      let allowed = 0;
      const started = process.hrtime.bigint();
      for (let n = 0; n < BATCH; n++) {
        const p = probes[i++ & (PROBES - 1)]!;
        if (engine.decide(p.caller, p.call, p.args).effect === 'allow') allowed++;
      }
      const ns = Number(process.hrtime.bigint() - started);
      sink += allowed;
      return ns;
    };
  });
  if (new Set(Object.values(considered)).size !== 1) {
    throw new Error(`the probe decisions differ between policy sizes: ${JSON.stringify(considered)}`);
  }

  const order = (sweep: number) => (sweep % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]);
  for (let sweep = 0; sweep < plan.warmupSweeps; sweep++) for (const k of order(sweep)) batches[k]!();

  /** Per size: every batch's per-decision time (µs), and each round's median. */
  const all: number[][] = POLICY_SIZES.map(() => []);
  const roundMedians: number[][] = POLICY_SIZES.map(() => []);
  for (let round = 0; round < plan.rounds; round++) {
    const samples: number[][] = POLICY_SIZES.map(() => []);
    for (let sweep = 0; sweep < plan.sweeps; sweep++) {
      // The order alternates within a round and the round's first order alternates between rounds.
      for (const k of order(sweep + round)) samples[k]!.push(batches[k]!() / BATCH / 1000);
    }
    POLICY_SIZES.forEach((_, k) => {
      all[k]!.push(...samples[k]!);
      roundMedians[k]!.push(median(samples[k]!));
    });
  }
  if (sink < 0) console.log(sink); // keeps the decisions observable

  const figures: Figure[] = [];
  const spread = (values: number[]) => `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`;
  POLICY_SIZES.forEach((size, k) => {
    const rules = size.toLocaleString('en');
    figures.push({
      key: `decision_${size}_median_us`,
      label: `decision, ${rules} rules, median (rounds ${spread(roundMedians[k]!)} µs)`,
      value: median(roundMedians[k]!),
      unit: 'µs',
    });
    figures.push({ key: `decision_${size}_p99_us`, label: `decision, ${rules} rules, p99 of batches`, value: quantile(all[k]!, 0.99), unit: 'µs' });
  });
  const ratios = (k: number) => roundMedians[k]!.map((m, round) => m / roundMedians[0]![round]!);
  const r1000 = ratios(POLICY_SIZES.indexOf(1_000));
  const r10000 = ratios(POLICY_SIZES.indexOf(10_000));
  const ratio = median(r1000);
  figures.push({
    key: 'decision_1000_over_10',
    label: `decision median, 1,000 rules ÷ 10 rules (rounds ${Math.min(...r1000).toFixed(2)}–${Math.max(...r1000).toFixed(2)})`,
    value: ratio,
    unit: '×',
    goal: '≤ 1.3',
    met: ratio <= 1.3,
    note: `median of ${plan.rounds} per-round ratios; each round times ${plan.sweeps} batches of ${BATCH} decisions per size, sizes interleaved batch by batch`,
  });
  figures.push({ key: 'decision_1000_over_10_min', label: 'decision median, 1,000 ÷ 10 rules, lowest round', value: Math.min(...r1000), unit: '×' });
  figures.push({ key: 'decision_1000_over_10_max', label: 'decision median, 1,000 ÷ 10 rules, highest round', value: Math.max(...r1000), unit: '×' });
  figures.push({
    key: 'decision_10000_over_10',
    label: `decision median, 10,000 rules ÷ 10 rules (rounds ${Math.min(...r10000).toFixed(2)}–${Math.max(...r10000).toFixed(2)})`,
    value: median(r10000),
    unit: '×',
  });
  return figures;
}
