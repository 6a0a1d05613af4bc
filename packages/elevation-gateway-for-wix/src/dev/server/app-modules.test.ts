// The local server on an app of the user's own, beyond what the built-in emulation models: a module
// the shop never names (crm.labels) answers from the app's seed file through the routes its SDK
// `meta` describes, an edit of the seed file restarts the emulated Wix from it, and a package the
// app's package.json declares while the server runs is picked up without a restart. The app is a
// copy of the shop fixture inside the package (so that its imports resolve as the shop's do).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devTokens } from '../emulator/index.ts';
import { startLocalServer, type LocalServer } from './server.ts';
import { PACKAGE_ROOT, SHOP_ABSOLUTE } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';
import { eventually } from '../testing/eventually.ts';

const LABELS_POLICY = `version: 1
rules:
  - id: user-reads-labels
    description: A Wix user reads the site's contact labels.
    roles: [wix-user]
    allow: crm.labels.getLabel
  - id: user-lists-labels
    description: A Wix user lists the site's contact labels.
    roles: [wix-user]
    allow: crm.labels.queryLabels
`;

const SEED = (name: string) => `crm.labels:
  idField: key
  items:
    - key: custom.vip
      displayName: ${name}
      namespace: custom
      labelType: USER_DEFINED
    - key: custom.wholesale
      displayName: Wholesale
      namespace: custom
      labelType: USER_DEFINED
`;

describe("the local server on the user's own app", () => {
  let work: string;
  let app: string;
  let server: LocalServer;
  let manifest: { dependencies: Record<string, string> };

  beforeAll(async () => {
    mkdirSync(join(PACKAGE_ROOT, '.tmp'), { recursive: true });
    work = mkdtempSync(join(PACKAGE_ROOT, '.tmp', 'app-modules-'));
    app = join(work, 'app');
    cpSync(SHOP_ABSOLUTE.root, app, { recursive: true });
    writeFileSync(join(app, 'policies', 'labels.yaml'), LABELS_POLICY);
    writeFileSync(join(app, 'elevate.seed.yaml'), SEED('VIP'));
    // @wix/crm not declared yet: the policy does not build, the committed module serves.
    manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    server = await startLocalServer({ project: app, aliases: SOURCE_ALIASES, port: 0, quiet: true });
  });
  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const info = async () => (await fetch(`${server.url}/_dev/playground`)).json() as Promise<any>;
  const call = async (method: string, args: unknown[]) => {
    const response = await fetch(`${server.url}${server.endpoint}`, {
      method: 'POST',
      headers: { Authorization: devTokens.user },
      body: JSON.stringify({ module: 'crm.labels', method, args }),
    });
    const view = await (await fetch(`${server.url}/_dev/decisions/${response.headers.get('x-request-id')}`)).json();
    return { status: response.status, body: (await response.json()) as any, view: view as any };
  };

  it('a package the app declares while the server runs is read without a restart', async () => {
    const before = await info();
    expect(before.policy.errors.join('\n')).toMatch(/@wix\/auto_sdk_crm_labels|@wix\/crm/);
    expect(before.calls.allCalls).not.toContain('crm.labels.getLabel');
    const version = JSON.parse(readFileSync(join(PACKAGE_ROOT, '..', '..', 'node_modules/@wix/auto_sdk_crm_labels/package.json'), 'utf8')).version;
    manifest.dependencies['@wix/auto_sdk_crm_labels'] = version;
    manifest.dependencies['@wix/crm'] = '*';
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await eventually(async () => (await info()).calls.allCalls.includes('crm.labels.getLabel'), 'the policy with crm.labels');
    expect((await info()).policy.errors).toEqual([]);
  });

  it('a module the built-in emulation does not model answers from the seed, and the view shows what reached Wix', async () => {
    const got = await call('getLabel', ['custom.vip']);
    expect(got.status).toBe(200);
    expect(got.body.result).toMatchObject({ key: 'custom.vip', displayName: 'VIP' });
    expect(got.view.wix.map((w: any) => `${w.method} ${w.url} ${w.status} ${w.route}`)).toContain(
      'GET www.wixapis.com/contacts/v4/labels/custom.vip?key=custom.vip 200 crm.labels.getLabel',
    );
    // A key the seed does not hold: Wix's 404 (in its error shape), which the gateway answers as an upstream error.
    const missing = await call('getLabel', ['custom.none']);
    expect(missing.status).toBe(502);
    const answered = missing.view.wix.find((w: any) => w.route === 'crm.labels.getLabel');
    expect(answered).toMatchObject({ status: 404, response: { details: { applicationError: { code: 'LABEL_NOT_FOUND' } } } });
    const listed = await call('queryLabels', [{ filter: { namespace: 'custom' }, paging: { limit: 10 } }]);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.result.labels.map((l: any) => l.key).sort()).toEqual(['custom.vip', 'custom.wholesale']);
  });

  it('an edit of the seed file restarts the emulated Wix from it', async () => {
    writeFileSync(join(app, 'elevate.seed.yaml'), SEED('Very Important'));
    await eventually(async () => (await call('getLabel', ['custom.vip'])).body.result?.displayName === 'Very Important', 'the new seed');
  });
});
