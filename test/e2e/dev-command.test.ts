// `elevate dev` as a user runs it: the packed package installed with npm into a fresh copy of a
// minimal Wix CLI for Apps project, `elevate init`, a module the example app does not use
// (@wix/crm's labels) with a rule for it and a seed file for the emulated Wix, then the installed
// command started as a child process. Debian's Chromium (driven by playwright-core, as the
// package's playground test does) opens the link it prints: the page serves the user's policy, and
// a call of the new module as the allowed caller answers from the seed. SIGTERM stops it, exit 0.
// Nothing of the repository is on the project's module path.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootVersion, run } from './run.ts';
import { devTokens } from '../../packages/elevation-gateway-for-wix/src/dev/emulator/index.ts';
import { chromiumFor, launchChromium } from '../../packages/elevation-gateway-for-wix/src/dev/testing/chromium.ts';
import { eventually } from '../../packages/elevation-gateway-for-wix/src/dev/testing/eventually.ts';

const PACKAGE_DIR = resolve(import.meta.dirname, '../../packages/elevation-gateway-for-wix');
const FIXTURE = join(PACKAGE_DIR, 'test/fixtures/new-wix-app');
const nested = process.env.ELEVATE_E2E_NESTED === '1';

const haveChromium = !nested && chromiumFor('elevate dev end-to-end test');

const RULES = `rules:
  - id: dashboard-reads-contact-labels
    description: The site's owner reads a contact label by its key.
    roles: [wix-user]
    allow: crm.labels.getLabel

  - id: dashboard-lists-contact-labels
    description: The site's owner lists the contact labels.
    roles: [wix-user]
    allow: crm.labels.queryLabels
`;

// What the emulated Wix holds for crm.labels, a module it has no built-in model of (its routes come
// from the SDK's meta). Keys without a dot: the gateway sends only plain ids into a URL path.
const SEED = `crm.labels:
  idField: key
  items:
    - key: vip-customers
      displayName: VIP customers
      namespace: custom
      labelType: USER_DEFINED
      createdDate: '2025-01-10T09:00:00.000Z'
    - key: wholesale
      displayName: Wholesale
      namespace: custom
      labelType: USER_DEFINED
      createdDate: '2025-02-03T14:30:00.000Z'
`;

