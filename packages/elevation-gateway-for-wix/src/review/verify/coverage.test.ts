// Coverage is read from what the gateway weighed for each case (runPolicyTests with `trace`): the
// real engine, the real condition trace, the real resource re-check of the objects the sample SDK
// returned. These tables run real policies and real cases and list every branch they expect.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicy } from '../../policy/build.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import { SHOP } from '../../dev/testing/shop.ts';
import { loadPolicyTests, loadPolicyTestText, policyTestFiles } from './load-policy-tests.ts';
import { runPolicyTests } from './run-policy-tests.ts';
import { coveragePercent, meetsThreshold, policyCoverage, policySourceLocator, type PolicyCoverage } from './coverage.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';

const FIXTURE = 'test/fixtures/policy-coverage/policies';

/** `rule: branch` of every covered (✓) and uncovered (✗) branch. */
const branchList = (c: PolicyCoverage) => c.rules.flatMap((r) => r.branches.map((b) => `${b.covered ? '✓' : '✗'} ${r.rule}: ${b.branch}`));

async function built(dir: string, cwd?: string): Promise<CompiledPolicy> {
  const result = await buildPolicy(dir, cwd ? { cwd } : {});
  if (!result.policy) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.policy;
}

async function run(policy: CompiledPolicy, text: string) {
  const diagnostics: Diagnostic[] = [];
  const cases = await loadPolicyTestText(text, 'cases.yaml', policy, diagnostics);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  return runPolicyTests(policy, cases, { trace: true });
}

describe('policyCoverage on test/fixtures/policy-coverage', async () => {
  const policy = await built(FIXTURE);
  const diagnostics: Diagnostic[] = [];
  const cases = await loadPolicyTests(policyTestFiles(join(FIXTURE, 'tests')), policy, diagnostics);
  const results = await runPolicyTests(policy, cases, { trace: true });
  const file = `${FIXTURE}/policy.yaml`;

  it('runs its cases, all passing', () => {
    expect(diagnostics).toEqual([]);
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['a Wix user searches approved orders', true],
      ['a member reads an own order', true],
      ["a member cannot read another member's order", true],
    ]);
  });

  it('reports each branch the cases took and the three they leave uncovered, at their place in the policy', () => {
    const coverage = policyCoverage(policy, results);
    expect(branchList(coverage)).toEqual([
      '✓ dashboard-searches-orders: allowed',
      '✗ dashboard-searches-orders: refused',
      '✓ dashboard-searches-orders: when $or[0]',
      '✗ dashboard-searches-orders: when $or[1]',
      '✓ member-reads-own-order: allowed',
      '✓ member-reads-own-order: refused',
      '✓ member-reads-own-order: resource held',
      '✓ member-reads-own-order: resource failed',
      '✗ no-archived-search: held',
      '✓ no-archived-search: failed',
    ]);
    expect(coverage.uncovered.map((b) => `${b.file}:${b.line}:${b.column} rule ${b.rule}: ${b.message}`)).toEqual([
      `${file}:18:5 rule dashboard-searches-orders: allow rule never refused a case (no denied case by a caller with its roles)`,
      `${file}:25:11 rule dashboard-searches-orders: when $or[1] never held`,
      `${file}:33:5 rule no-archived-search: deny rule never held (it refused no case)`,
    ]);
    expect({ covered: coverage.covered, total: coverage.total, percent: coverage.percent }).toEqual({ covered: 7, total: 10, percent: 70 });
    const dashboard = coverage.rules[0]!;
    expect(dashboard).toMatchObject({ rule: 'dashboard-searches-orders', effect: 'allow', file, line: 18, column: 5, covered: 2, total: 4 });
    // The first arm is placed at the arm itself, the rule's branches at the rule.
    expect(dashboard.branches.find((b) => b.branch === 'when $or[0]')).toMatchObject({ file, line: 24, column: 11 });
    expect(coverage.rules[1]!.branches.find((b) => b.branch === 'resource held')).toMatchObject({ file, line: 31, column: 5 });
  });

  it('places every branch at its rule when the policy text cannot be re-read', () => {
    const coverage = policyCoverage(policy, results, policySourceLocator(join(tmpdir(), 'no-such-folder')));
    expect(coverage.uncovered.map((b) => `${b.line}:${b.column} ${b.branch}`)).toEqual(['18:5 refused', '18:5 when $or[1]', '33:5 held']);
  });
});

