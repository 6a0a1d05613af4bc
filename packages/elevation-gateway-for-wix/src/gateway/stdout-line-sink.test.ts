// The default decision log on Node: JSON lines on stdout, one write per event-loop turn, none lost
// (a full batch goes at once, the rest at exit), and each line straight through console.log while
// anything has replaced it (the local server, a log shipper, a test's spy).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_PENDING_LINES, stdoutLineSink, type DecisionEntry } from './decision-log.ts';

const entry = (n: number): DecisionEntry => ({ requestId: `r-${n}`, decision: 'allow', status: 200, obligations: [], time: 't', durationMs: 0 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

function fakeStdout() {
  const writes: string[] = [];
  let atExit: (() => void) | undefined;
  return {
    writes,
    exit: () => atExit?.(),
    out: { stdout: { write: (text: string) => writes.push(text) }, once: (_: 'exit', listener: () => void) => (atExit = listener) },
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
