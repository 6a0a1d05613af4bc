// Item 1: the cost of one decision (PolicyEngine.decide) as the policy grows from 10 to 10,000
// rules. The probe is fixed (a visitor on ten methods that hold one visitor rule at every size), so
// the figure shows what the rules that do not concern the call cost: nothing, if CASL's index by
// call (and the per-subject-type abilities, i.e. by role) do their job.
import { PolicyEngine } from '../src/gateway/decide.ts';
import { measure } from './measure.ts';
import { probeRequests, realMethods, syntheticPolicy } from './synthetic-policy.ts';
import type { Figure } from './report.ts';

export const POLICY_SIZES = [10, 100, 1_000, 10_000] as const;

export async function decisionCost(options: { quick: boolean }): Promise<Figure[]> {
  const methods = await realMethods();
  const tasks: Record<string, () => void> = {};
  const considered: Record<number, number> = {};
  let sink = 0;
  for (const size of POLICY_SIZES) {
    const policy = syntheticPolicy(size, methods);
    const engine = new PolicyEngine(policy);
    const probes = probeRequests(policy, methods, 1024);
    // How many rules the probes' decisions actually look at: must not grow with the policy.
    considered[size] = probes.filter((p) => engine.decide(p.caller, p.call, p.args).effect === 'allow').length;
    let i = 0;
    tasks[String(size)] = () => {
      const p = probes[i++ & 1023]!;
      if (engine.decide(p.caller, p.call, p.args).effect === 'allow') sink++;
    };
  }
  const results = await measure(tasks, { quick: options.quick, timeMs: 1500 });
  if (sink < 0) console.log(sink); // keeps the decisions observable
  if (new Set(Object.values(considered)).size !== 1) {
    throw new Error(`the probe decisions differ between policy sizes: ${JSON.stringify(considered)}`);
  }
  const us = (ms: number) => ms * 1000;
  const figures: Figure[] = [];
  for (const size of POLICY_SIZES) {
    const r = results[String(size)]!;
    figures.push({ key: `decision_${size}_median_us`, label: `decision, ${size.toLocaleString('en')} rules, median`, value: us(r.medianMs), unit: 'µs' });
    figures.push({ key: `decision_${size}_p99_us`, label: `decision, ${size.toLocaleString('en')} rules, p99`, value: us(r.p99Ms), unit: 'µs' });
  }
  const base = results['10']!.medianMs;
  const ratio = results['1000']!.medianMs / base;
  figures.push({ key: 'decision_1000_over_10', label: 'decision median, 1,000 rules ÷ 10 rules', value: ratio, unit: '×', goal: '≤ 1.3', met: ratio <= 1.3 });
  figures.push({ key: 'decision_10000_over_10', label: 'decision median, 10,000 rules ÷ 10 rules', value: results['10000']!.medianMs / base, unit: '×' });
  return figures;
}