describe.skipIf(nested || !haveChromium)('`elevate dev` in a fresh Wix CLI for Apps project, with the packed package', () => {
  let work: string;
  let project: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let exited: Promise<number | null> | undefined;
  let stdout = '';
  let stderr = '';
  let browser: Browser | undefined;
  const elevate = (...args: string[]) => run(join(project, 'node_modules/.bin/elevate'), args, project);
  const install = (...packages: string[]) =>
    run('npm', ['install', ...packages, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], project, { timeoutMs: 600_000 });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elevate-e2e-dev-'));
    const packed = run('npm', ['pack', '--pack-destination', work, '--json'], PACKAGE_DIR);
    expect(packed.code, packed.out).toBe(0);
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string }];
    project = join(work, 'my-wix-app');
    cpSync(FIXTURE, project, { recursive: true });
    // The Wix CLI and the rest of the app's dev dependencies are not needed to run `elevate dev`.
    const tarball = join(work, filename);
    const installed = install(tarball);
    expect(installed.code, installed.out).toBe(0);
  });
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('without msw (and vite) in the app, says which to install and exits 2', () => {
    // vite may come with the app's other packages; msw does not.
    const missing = existsSync(join(project, 'node_modules/vite/package.json')) ? ['msw'] : ['vite', 'msw'];
    const refused = elevate('dev');
    expect(refused.code, refused.out).toBe(2);
    expect(refused.stderr).toContain(`elevate dev: the local server runs on ${missing.join(' and ')}, which`);
    expect(refused.stderr).toMatch(new RegExp(`npm install --save-dev ${missing.map((name) => `"${name}@[^"]+"`).join(' ')}\\n`));
    expect(refused.stderr).not.toMatch(/^\s+at /m);
  });

  it('`elevate init`, @wix/crm with vite and msw installed, a rule for crm.labels, `elevate build`', async () => {
    const installed = install(
      `@wix/crm@${await rootVersion('@wix/crm')}`,
      `@wix/auto_sdk_crm_labels@${await rootVersion('@wix/auto_sdk_crm_labels')}`,
      `vite@${await rootVersion('vite')}`,
      `msw@${await rootVersion('msw')}`,
    );
    expect(installed.code, installed.out).toBe(0);
    const init = elevate('init');
    expect(init.code, init.out).toBe(0);
    const policyFile = join(project, 'policies/policy.yaml');
    writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('rules: []\n', RULES));
    const built = elevate('build');
    expect(built.code, built.out).toBe(0);
    expect(built.stdout).toContain('crm.labels.getLabel');
    writeFileSync(join(project, 'elevate.seed.yaml'), SEED);
  });

  it('starts on a free port (--port 0), prints the playground link and serves the policy of this app', async () => {
    child = spawn(join(project, 'node_modules/.bin/elevate'), ['dev', '--port', '0'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((done) => child!.once('exit', (code) => done(code)));
    const link = await new Promise<string>((found, failed) => {
      const timer = setTimeout(() => failed(new Error(`no playground link within 120 s:\n${stdout}\n${stderr}`)), 120_000);
      child!.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /playground {2}(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          found(match[1]!);
        }
      });
      void exited!.then((code) => failed(new Error(`elevate dev exited (${code}) before printing its link:\n${stdout}\n${stderr}`)));
    });
    expect(stdout).toContain('emulated Wix: crm.labels from elevate.seed.yaml');

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => console.error(`the playground threw: ${e.message}`));
    await page.goto(link);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#matrix').textContent()).toContain('crm.labels.getLabel');
    expect(await page.locator('#matrix').textContent()).toContain('crm.labels.queryLabels');
    const policy = await page.locator('#policy-editor').inputValue();
    expect(policy).toContain('id: dashboard-reads-contact-labels');
    expect(policy).toContain('allow: crm.labels.getLabel');

    const text = async (selector: string) => (await page.locator(selector).textContent())?.trim();
    const send = async (identity: string, call: string, args: unknown[]) => {
      await page.getByLabel('Who you are').selectOption(identity);
      await page.getByLabel('Call', { exact: true }).selectOption(call);
      await page.getByLabel('Arguments (a JSON array)').fill(JSON.stringify(args));
      const before = await page.locator('#out-request-id').textContent();
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.waitForFunction((previous) => {
        const id = document.querySelector('#out-request-id')?.textContent;
        return id && id !== previous && document.querySelector('#outcome')?.getAttribute('aria-busy') === 'false';
      }, before);
    };
    // The Wix user may: the label comes from the seed file, through the app's own endpoint.
    await send('user', 'crm.labels.getLabel', ['vip-customers']);
    expect(await text('#out-status'), await text('#out-body')).toBe('200 OK');
    expect(await text('#out-body')).toContain('VIP customers');
    await send('user', 'crm.labels.queryLabels', [{}]);
    expect(await text('#out-status'), await text('#out-body')).toBe('200 OK');
    expect(await text('#out-body')).toContain('Wholesale');
    // A member may not: no rule grants it (the new module is denied by default like any other).
    await send('m-1', 'crm.labels.getLabel', ['vip-customers']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-body')).not.toContain('VIP customers');
    expect(stdout).toMatch(/ALLOW 200 +USER u-1 → crm\.labels\.getLabel +rule dashboard-reads-contact-labels/);
  });

  it('picks up an SDK package installed while it runs, without a restart', async () => {
    const origin = /playground {2}(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)![1]!;
    const info = async () => (await fetch(`${origin}/_dev/playground`)).json() as Promise<{ calls: { allCalls: string[] }; policy: { errors: string[] } }>;
    // A rule for a module whose package is not installed yet: the policy does not build, the last good one serves.
    const policyFile = join(project, 'policies/policy.yaml');
    writeFileSync(
      policyFile,
      readFileSync(policyFile, 'utf8').replace(
        'rules:\n',
        'rules:\n  - id: dashboard-reads-loyalty-accounts\n    description: The site owner reads a loyalty account.\n    roles: [wix-user]\n    allow: loyalty.accounts.getAccount\n\n',
      ),
    );
    await eventually(async () => (await info()).policy.errors.join('\n').includes('loyalty'), 'the build error naming loyalty', 60_000);
    expect((await info()).calls.allCalls).toContain('crm.labels.getLabel');
    const installed = install(
      `@wix/loyalty@${await rootVersion('@wix/loyalty')}`,
      `@wix/auto_sdk_loyalty_accounts@${await rootVersion('@wix/auto_sdk_loyalty_accounts')}`,
    );
    expect(installed.code, installed.out).toBe(0);
    await eventually(async () => (await info()).calls.allCalls.includes('loyalty.accounts.getAccount'), 'the policy with the newly installed module', 60_000);
    expect((await info()).policy.errors).toEqual([]);
    const answer = await fetch(`${origin}/functions/elevate`, {
      method: 'POST',
      headers: { Authorization: devTokens.user },
      body: JSON.stringify({ module: 'loyalty.accounts', method: 'getAccount', args: ['la-1'] }),
    });
    expect(answer.status).toBe(200);
  });

  it('SIGTERM stops it cleanly: exit 0', async () => {
    expect(child, 'the server was not started').toBeDefined();
    child!.kill('SIGTERM');
    const code = await Promise.race([exited!, new Promise<string>((done) => setTimeout(() => done('still running after 15 s'), 15_000).unref())]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping the local server');
  });
});
