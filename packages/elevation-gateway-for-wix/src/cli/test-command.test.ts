import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
