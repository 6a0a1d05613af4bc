import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyPolicy, runCli, type PolicyCopy } from '../dev/testing/cli-harness.ts';
import { SHOP } from '../dev/testing/shop.ts';

let copy: PolicyCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

describe('elevate check', () => {
  it('passes the shipped policy (exit 0)', async () => {
    const run = await runCli(['check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok test\/fixtures\/shop\/policies: 0 error\(s\), 0 warning\(s\)/m);
  });

  it('points a misspelt method at the allow value and suggests the real one', async () => {
    copy = copyPolicy();
    copy.edit('allow: ecom.orders.getOrder\n', 'allow: ecom.orders.getOrdr\n');
    const { line, column } = copy.position('ecom.orders.getOrdr');
    const run = await runCli(['check', '--policies', copy.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${copy.file}:${line}:${column} error: "getOrdr" is not an export of ecom.orders (did you mean "getOrder"?)`);
  });

  it('refuses event registrars, enums, unknown modules and undefined roles, each at its position', async () => {
    copy = copyPolicy();
    copy.edit('allow: ecom.orders.getOrder\n', 'allow: ecom.orders.onOrderCreated\n');
    copy.edit('allow: ecom.orders.cancelOrder\n', 'allow: ecom.orders.ActivityType\n');
    copy.edit('allow: stores.productsV3.getProduct\n', 'allow: stores.productV3.getProduct\n');
    copy.edit('roles: [wix-user]', 'roles: [wix-usr]');
    const run = await runCli(['check', '--policies', copy.dir, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; errors: { line: number; column: number; message: string; code: string }[] };
    expect(report.ok).toBe(false);
    const at = (needle: string) => copy!.position(needle);
    const find = (code: string) => report.errors.find((e) => e.code === code);
    expect(find('sdk/event')).toMatchObject({
      ...at('ecom.orders.onOrderCreated'),
      message: 'ecom.orders.onOrderCreated is an event-handler registrar, not a REST method',
    });
    expect(find('sdk/enum')).toMatchObject({ ...at('ecom.orders.ActivityType'), message: 'ecom.orders.ActivityType is an enum, not a REST method' });
    expect(find('sdk/unknown-module')).toMatchObject({
      ...at('stores.productV3.getProduct'),
      message: 'unknown SDK module "stores.productV3": @wix/stores has no namespace "productV3" (did you mean "stores.productsV3"?)',
    });
    expect(find('undefined-role')).toMatchObject({ line: at('wix-usr]').line, message: 'undefined role "wix-usr" (did you mean "wix-user"?)' });
  });

  it('reports cyclic roles, duplicate rule ids and placeholders naming no caller attribute', async () => {
    copy = copyPolicy();
    copy.edit('subjects: [USER]', 'subjects: [USER]\n    inherits: [wix-user]');
    copy.edit('- id: member-searches-own-orders', '- id: member-reads-own-order');
    copy.edit('fulfillmentStatus: NOT_FULFILLED', 'fulfillmentStatus: "${caller.email}"');
    const run = await runCli(['check', '--policies', copy.dir, '--json']);
    const codes = (JSON.parse(run.stdout) as { errors: { code: string; message: string }[] }).errors.map((e) => `${e.code}: ${e.message}`);
    expect(run.code).toBe(1);
    expect(codes).toContain('cyclic-role: role inheritance is cyclic: wix-user → wix-user');
    expect(codes.some((c) => c.startsWith('duplicate-rule: rule id "member-reads-own-order" is already used at'))).toBe(true);
    expect(codes.some((c) => c.startsWith('placeholder: resource: "${caller.email}" names no caller attribute'))).toBe(true);
  });

  it('reports an allow rule an unconditional deny makes unreachable', async () => {
    copy = copyPolicy();
    copy.edit(/$/, '\n  - id: members-never-cancel\n    description: No cancels.\n    roles: [member]\n    deny: ecom.orders.*\n');
    const run = await runCli(['check', '--policies', copy.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'rule "member-cancels-own-unfulfilled-order" can never allow anything: deny rule "members-never-cancel" always refuses ecom.orders.cancelOrder',
    );
  });

  it('warns about an id-addressed elevated read without a resource condition; a justification silences it and the audit shows it', async () => {
    copy = copyPolicy();
    copy.edit('    allow: ecom.orders.getOrder\n    resource: { buyerInfo.memberId: "${caller.id}" }\n', '    allow: ecom.orders.getOrder\n');
    const generated = join(copy.dir, 'policy.generated.ts');
    expect((await runCli(['build', '--policies', copy.dir, '--out', generated])).code).toBe(0);
    const { line, column } = copy.position('ecom.orders.getOrder');

    const warned = await runCli(['check', '--policies', copy.dir, '--generated', generated]);
    expect(warned.code).toBe(0); // warnings alone pass
    expect(warned.stdout).toContain(
      `${copy.file}:${line}:${column} warning: rule "member-reads-own-order": ecom.orders.getOrder is an elevated read addressed by an id the caller chooses, with no resource condition`,
    );
    expect(warned.stdout).toContain('[risk/id-without-resource]');
    expect((await runCli(['check', '--policies', copy.dir, '--generated', generated, '--strict'])).code).toBe(1);

    copy.edit(
      '    allow: ecom.orders.getOrder\n',
      '    allow: ecom.orders.getOrder\n    justification: Order ids are unguessable and support staff need any order by id.\n',
    );
    expect((await runCli(['build', '--policies', copy.dir, '--out', generated])).code).toBe(0);
    const silenced = await runCli(['check', '--policies', copy.dir, '--generated', generated, '--strict']);
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).not.toContain('risk/id-without-resource');
    expect(silenced.stdout).toContain('1 risk warning(s) accepted by a justification');

    const audit = await runCli(['audit', '--policies', copy.dir, '--json']);
    const entry = (JSON.parse(audit.stdout) as { rule: string; justification: string | null; acceptedRisks: string[] | null }[]).find(
      (e) => e.rule === 'member-reads-own-order',
    )!;
    expect(entry.justification).toBe('Order ids are unguessable and support staff need any order by id.');
    expect(entry.acceptedRisks).toEqual(['risk/id-without-resource']);
    expect((await runCli(['audit', '--policies', copy.dir])).stdout).toContain(
      'Order ids are unguessable and support staff need any order by id. (accepts risk/id-without-resource)',
    );
  });

  it('warns about unconditional writes for members and whole objects for visitors', async () => {
    copy = copyPolicy();
    copy.edit('    preload: ecom.orders.getOrder\n    resource:\n      buyerInfo.memberId: "${caller.id}"\n      fulfillmentStatus: NOT_FULFILLED\n', '');
    copy.edit(/(allow: stores\.productsV3\.getProduct\n    resource: \{ visible: true \}\n)    fields:\n      deny: \[[^\]]*\]\n/, '$1');
    const run = await runCli(['check', '--policies', copy.dir, '--generated', 'false-path-never-written.ts', '--json']);
    const warnings = (JSON.parse(run.stdout) as { warnings: { code: string; rule: string }[] }).warnings.map((w) => `${w.code} ${w.rule}`);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'risk/id-without-resource member-cancels-own-unfulfilled-order',
        'risk/unconditional-public-write member-cancels-own-unfulfilled-order',
        'risk/whole-objects-to-visitors visitor-views-product',
      ]),
    );
  });

  it('fails on a stale generated module', async () => {
    copy = copyPolicy();
    copy.edit('cap: 50\n\n  - id: visitor-views-product', 'cap: 40\n\n  - id: visitor-views-product');
    const run = await runCli(['check', '--policies', copy.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${SHOP.generated}:1:1 error: the generated policy module is stale`);
  });

  it('exits 2 with the usage on an unknown flag or command', async () => {
    const flag = await runCli(['check', '--polices', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('usage: elevate check');
    const command = await runCli(['chek']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "chek"');
  });

  it.each([
    ['no wix.config.json', undefined, "no wix.config.json: the gateway needs the app's id"],
    ['no appId in it', '{"projectId":"x"}', 'wix.config.json has no "appId"'],
    ['an appId that is not one', '{"appId":"my-app"}', 'wix.config.json\'s "appId" is not an app id'],
  ])('reports a project with %s: the gateway would refuse to start', async (_name, config, message) => {
    const project = mkdtempSync(join(tmpdir(), 'elevate-project-'));
    try {
      // The shop's package.json: the project declares the SDK packages the policy uses, so the app id is its only problem.
      copyFileSync(join(SHOP.root, 'package.json'), join(project, 'package.json'));
      if (config !== undefined) writeFileSync(join(project, 'wix.config.json'), config);
      const run = await runCli(['check', '--project', project, '--json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { errors: { code: string; message: string }[] };
      expect(report.errors).toEqual([expect.objectContaining({ code: 'app-id', message: expect.stringContaining(message) })]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
