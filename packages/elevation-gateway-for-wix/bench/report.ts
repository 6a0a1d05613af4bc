// The benchmark's output: one figure per line with its goal and whether it was met, and the JSON
// written to bench/results.json (every figure as a top-level number, plus the machine).
import os from 'node:os';

export interface Figure {
  /** The key in results.json. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** As shown, e.g. `≤ 1.3`. */
  goal?: string;
  met?: boolean;
  /** Why the figure is what it is, when that needs saying. */
  note?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  platform: string;
  node: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
  };
}

function format(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  const fraction = unit === '×' ? 2 : digits;
  const text = value.toLocaleString('en', { maximumFractionDigits: fraction, minimumFractionDigits: unit === '×' ? 2 : 0 });
  return unit === '%' || unit === '×' ? `${text}${unit === '%' ? ' %' : '×'}` : `${text} ${unit}`;
}

export function table(figures: Figure[], m: Machine, quick: boolean): string {
  const rows = figures.map((f) => [f.label, format(f.value, f.unit), f.goal ?? '', f.met === undefined ? '' : f.met ? 'met' : 'MISSED', f.key]);
  const head = ['figure', 'value', 'goal', '', 'key'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const out = [
    `${quick ? 'QUICK RUN (smoke test, figures meaningless) — ' : ''}${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}`,
    '',
    line(head),
    `|${widths.map((w, i) => (i === 1 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...rows.map(line),
  ];
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.key}: ${f.note}`);
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

export function resultsJson(figures: Figure[], m: Machine, quick: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of figures) out[f.key] = f.value;
  out.goals = Object.fromEntries(figures.filter((f) => f.goal).map((f) => [f.key, { goal: f.goal, met: f.met }]));
  out.machine = { cpu: m.cpu, cores: m.cores, memoryGb: m.memoryGb, platform: m.platform };
  out.node = m.node;
  out.quick = quick;
  out.generatedAt = new Date().toISOString();
  return out;
}
