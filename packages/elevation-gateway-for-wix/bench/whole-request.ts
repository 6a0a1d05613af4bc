// Item 3: the whole request as it ships against a careful hand-written endpoint, case by case: a
// visitor listing products, a visitor refused an order, a member reading and searching their own
// orders. The gateway is the endpoint exactly as the shop's api.ts builds it (identity cache on,
// its decision log to a real stdout: the pipe of a child process, whole-request-child.ts, that
// this process drains and counts); the careful endpoint (careful-endpoint.ts) applies the same
// checks by hand and asks token-info every time. Both run the real SDK against the same in-memory
// emulator, first at zero latency (the figure is the gateway's own overhead) and then with
// token-info and Wix answering in 20 ms each (what a caller waits).
import { fork } from 'node:child_process';
import { CASES, type CaseResult } from './request-cases.ts';
import type { Figure } from './report.ts';

const GOALS = { 0: 1.3, 20: 0.55 } as const;

function runChild(quick: boolean): Promise<{ results: CaseResult[]; logLines: number }> {
  return new Promise((resolve, reject) => {
    const child = fork('bench/whole-request-child.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let logLines = 0;
    let logBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      logBytes += chunk.byteLength;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) logLines++;
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the whole-request benchmark did not finish within 10 minutes'));
    }, 600_000);
    child.on('message', (m: { ready?: true; results?: CaseResult[]; error?: string }) => {
      if (m.ready) child.send({ quick });
      if (m.error) {
        clearTimeout(timer);
        child.kill();
        reject(new Error(m.error));
      }
      if (m.results) {
        const results = m.results;
        child.disconnect();
        child.once('exit', () => {
          clearTimeout(timer);
          resolve({ results, logLines: logBytes > 0 ? logLines : 0 });
        });
      }
    });
    child.once('exit', (code) => {
      if (code !== 0) {
        clearTimeout(timer);
        reject(new Error(`the whole-request benchmark exited ${code}`));
      }
    });
  });
}

export async function wholeRequest(options: { quick: boolean }): Promise<Figure[]> {
  const { results, logLines } = await runChild(options.quick);
  const sent = results.reduce((n, r) => n + r.gatewayRequests, 0);
  // One decision-log line per gateway request, or the log was not what ships.
  if (logLines < sent) throw new Error(`the gateway wrote ${logLines} decision-log lines for ${sent} requests`);
  const figures: Figure[] = [];
  for (const r of results) {
    const c = CASES.find((k) => k.name === r.name)!;
    const at = r.latencyMs === 0 ? 'zero latency' : `token-info and Wix at ${r.latencyMs} ms`;
    const suffix = r.latencyMs === 0 ? '' : `_${r.latencyMs}ms`;
    const goal = GOALS[r.latencyMs as keyof typeof GOALS];
    const unit = r.latencyMs === 0 ? 'µs' : 'ms';
    const show = (us: number) => (r.latencyMs === 0 ? us : us / 1000);
    figures.push(
      {
        key: `request_${r.name}${suffix}_gateway_${unit === 'µs' ? 'us' : 'ms'}`,
        label: `${c.label}, ${at}: gateway per request`,
        value: show(r.gatewayUs),
        unit,
      },
      {
        key: `request_${r.name}${suffix}_careful_${unit === 'µs' ? 'us' : 'ms'}`,
        label: `${c.label}, ${at}: careful endpoint per request`,
        value: show(r.carefulUs),
        unit,
      },
      {
        key: `request_${r.name}${suffix}_over_careful`,
        label: `${c.label}, ${at}: gateway ÷ careful (${r.rounds} rounds ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)})`,
        value: r.ratio,
        unit: '×',
        goal: `≤ ${goal}`,
        met: r.ratio <= goal,
      },
    );
  }
  const zero = results.filter((r) => r.latencyMs === 0);
  const worst = Math.max(...zero.map((r) => r.ratio));
  figures.push({
    key: 'gateway_over_careful',
    label: 'whole request, worst case at zero latency: gateway ÷ careful',
    value: worst,
    unit: '×',
    goal: '≤ 1.3',
    met: worst <= 1.3,
    note: `the shipped api.ts endpoint (identity cache, console decision log to a pipe: ${logLines.toLocaleString('en')} lines) against careful-endpoint.ts, the same emulated Wix and real SDK; medians of interleaved rounds`,
  });
  return figures;
}