describe('policyCoverage branches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-coverage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = `version: 1
roles:
  visitor: { description: Anyone on the site., subjects: [VISITOR] }
  member: { description: A signed-in member., subjects: [MEMBER], inherits: [visitor] }
  wix-user: { description: The site's owner., subjects: [USER] }
rules:
  - id: member-searches-own-orders
    description: Members search the orders they bought, in small pages, by status or unfiltered.
    roles: [member]
    allow: ecom.orders.searchOrders
    when:
      args.0.cursorPaging.limit: { $lte: 20 }
      $or:
        - { args.0.filter.status: { $in: [APPROVED, CANCELED] } }
        - $or:
            - { args.0.filter: { $exists: false } }
            - { args.0.filter.status: INITIALIZED }
    resource:
      $or:
        - { buyerInfo.memberId: "\${caller.id}" }
        - { buyerInfo.contactId: "\${caller.id}" }
  - id: member-cancels-own-order
    description: Members cancel their own orders, choosing only the e-mail.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    writable: [args.1.sendOrderCanceledEmail]
  - id: no-secret-orders
    description: Nobody reaches the secret order.
    roles: [visitor]
    deny: ecom.orders.*
    when: { args.0: o-secret }
  - id: dashboard-reads-orders
    description: Wix users and members read orders.
    roles: [wix-user, member]
    allow: ecom.orders.getOrder
  - id: dashboard-never-reads
    description: Not from the dashboard, yet.
    roles: [wix-user]
    deny: ecom.orders.getOrder
`;
  writeFileSync(join(dir, 'policy.yaml'), text);
  const policy = await built(dir, dir);
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const columnOf = (needle: string, from: string) => text.split('\n')[lineOf(needle) - 1]!.indexOf(from) + 1;

  const cases = `cases:
  - name: a member searches approved orders; another member's order in the page is dropped
    as: member:m-1
    call: ecom.orders.searchOrders
    args: [{ cursorPaging: { limit: 10 }, filter: { status: APPROVED } }]
    items: [{ _id: o-1, buyerInfo: { memberId: m-1 } }, { _id: o-2, buyerInfo: { memberId: m-2 } }]
    expect: allow
    count: 1
  - name: a large unfiltered page is refused
    as: member:m-1
    call: ecom.orders.searchOrders
    args: [{ cursorPaging: { limit: 50 } }]
    expect: deny
  - name: a visitor has no rule for orders (the deny rule is never weighed)
    as: visitor
    call: ecom.orders.getOrder
    args: [o-secret]
    expect: deny
  - name: a member cancels an own order
    as: member:m-1
    call: ecom.orders.cancelOrder
    args: [o-1, { sendOrderCanceledEmail: true }]
    resource: { _id: o-1, buyerInfo: { memberId: m-1 } }
    expect: allow
  - name: a Wix user is refused by the deny rule
    as: user:u-1
    call: ecom.orders.getOrder
    args: [o-1]
    resource: { _id: o-1 }
    expect: deny
    rule: dashboard-never-reads
`;

  it('covers nested $or arms, resource arms, list items, preloaded targets and deny rules, only where the gateway weighed them', async () => {
    const results = await run(policy, cases);
    expect(results.map((r) => r.problems)).toEqual([[], [], [], [], []]);
    const coverage = policyCoverage(policy, results, policySourceLocator(dir));
    expect(branchList(coverage)).toEqual([
      '✓ member-searches-own-orders: allowed',
      '✓ member-searches-own-orders: refused',
      '✓ member-searches-own-orders: when $or[0]',
      '✓ member-searches-own-orders: when $or[1]',
      '✓ member-searches-own-orders: when $or[1].$or[0]',
      '✗ member-searches-own-orders: when $or[1].$or[1]',
      // One list: an item that passes and one that fails.
      '✓ member-searches-own-orders: resource held',
      '✓ member-searches-own-orders: resource failed',
      '✓ member-searches-own-orders: resource $or[0]',
      '✗ member-searches-own-orders: resource $or[1]',
      // The preloaded target is what the write's resource condition is checked on.
      '✓ member-cancels-own-order: allowed',
      '✗ member-cancels-own-order: refused',
      '✓ member-cancels-own-order: resource held',
      '✗ member-cancels-own-order: resource failed',
      // The visitor's call is refused before any rule is weighed: the deny rule did not hold there.
      '✗ no-secret-orders: held',
      '✓ no-secret-orders: failed',
      '✗ dashboard-reads-orders: allowed',
      '✓ dashboard-reads-orders: refused',
      // Without `when`, a deny rule holds whenever it is weighed: no "failed" branch.
      '✓ dashboard-never-reads: held',
    ]);
    expect(coverage).toMatchObject({ covered: 13, total: 19, percent: 68.4 });
    expect(coverage.uncovered.map((b) => `${b.file}:${b.line}:${b.column} ${b.rule}: ${b.message}`)).toEqual([
      `policy.yaml:${lineOf('filter.status: INITIALIZED')}:${columnOf('filter.status: INITIALIZED', '{')} member-searches-own-orders: when $or[1].$or[1] never held`,
      `policy.yaml:${lineOf('buyerInfo.contactId')}:${columnOf('buyerInfo.contactId', '{')} member-searches-own-orders: resource $or[1] never held`,
      `policy.yaml:${lineOf('id: member-cancels-own-order')}:5 member-cancels-own-order: allow rule never refused a case (no denied case by a caller with its roles)`,
      `policy.yaml:${lineOf('resource: { buyerInfo.memberId')}:5 member-cancels-own-order: resource never failed (on any object the cases returned)`,
      `policy.yaml:${lineOf('id: no-secret-orders')}:5 no-secret-orders: deny rule never held (it refused no case)`,
      `policy.yaml:${lineOf('id: dashboard-reads-orders')}:5 dashboard-reads-orders: allow rule never allowed a case`,
    ]);
    // The outer arm that holds through its nested $or is placed at the arm.
    const outer = coverage.rules[0]!.branches.find((b) => b.branch === 'when $or[1]')!;
    expect([outer.line, outer.column]).toEqual([lineOf('- $or:'), columnOf('- $or:', '$or')]);
  });

  it('an allowed case does not count for a rule whose resource conditions held on none of the objects', async () => {
    const results = await run(
      policy,
      `cases:
  - name: only another member's order comes back
    as: member:m-1
    call: ecom.orders.searchOrders
    args: [{ cursorPaging: { limit: 10 } }]
    items: [{ _id: o-2, buyerInfo: { memberId: m-2 } }]
    expect: allow
    count: 0
`,
    );
    expect(results[0]!.passed).toBe(true);
    const rule = policyCoverage(policy, results, policySourceLocator(dir)).rules[0]!;
    expect(rule.branches.filter((b) => b.covered).map((b) => b.branch)).toEqual(['when $or[1]', 'when $or[1].$or[0]', 'resource failed']);
  });

  it('is empty without traces: a run without { trace: true } covers nothing', async () => {
    const diagnostics: Diagnostic[] = [];
    const loaded = await loadPolicyTestText(cases, 'cases.yaml', policy, diagnostics);
    const coverage = policyCoverage(policy, await runPolicyTests(policy, loaded), policySourceLocator(dir));
    expect(coverage).toMatchObject({ covered: 0, total: 19, percent: 0 });
  });
});

describe('the runner with trace', () => {
  it("leaves every result as it is without trace, and explains only the failing cases, with the case's caller and sample", async () => {
    const policy = await built(SHOP.policies);
    const diagnostics: Diagnostic[] = [];
    const cases = await loadPolicyTests(policyTestFiles(SHOP.tests), policy, diagnostics);
    const plain = await runPolicyTests(policy, cases);
    const traced = await runPolicyTests(policy, cases, { trace: true });
    expect(plain.every((r) => !('trace' in r) && !('explanation' in r))).toBe(true);
    expect(traced.map(({ trace: _trace, explanation: _explanation, ...r }) => r)).toEqual(plain);
    expect(traced.every((r) => r.trace !== undefined && r.explanation === undefined)).toBe(true);

    const failing = await loadPolicyTestText(
      `cases:
  - name: wrongly expects another member's order
    as: member:m-1
    site: site-1
    call: ecom.orders.getOrder
    args: [o-4]
    resource: { buyerInfo: { memberId: m-2 } }
    expect: allow
`,
      'failing.yaml',
      policy,
      diagnostics,
    );
    expect(diagnostics).toEqual([]);
    const [result] = await runPolicyTests(policy, failing, { trace: true });
    expect(result!.passed).toBe(false);
    expect(result!.explanation).toMatchObject({ caller: { subjectType: 'MEMBER', id: 'm-1', siteId: 'site-1' }, call: 'ecom.orders.getOrder', args: ['o-4'] });
    expect(result!.explanation!.resource!.perRule[0]!.trace!.parts[0]).toMatchObject({
      path: 'buyerInfo.memberId',
      expected: 'm-1',
      actual: 'm-2',
      holds: false,
    });
  });
});

describe('coverage figures', () => {
  it('rounds down and compares thresholds exactly', () => {
    expect(coveragePercent(2, 3)).toBe(66.6);
    expect(coveragePercent(9999, 10000)).toBe(99.9);
    expect(coveragePercent(0, 0)).toBe(100);
    expect(meetsThreshold({ covered: 2, total: 3 }, 66.6)).toBe(true);
    expect(meetsThreshold({ covered: 2, total: 3 }, 66.7)).toBe(false);
    expect(meetsThreshold({ covered: 9999, total: 10000 }, 100)).toBe(false);
    expect(meetsThreshold({ covered: 7, total: 10 }, 70)).toBe(true);
    expect(meetsThreshold({ covered: 0, total: 0 }, 100)).toBe(true);
  });
});
