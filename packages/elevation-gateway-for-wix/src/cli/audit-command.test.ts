import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyPolicy, runCli, type PolicyCopy } from '../dev/testing/cli-harness.ts';

let copy: PolicyCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

describe('elevate audit', () => {
  it('--json lists exactly the permitted calls of the example policy, sorted by role, call, rule', async () => {
    const run = await runCli(['audit', '--json']);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as {
      role: string;
      call: string;
      rule: string;
      resource: unknown;
      cap: number | null;
      rateLimit: string | null;
      fields: unknown;
    }[];
    expect(entries.map((e) => `${e.role} ${e.call} ${e.rule}`)).toEqual([
      'member ecom.orders.cancelOrder member-cancels-own-unfulfilled-order',
      'member ecom.orders.getOrder member-reads-own-order',
      'member ecom.orders.searchOrders member-searches-own-orders',
      'member stores.productsV3.getProduct visitor-views-product',
      'member stores.productsV3.queryProducts visitor-browses-catalog',
      'visitor stores.productsV3.getProduct visitor-views-product',
      'visitor stores.productsV3.queryProducts visitor-browses-catalog',
      'wix-user ecom.orders.searchOrders dashboard-searches-orders',
    ]);
    const cancel = entries[0]!;
    expect(cancel).toMatchObject({
      resource: { 'buyerInfo.memberId': '${caller.id}', fulfillmentStatus: 'NOT_FULFILLED' },
      rateLimit: '5/minute',
      cap: null,
      fields: null,
    });
    expect(entries.find((e) => e.rule === 'visitor-browses-catalog')).toMatchObject({ cap: 50, fields: { deny: expect.arrayContaining(['costRange']) } });
  });

  it('prints a Markdown table by default', async () => {
    const run = await runCli(['audit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| role | call | rule | description | when | resource | fields | cap | rate limit |');
    expect(run.stdout).toContain('| wix-user | `ecom.orders.searchOrders` | dashboard-searches-orders |');
  });

  it('--check passes on the committed approval, fails with a readable diff when a rule is added, and passes after --approve', async () => {
    expect((await runCli(['audit', '--check'])).code).toBe(0);

    copy = copyPolicy();
    copy.edit(
      /$/,
      '\n  - id: dashboard-reads-order\n    description: Wix users open any order.\n    roles: [wix-user]\n    allow: ecom.orders.getOrder\n    justification: The dashboard shows every order anyway.\n',
    );
    copy.edit('cap: 50\n\n  - id: member-cancels', 'cap: 20\n\n  - id: member-cancels');
    const failed = await runCli(['audit', '--policies', copy.dir, '--check']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('+ wix-user ecom.orders.getOrder (rule dashboard-reads-order)');
    expect(failed.stderr).toContain('~ member ecom.orders.searchOrders (rule member-searches-own-orders): cap 50 → 20');
    expect(failed.stderr).toContain('elevate audit --approve');

    copy.edit(/\n  - id: member-cancels-own-unfulfilled-order[\s\S]*?rateLimit: 5\/minute\n/, '\n');
    const removed = await runCli(['audit', '--policies', copy.dir, '--check']);
    expect(removed.stderr).toContain('- member ecom.orders.cancelOrder (rule member-cancels-own-unfulfilled-order)');

    expect((await runCli(['audit', '--policies', copy.dir, '--approve'])).code).toBe(0);
    const approved = JSON.parse(readFileSync(join(copy.dir, 'permitted-calls.approved.json'), 'utf8')) as { permittedCalls: { rule: string }[] };
    expect(approved.permittedCalls.some((e) => e.rule === 'dashboard-reads-order')).toBe(true);
    expect((await runCli(['audit', '--policies', copy.dir, '--check'])).code).toBe(0);
  });

  it('fails --check clearly when the approved file is missing or not an inventory', async () => {
    copy = copyPolicy();
    const missing = await runCli(['audit', '--policies', copy.dir, '--check', '--approved', join(copy.dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    copyFileSync('package.json', join(copy.dir, 'permitted-calls.approved.json'));
    const wrong = await runCli(['audit', '--policies', copy.dir, '--check']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('is not a permitted-call inventory');
  });

  it('exits 2 on --check with --approve', async () => {
    const run = await runCli(['audit', '--check', '--approve']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: elevate audit');
  });
});
