import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { copyPolicy, runCli, type PolicyCopy } from '../dev/testing/cli-harness.ts';

let copy: PolicyCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('elevate test', () => {
  it('runs the shipped policy tests (exit 0)', async () => {
    const run = await runCli(['test']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ case\(s\): \d+ passed, 0 failed \(2 file\(s\)\)/);
    expect(run.stdout).toContain("✓ a member cannot read another member's order (deny: 403 FORBIDDEN: resource conditions do not hold)");
  });

  it('reports a failing case at its file and line, with what differed', async () => {
    copy = copyPolicy();
    const file = join(copy.dir, 'tests', 'extra.yaml');
    const text = [
      'cases:',
      '  - name: passes',
      '    as: member:m-1',
      '    call: ecom.orders.getOrder',
      '    args: [o-1]',
      '    resource: { buyerInfo: { memberId: m-1 }, buyerInfo2: 1 }',
      '    expect: allow',
      "  - name: wrongly expects another member's order",
      '    as: member:m-1',
      '    call: ecom.orders.getOrder',
      '    args: [o-4]',
      '    resource: { buyerInfo: { memberId: m-2 } }',
      '    expect: allow',
      '  - name: wrongly expects merchant data hidden from a dashboard search',
      '    as: user:u-1',
      '    call: ecom.orders.searchOrders',
      '    args: [{}]',
      '    items: [{ _id: o-1, priceSummary: { total: 1 } }]',
      '    expect: allow',
      '    count: 1',
      '    fields: { absent: [priceSummary.total] }',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const run = await runCli(['test', '--policies', copy.dir, file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✗ ${file}:${lineOf(text, "another member's")}:5 wrongly expects another member's order`);
    expect(run.stderr).toContain('expected allow, got deny (403 FORBIDDEN: resource conditions do not hold)');
    expect(run.stderr).toContain(`✗ ${file}:${lineOf(text, 'merchant data hidden')}:5`);
    expect(run.stderr).toContain('expected field "priceSummary.total" absent, but the result has it');
    expect(run.stderr).toContain('3 case(s): 1 passed, 2 failed');
  });

  it('validates test files with positioned errors and did-you-mean', async () => {
    copy = copyPolicy();
    const file = join(copy.dir, 'tests', 'broken.yaml');
    const text = [
      'cases:',
      '  - name: typo in the rule and the method',
      '    as: membr:m-1',
      '    call: ecom.orders.getOrdr',
      '    expect: allow',
      '    rule: member-read-own-order',
      '  - name: unknown key',
      '    as: visitor',
      '    call: ecom.orders.getOrder',
      '    expect: maybe',
      '    colour: blue',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const run = await runCli(['test', '--policies', copy.dir, file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:11:5 error: cases.1: unknown key "colour"`);
    expect(run.stderr).toContain(`${file}:10:13 error: cases.1.expect:`);
    writeFileSync(file, text.split('\n').slice(0, 6).join('\n'));
    const semantic = await runCli(['test', '--policies', copy.dir, file]);
    expect(semantic.stderr).toContain(`${file}:3:9 error: "membr:m-1" names no subject type`);
    expect(semantic.stderr).toContain(`${file}:4:11 error: "getOrdr" is not an export of ecom.orders (did you mean "getOrder"?)`);
    expect(semantic.stderr).toContain(`${file}:6:11 error: no rule "member-read-own-order" in the policy (did you mean "member-reads-own-order"?)`);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['test', '--bogus'])).code).toBe(2);
    expect((await runCli(['test', 'no/such/file.yaml'])).code).toBe(2);
  });
});

const COVERAGE = 'test/fixtures/policy-coverage/policies';

/** A test file in a temporary folder, as the CLI prints its path (relative to the working directory). */
function tempTests(text: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-tests-'));
  const file = relative(process.cwd(), join(dir, 'cases.yaml'));
  writeFileSync(file, text);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('elevate test --coverage', () => {
  it('prints, after the results, the branches each rule took and every uncovered one at its file:line:column', async () => {
    const run = await runCli(['test', '--policies', COVERAGE, '--coverage']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const from = lines.findIndex((l) => l.startsWith('coverage:'));
    expect(from).toBeGreaterThan(lines.findIndex((l) => l.startsWith('3 case(s): 3 passed, 0 failed')));
    expect(lines.slice(from)).toEqual([
      'coverage: 7 of 10 branches (70%)',
      '  dashboard-searches-orders  2 of 4   ✓ allowed  ✗ refused  ✓ when $or[0]  ✗ when $or[1]',
      '  member-reads-own-order     4 of 4   ✓ allowed  ✓ refused  ✓ resource held  ✓ resource failed',
      '  no-archived-search         1 of 2   ✗ held  ✓ failed',
      'uncovered:',
      `  ${COVERAGE}/policy.yaml:18:5 rule dashboard-searches-orders: allow rule never refused a case (no denied case by a caller with its roles)`,
      `  ${COVERAGE}/policy.yaml:25:11 rule dashboard-searches-orders: when $or[1] never held`,
      `  ${COVERAGE}/policy.yaml:33:5 rule no-archived-search: deny rule never held (it refused no case)`,
    ]);
    // Without the flag, no coverage.
    expect((await runCli(['test', '--policies', COVERAGE])).stdout).not.toContain('coverage:');
  });

  it('--coverage-threshold fails the run below the figure and passes at or under it', async () => {
    const above = await runCli(['test', '--policies', COVERAGE, '--coverage-threshold', '100']);
    expect(above.code).toBe(1);
    expect(above.stdout).toContain('coverage: 7 of 10 branches (70%)');
    expect(above.stderr).toContain('elevate test: coverage 70% (7 of 10 branches) is below the threshold 100%');
    expect((await runCli(['test', '--policies', COVERAGE, '--coverage-threshold', '70.5'])).code).toBe(1);
    const at = await runCli(['test', '--policies', COVERAGE, '--coverage-threshold', '70']);
    expect(at.code).toBe(0);
    expect(at.stdout).toContain('coverage 70% reaches the threshold 70%');
    expect((await runCli(['test', '--policies', COVERAGE, '--coverage-threshold=0'])).code).toBe(0);
  });

  it('refuses a threshold that is not a percentage from 0 to 100 (exit 2)', async () => {
    for (const bad of ['abc', '150', '100.1', '-5', '', '1e2', '50%']) {
      const run = await runCli(['test', '--policies', COVERAGE, `--coverage-threshold=${bad}`]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toContain(`--coverage-threshold takes a percentage from 0 to 100, not "${bad}"`);
      expect(run.stderr, bad).toContain('usage: elevate test');
    }
    expect((await runCli(['test', '--policies', COVERAGE, '--coverage-threshold'])).code).toBe(2);
  });

  it('--json carries the coverage, with the threshold and whether it is met', async () => {
    const run = await runCli(['test', '--policies', COVERAGE, '--json', '--coverage-threshold', '80']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ ok: false, passed: 3, failed: 0 });
    expect(out.coverage).toMatchObject({ covered: 7, total: 10, percent: 70, threshold: 80, meetsThreshold: false });
    expect(out.coverage.uncovered).toEqual([
      expect.objectContaining({ rule: 'dashboard-searches-orders', branch: 'refused', file: `${COVERAGE}/policy.yaml`, line: 18, column: 5 }),
      expect.objectContaining({ rule: 'dashboard-searches-orders', branch: 'when $or[1]', line: 25, column: 11, message: 'when $or[1] never held' }),
      expect.objectContaining({ rule: 'no-archived-search', branch: 'held', line: 33, column: 5 }),
    ]);
    expect(out.coverage.rules.map((r: { rule: string; covered: number; total: number }) => `${r.rule} ${r.covered}/${r.total}`)).toEqual([
      'dashboard-searches-orders 2/4',
      'member-reads-own-order 4/4',
      'no-archived-search 1/2',
    ]);
    // The per-case trace coverage reads is not part of the results.
    expect(out.results.some((r: object) => 'trace' in r || 'explanation' in r)).toBe(false);
    const plain = JSON.parse((await runCli(['test', '--policies', COVERAGE, '--json'])).stdout);
    expect(plain.ok).toBe(true);
    expect(plain.coverage).toBeUndefined();
  });
});

describe('elevate test: a failing case prints its trace', () => {
  it("shows the rules weighed and the failing condition with the value it saw, in text and in --json's results", async () => {
    const tests = tempTests(
      [
        'cases:',
        '  - name: wrongly expects a search of initialized orders',
        '    as: user:u-1',
        '    call: ecom.orders.searchOrders',
        '    args: [{ filter: { status: INITIALIZED } }]',
        '    items: [{ _id: o-1, status: INITIALIZED }]',
        '    expect: allow',
        "  - name: wrongly expects another member's order",
        '    as: member:m-1',
        '    call: ecom.orders.getOrder',
        '    args: [o-2]',
        '    resource: { _id: o-2, buyerInfo: { memberId: m-2 } }',
        '    expect: allow',
        '  - name: passes',
        '    as: member:m-1',
        '    call: ecom.orders.getOrder',
        '    args: [o-1]',
        '    resource: { _id: o-1, buyerInfo: { memberId: m-1 } }',
        '    expect: allow',
        '',
      ].join('\n'),
    );
    try {
      const run = await runCli(['test', '--policies', COVERAGE, tests.file]);
      expect(run.code).toBe(1);
      const err = run.stderr.split('\n');
      const first = err.indexOf(`✗ ${tests.file}:2:5 wrongly expects a search of initialized orders`);
      expect(err.slice(first, first + 12)).toEqual([
        `✗ ${tests.file}:2:5 wrongly expects a search of initialized orders`,
        `    expected allow, got deny (no allow rule's conditions hold)`,
        '    trace (as `elevate explain` prints it):',
        '      decision: DENY  ecom.orders.searchOrders({"filter":{"status":"INITIALIZED"}}) as USER:u-1',
        '      caller roles: wix-user',
        "      reason: no allow rule's conditions hold",
        '',
        '      rules considered',
        '        allow dashboard-searches-orders [ecom.orders.searchOrders] — role wix-user — does not apply',
        '          when (on { args }): fails',
        '            ✗ $or:',
        '              [0] fails',
      ]);
      expect(run.stderr).toContain('                ✗ args.0.filter.status $in ["APPROVED","CANCELED"]: actual "INITIALIZED"');
      expect(run.stderr).toContain('        deny no-archived-search [ecom.orders.searchOrders] — role wix-user — does not apply');
      // A resource condition that fails on the case's sample object, with the placeholder resolved for the caller.
      expect(run.stderr).toContain(`✗ ${tests.file}:8:5 wrongly expects another member's order`);
      expect(run.stderr).toContain('      sample resource: fails the resource conditions');
      expect(run.stderr).toContain('          ✗ buyerInfo.memberId $eq "m-1" (${caller.id}): actual "m-2"');
      // A passing case prints no trace.
      expect(run.stdout).toContain('✓ passes (allow by member-reads-own-order)');
      expect(run.stderr.match(/trace \(as `elevate explain` prints it\)/g)).toHaveLength(2);

      const json = JSON.parse((await runCli(['test', '--policies', COVERAGE, '--json', tests.file])).stdout);
      const [search, order, passing] = json.results;
      expect(search.explanation).toMatchObject({ decision: { effect: 'deny' }, caller: { subjectType: 'USER', id: 'u-1' } });
      expect(search.explanation.considered.map((c: { rule: string; matched: boolean }) => [c.rule, c.matched])).toEqual([
        ['dashboard-searches-orders', false],
        ['no-archived-search', false],
      ]);
      expect(order.explanation.resource.perRule[0].trace.parts[0]).toMatchObject({ path: 'buyerInfo.memberId', expected: 'm-1', actual: 'm-2', holds: false });
      expect(passing.explanation).toBeUndefined();
    } finally {
      tests.remove();
    }
  });
});
