// The default decision log on Node: JSON lines on stdout, one write per event-loop turn, none lost
// (a full batch goes at once, the rest at exit and on a terminating signal, in a real process too),
// and each line straight through console.log while anything has replaced it (the local server, a
// log shipper, a test's spy or runner).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_PENDING_LINES, stdoutLineSink, type DecisionEntry, type NodeProcess } from './decision-log.ts';

const entry = (n: number): DecisionEntry => ({ requestId: `r-${n}`, decision: 'allow', status: 200, obligations: [], time: 't', durationMs: 0 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

function fakeStdout() {
  const writes: string[] = [];
  let atExit: (() => void) | undefined;
  return {
    writes,
    exit: () => atExit?.(),
    out: {
      stdout: { write: (text: string) => writes.push(text) },
      once: (_: 'exit', listener: () => void) => (atExit = listener),
      on: () => undefined,
      removeListener: () => undefined,
      listenerCount: () => 1,
      kill: () => undefined,
      pid: 0,
    } satisfies NodeProcess,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('stdoutLineSink', () => {
  it('writes the lines of one turn in one write, each a JSON line, in order', async () => {
    const { writes, out } = fakeStdout();
    const sink = stdoutLineSink(out, () => true);
    for (let i = 0; i < 3; i++) sink.write(entry(i));
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endsWith('\n')).toBe(true);
    expect(
      writes[0]!
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).requestId),
    ).toEqual(['r-0', 'r-1', 'r-2']);
    sink.write(entry(3));
    await turn();
    expect(writes).toHaveLength(2);
  });

  it('writes a full batch at once and what is pending at exit', () => {
    const { writes, out, exit } = fakeStdout();
    const sink = stdoutLineSink(out, () => true);
    for (let i = 0; i < MAX_PENDING_LINES + 2; i++) sink.write(entry(i));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.trimEnd().split('\n')).toHaveLength(MAX_PENDING_LINES);
    exit();
    expect(writes).toHaveLength(2);
    expect(
      writes[1]!
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).requestId),
    ).toEqual([`r-${MAX_PENDING_LINES}`, `r-${MAX_PENDING_LINES + 1}`]);
  });

  it('on a terminating signal nobody else handles: writes what is pending, then raises it again', () => {
    const listeners = new Map<string, (signal: string) => void>();
    const writes: string[] = [];
    const killed: string[] = [];
    let others = 0;
    const out: NodeProcess = {
      stdout: { write: (text: string, written?: () => void) => (writes.push(text), written?.()) },
      once: () => undefined,
      on: (event, listener) => listeners.set(event, listener),
      removeListener: (event) => listeners.delete(event),
      listenerCount: () => 1 + others,
      kill: (_, signal) => killed.push(signal),
      pid: 1,
    };
    const sink = stdoutLineSink(out, () => true);
    sink.write(entry(0));
    expect([...listeners.keys()].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGTERM']);
    // The app listens too: write, and leave the process to it.
    others = 1;
    listeners.get('SIGTERM')!('SIGTERM');
    expect([writes.length, killed]).toEqual([1, []]);
    // Alone: write, then let the signal end the process (after the write is done).
    others = 0;
    sink.write(entry(1));
    listeners.get('SIGINT')!('SIGINT');
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('"r-1"');
    expect(killed).toEqual(['SIGINT']);
    expect(listeners.size).toBe(0);
  });

  it('goes through console.log, after what was pending, while console.log is not the runtime’s', async () => {
    const { writes, out } = fakeStdout();
    let direct = true;
    const sink = stdoutLineSink(out, () => direct);
    sink.write(entry(0));
    direct = false;
    const logged: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(line));
    sink.write(entry(1));
    expect(writes).toHaveLength(1); // r-0 first, so the order holds
    expect(logged.map((l) => JSON.parse(String(l)).requestId)).toEqual(['r-1']);
    await turn();
    expect(writes).toHaveLength(1);
  });

  it("by default sees vitest's console as a replaced one: lines go through it", () => {
    const { writes, out } = fakeStdout();
    const sink = stdoutLineSink({ ...out, getBuiltinModule: (id: string) => process.getBuiltinModule(id) });
    const printed = vi.spyOn(process.stdout, 'write');
    sink.write(entry(8));
    expect(writes).toEqual([]);
    expect(printed).not.toHaveBeenCalledWith(expect.stringContaining('"r-8"'), undefined);
  });

  it('by default sees a spy on console.log as a replaced console', () => {
    const { writes, out } = fakeStdout();
    const sink = stdoutLineSink(out);
    const logged: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(line));
    sink.write(entry(7));
    expect(logged).toHaveLength(1);
    expect(writes).toEqual([]);
  });
});

/** A real Node process whose default sink got `lines` lines, then `then` (code run in the same turn). */
function child(then: string) {
  const sink = fileURLToPath(new URL('./decision-log.ts', import.meta.url));
  const code = `import { consoleSink } from ${JSON.stringify(sink)};
for (let i = 0; i < 3; i++) consoleSink.write({ requestId: 'r-' + i, decision: 'allow', status: 200, obligations: [], time: 't', durationMs: 0 });
${then}
// Alive until the signal arrives (it is delivered on a later turn).
const alive = setTimeout(() => console.error('still running'), 3000);
process.on('exit', () => clearTimeout(alive));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  return {
    lines: run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l).requestId),
    signal: run.signal,
    status: run.status,
    stderr: run.stderr,
  };
}

describe('the default sink in a real Node process', () => {
  it('writes what is pending on SIGTERM and SIGINT, then ends by the signal as Node would have', () => {
    for (const signal of ['SIGTERM', 'SIGINT']) {
      const run = child(`process.kill(process.pid, '${signal}');`);
      expect(run.lines, signal).toEqual(['r-0', 'r-1', 'r-2']);
      expect(run.signal, signal).toBe(signal);
    }
  }, 30_000);

  it("leaves a signal to the app's own handler, after writing what is pending", () => {
    const run = child(`process.on('SIGTERM', () => { console.error('app shutdown'); process.exit(7); }); process.kill(process.pid, 'SIGTERM');`);
    expect(run.lines).toEqual(['r-0', 'r-1', 'r-2']);
    expect(run.stderr).toContain('app shutdown');
    expect(run.status).toBe(7);
  }, 30_000);

  it('writes what is pending at process.exit and on an uncaught error', () => {
    expect(child('process.exit(3);')).toMatchObject({ lines: ['r-0', 'r-1', 'r-2'], status: 3 });
    expect(child("throw new Error('boom');")).toMatchObject({ lines: ['r-0', 'r-1', 'r-2'], status: 1 });
  }, 30_000);
});
