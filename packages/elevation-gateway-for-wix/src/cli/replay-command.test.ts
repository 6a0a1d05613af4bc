// `elevate replay` as a user runs it, on the replay fixture (test/fixtures/replay/).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../dev/testing/cli-harness.ts';
import { OTHER_LINES, REPLAY_FIXTURE, SCENARIOS } from '../../test/fixtures/replay/scenarios.ts';

const { log, before, after } = REPLAY_FIXTURE;
const dir = mkdtempSync(join(tmpdir(), 'elevate-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const count = (group: string, policy: 'after' | 'before') => SCENARIOS.filter((s) => s[policy] === group).length;

describe('elevate replay', () => {
  // A process reads each SDK signature once, in one TypeScript program with the other methods of
  // the first policy it compiles, and the key order of what it reads follows that program
  // (src/sdk/signature-reader.ts); so the log's own policy is compiled first, as `elevate build`
  // compiled it alone, and its digest is the one the gateway wrote.
  let same: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    same = await runCli(['replay', log, '--policies', before, '--fail-on-change']);
  });

  it('prints each line with its group and why, the skipped lines, and the summary; exit 0', async () => {
    const run = await runCli(['replay', log, '--policies', after]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^replay of ${log} against ${after} \\(sha256:[0-9a-f]{64}\\)$`));
    expect(run.stdout).toMatch(
      /line 4 +CHANGED +USER:u-1 ecom\.orders\.searchOrders \(200\): allow dashboard-searches-orders → allow dashboard-searches-all-orders/,
    );
    expect(run.stdout).toMatch(
      /line 5 +unchanged +USER:u-1 ecom\.orders\.getOrder \(200\): same effect and deciding rule: allowed by dashboard-reads-order both times/,
    );
    expect(run.stdout).toMatch(/line 15 +undecidable +\(no caller\) \(no call\) \(401\): no decision was made \(401 UNAUTHENTICATED\)/);
    expect(run.stdout).toMatch(/line 1 +skipped +not JSON/);
    expect(run.stdout).toMatch(/line 9 +skipped +not a decision entry/);
    expect(run.stdout).toContain(
      `summary: ${SCENARIOS.length} decision(s): ${count('unchanged', 'after')} unchanged, ${count('changed', 'after')} changed, ${count('undecidable', 'after')} not decidable from the log`,
    );
    expect(run.stdout).toContain(`${OTHER_LINES.length} line(s) skipped`);
    expect(run.stdout).toContain(`0 of ${SCENARIOS.length} decided under the working policy`);
    expect(run.stdout).not.toContain('[same policy]');
  });

  it('--fail-on-change exits 1 when a line changed, 0 against the policy that wrote the log', async () => {
    expect((await runCli(['replay', log, '--policies', after, '--fail-on-change'])).code).toBe(1);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`, 0 changed,`);
    expect(same.stdout).toMatch(/line 4 +unchanged .*\[same policy\]/);
  });

  it('--json is one document: every line in file order with its group, and the summary', async () => {
    const run = await runCli(['replay', log, '--policies', after, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ log, policies: after, policy: expect.stringMatching(/^sha256:/) });
    expect(report.lines).toHaveLength(SCENARIOS.length + OTHER_LINES.length);
    expect(report.lines.map((l: { line: number }) => l.line)).toEqual(
      readFileSync(log, 'utf8')
        .trimEnd()
        .split('\n')
        .map((_, i) => i + 1),
    );
    expect(report.lines.filter((l: { group: string }) => l.group !== 'skipped').map((l: { group: string }) => l.group)).toEqual(SCENARIOS.map((s) => s.after));
    expect(report.lines[3]).toMatchObject({
      group: 'changed',
      before: { effect: 'allow', rule: 'dashboard-searches-orders' },
      after: { effect: 'allow', rule: 'dashboard-searches-all-orders' },
    });
    expect(report.summary).toEqual({
      decisions: SCENARIOS.length,
      unchanged: count('unchanged', 'after'),
      changed: count('changed', 'after'),
      undecidable: count('undecidable', 'after'),
      skipped: OTHER_LINES.length,
      samePolicy: 0,
    });
  });

  it('prints what a line holds without control characters (a malformed name is whatever a client sent)', async () => {
    const file = join(dir, 'escape.jsonl');
    const entry = {
      time: 't',
      requestId: 'r',
      caller: { subjectType: 'USER', id: 'u-1' },
      call: 'ecom.\u001b[2Jorders.x\u202e',
      malformedName: true,
      effect: 'deny',
      decision: 'deny',
      status: 403,
      obligations: [],
      durationMs: 0,
    };
    writeFileSync(file, `${JSON.stringify(entry)}\n\u001b]0;title\u0007\n`);
    const run = await runCli(['replay', file, '--policies', after]);
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(run.stdout).toContain('ecom.\\u001b[2Jorders.x\\u202e');
    expect(run.stdout).toMatch(/line 1 +unchanged/);
    expect(run.stdout).toMatch(/line 2 +skipped +not JSON/);
  });

  it.each([
    ['no log', ['replay'], 'give one decision log'],
    ['two logs', ['replay', log, log], 'give one decision log'],
    ['a missing file', ['replay', join(dir, 'nope.jsonl')], 'nope.jsonl: no such file'],
    ['a folder', ['replay', dir], 'is not a file'],
    ['an unknown flag', ['replay', log, '--since', 'yesterday'], "Unknown option '--since'"],
  ])('%s is a usage error (exit 2)', async (_name, argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: elevate replay');
  });

  it('a policy with errors is exit 1, with its diagnostics', async () => {
    const broken = mkdtempSync(join(dir, 'policy-'));
    writeFileSync(join(broken, 'policy.yaml'), 'version: 1\nrules:\n  - id: x\n');
    const run = await runCli(['replay', log, '--policies', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('elevate replay: the policy has errors');
  });

  it('is listed by elevate --help', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toMatch(/replay +re-decide a decision log/);
  });
});
