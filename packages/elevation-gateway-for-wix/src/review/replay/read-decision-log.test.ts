// The decision-log reader: a log file is input. Whatever a line holds, it is read, numbered and
// reported, never a crash, and no line is held past its bound.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ARGS_DEPTH, MAX_LINE_VALUES, parseLogLine, readDecisionLog, type LogLine } from './read-decision-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'elevate-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
async function read(content: string | Buffer, maxLineBytes?: number): Promise<LogLine[]> {
  const file = join(dir, `log-${files++}.jsonl`);
  writeFileSync(file, content);
  const out: LogLine[] = [];
  for await (const line of readDecisionLog(file, maxLineBytes)) out.push(line);
  return out;
}

const entry = {
  time: '2025-01-01T00:00:00.000Z',
  requestId: 'r-1',
  policy: 'sha256:00',
  caller: { subjectType: 'USER', id: 'u-1' },
  call: 'ecom.orders.searchOrders',
  effect: 'allow',
  decision: 'allow',
  rule: 'search',
  status: 200,
  obligations: [],
  durationMs: 3,
};
const line = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...entry, ...extra });
const skipped = (result: { entry: unknown } | { skipped: string }) => ('skipped' in result ? result.skipped : 'read');

describe('readDecisionLog', () => {
  it('numbers every line, passes over blank ones, reads CRLF and a byte-order mark', async () => {
    const lines = await read(`\uFEFF${line()}\r\n\r\nserver started\n${line({ requestId: 'r-2' })}`);
    expect(lines.map((l) => [l.line, 'entry' in l ? l.entry.requestId : l.skipped])).toEqual([
      [1, 'r-1'],
      [3, 'not JSON'],
      [4, 'r-2'],
    ]);
  });

  it('skips a line longer than the bound without holding it, and reads on', async () => {
    const lines = await read(`${line()}\n{"x":"${'y'.repeat(5000)}"}\n${line({ requestId: 'r-3' })}\n`, 1024);
    expect(lines.map((l) => ('entry' in l ? l.entry.requestId : l.skipped))).toEqual(['r-1', 'longer than 1024 bytes', 'r-3']);
  });

  it('reads a large log, streamed', async () => {
    const count = 20_000;
    const text = Array.from({ length: count }, (_, i) => line({ requestId: `r-${i}` })).join('\n');
    const lines = await read(text);
    expect(lines).toHaveLength(count);
    expect(lines.at(-1)).toMatchObject({ line: count, entry: { requestId: `r-${count - 1}` } });
  });

  it('reads bytes that are not UTF-8 as a line like another', async () => {
    const lines = await read(Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x0a]), Buffer.from(line())]));
    expect(lines.map((l) => ('entry' in l ? 'entry' : l.skipped))).toEqual(['not JSON', 'entry']);
  });
});

describe('parseLogLine', () => {
  it.each([
    ['a number', '42', /^not a decision entry/],
    ['an array', '[1,2]', /^not a decision entry/],
    ['other JSON output', '{"level":"info","msg":"ready"}', /^not a decision entry \(time:/],
    ['an unknown decision', line({ decision: 'maybe' }), /decision/],
    ['an unknown subject type', line({ caller: { subjectType: 'ROOT', id: 'x' } }), /caller\.subjectType/],
    ['a status out of range', line({ status: 1000 }), /status/],
    ['an allow without its rule', line({ rule: undefined }), /an allow without its rule/],
    ['an obligation without a type', line({ obligations: [{}] }), /obligations\.0\.type/],
    ['a string among the arguments', line({ args: [{ filter: { slug: 'secret' } }] }), /args\.0\.filter\.slug is a string, not a redaction marker/],
    ['a marker without its length', line({ args: [{ $redacted: 'string' }] }), /args\.0 is not a redaction marker/],
    ['a marker with more keys', line({ args: [{ $redacted: 'number', value: 5 }] }), /args\.0 is not a redaction marker/],
    ['a truncated line', line().slice(0, 40), /^not JSON$/],
  ])('skips %s, saying why', (_name, text, why) => {
    expect(skipped(parseLogLine(text))).toMatch(why);
  });

  it(`skips arguments nested deeper than ${MAX_ARGS_DEPTH} levels, however deep`, () => {
    const text = (depth: number) =>
      `{"time":"t","requestId":"r","decision":"error","status":400,"obligations":[],"durationMs":0,"args":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(skipped(parseLogLine(text(MAX_ARGS_DEPTH)))).toBe('read');
    for (const depth of [MAX_ARGS_DEPTH + 1, 200_000]) {
      expect(skipped(parseLogLine(text(depth)))).toMatch(/nested more than 64 levels deep/);
    }
  });

  // A line of millions of values would take seconds and hundreds of MB to check: past the bound it is skipped unchecked.
  it(`skips a line of more than ${MAX_LINE_VALUES} values, wide or deep, and reads one within the bound`, () => {
    const entry = (args: string, obligations = '[]') =>
      `{"time":"t","requestId":"r","decision":"error","status":400,"obligations":${obligations},"durationMs":0,"args":${args}}`;
    const wide = `[${Array(1_000_000).fill('[]').join(',')}]`;
    const object = `[{${Array.from({ length: MAX_LINE_VALUES + 1 }, (_, i) => `"k${i}":0`).join(',')}}]`;
    const obligations = `[{"type":"filter","filter":[${Array(MAX_LINE_VALUES).fill('1').join(',')}]}]`;
    const started = performance.now();
    for (const text of [entry(wide), entry(object), entry('[]', obligations)]) {
      expect(skipped(parseLogLine(text))).toBe(
        `not a decision entry (too large: more than ${MAX_LINE_VALUES} values (a gateway line holds far fewer), skipped unchecked)`,
      );
    }
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(
      skipped(
        parseLogLine(
          entry(
            `[${Array(MAX_LINE_VALUES - 10)
              .fill('0')
              .join(',')}]`,
          ),
        ),
      ),
    ).toBe('read');
  });

  it('reads prototype keys as data', () => {
    const parsed = parseLogLine(
      '{"__proto__":{"polluted":true},"time":"t","requestId":"r","decision":"error","status":401,"obligations":[],"durationMs":0,"args":[{"__proto__":{"$redacted":"number"}}]}',
    );
    expect('entry' in parsed).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads the gateway’s redacted form', () => {
    const parsed = parseLogLine(line({ args: [{ filter: { slug: { $redacted: 'string', length: 6 }, visible: true } }, { $redacted: 'number' }, null, 5] }));
    expect(parsed).toMatchObject({ entry: { requestId: 'r-1', args: [{ filter: { visible: true } }, { $redacted: 'number' }, null, 5] } });
  });
});
