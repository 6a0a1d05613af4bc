// The package as a user gets it: `npm pack`, installed into a fresh copy of a minimal Wix CLI for Apps
// project (a committed fixture) with npm, then `elevate init`, a rule for a module the example does
// not use (members.members.getMember), `elevate build`, `check`, `test` and `audit --approve`, and
// the endpoint called through Wix's own runtime entry inside workerd (miniflare), with only Wix's
// servers emulated. Nothing of the repository is on the project's module path: what runs is what
// the tarball holds and what npm installed beside it.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWixEmulator, devTokens } from '../../packages/elevation-gateway-for-wix/src/dev/emulator/index.ts';
import { buildWixRuntimeWorker } from '../../packages/elevation-gateway-for-wix/test/workerd/build-wix-runtime.ts';
import { rootVersion, run } from './run.ts';

const PACKAGE_DIR = resolve(import.meta.dirname, '../../packages/elevation-gateway-for-wix');
const FIXTURE = join(PACKAGE_DIR, 'test/fixtures/new-wix-app');
const nested = process.env.ELEVATE_E2E_NESTED === '1';

const RULE = `rules:
  - id: member-reads-own-profile
    description: A member reads their own member record, and no one else's.
    roles: [member]
    allow: members.members.getMember
    resource: { _id: "\${caller.id}" }
`;

const TESTS = `description: members.members.getMember, own record only.
cases:
  - name: a member reads their own record
    as: member:m-1
    call: members.members.getMember
    args: [m-1]
    resource: { _id: m-1, profile: { nickname: Member 1 } }
    expect: allow
    rule: member-reads-own-profile
  - name: a member cannot read another member's record
    as: member:m-1
    call: members.members.getMember
    args: [m-2]
    resource: { _id: m-2 }
    expect: deny
  - name: a visitor cannot read member records
    as: visitor:v-1
    call: members.members.getMember
    args: [m-1]
    expect: deny
`;

// What an app writes against the package: every entry point, the generated types, a refused call.
const CONSUMER = `import { createGateway, createIdentityCache, WIRE_CONTRACT_VERSION, type PolicyModule } from 'elevation-gateway-for-wix';
import { elevationEndpoint } from 'elevation-gateway-for-wix/wix-cli-app';
import { createElevateClient, ElevateError, type CallResult } from 'elevation-gateway-for-wix/client';
import * as generated from './src/generated/policy.js';
import type { PermittedCalls } from './src/generated/policy.js';

const version: 1 = WIRE_CONTRACT_VERSION;
const policy = async (): Promise<PolicyModule> => generated;
const gateway = createGateway({ appId: '00000000-0000-4000-8000-000000000000', policy, identityCache: createIdentityCache() });
const endpoint = elevationEndpoint({ appId: '00000000-0000-4000-8000-000000000000', policy });
const client = createElevateClient<PermittedCalls>({ baseUrl: 'https://example.invalid/_functions' });
type Member = CallResult<PermittedCalls, 'members.members.getMember'>;
export async function use(): Promise<void> {
  const member: Member = await client.api.members.members.getMember('m-1');
  const id: string | null | undefined = member._id;
  const response: Response = await endpoint.POST(new Request('https://example.invalid'));
  await gateway.handle(new Request('https://example.invalid'));
  // @ts-expect-error: no rule grants deleteMember, so it has no type
  await client.call('members.members.deleteMember', 'm-1');
  void [version, id, response, ElevateError];
}
`;

describe.skipIf(nested)('the packed package in a fresh Wix CLI for Apps project', () => {
  let work: string;
  let project: string;
  let tarball: string;
  const elevate = (...args: string[]) => run(join(project, 'node_modules/.bin/elevate'), args, project);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'elevate-e2e-'));
    const packed = run('npm', ['pack', '--pack-destination', work, '--json'], PACKAGE_DIR);
    expect(packed.code, packed.out).toBe(0);
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string }];
    tarball = join(work, filename);
    project = join(work, 'my-wix-app');
    cpSync(FIXTURE, project, { recursive: true });
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs from the tarball with npm; the dev tooling is in it, no test, test support, benchmark, fixture, example or source file', async () => {
    const listed = run('tar', ['-tzf', tarball], work);
    expect(listed.code, listed.out).toBe(0);
    const files = listed.stdout.trim().split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/adapters/wix-cli-app.d.ts');
    expect(files).toContain('package/bin/elevate.js');
    // `elevate dev`: the local server, the emulator and the playground's page (copied by the build).
    for (const f of [
      'dev/server/server.js',
      'dev/emulator/index.js',
      'dev/playground/index.html',
      'dev/playground/playground.js',
      'dev/playground/playground.css',
    ]) {
      expect(files).toContain(`package/dist/${f}`);
    }
    for (const f of files) {
      // The test support of src/dev/testing stays in the repository, with the tests and fixtures.
      expect(f, f).not.toMatch(/\.(test|typecheck|property\.[a-z]+)\.|(^|\/)(test|tests|testing|bench|fixtures|examples|src|testdata)\/|\.ts$(?<!\.d\.ts)/);
    }
    // The members packages come from npm's cache (the repository's root declares them, so `npm ci` fetched them).
    const members = await rootVersion('@wix/members');
    const module = await rootVersion('@wix/auto_sdk_members_members');
    const installed = run(
      'npm',
      ['install', tarball, `@wix/members@${members}`, `@wix/auto_sdk_members_members@${module}`, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
      project,
      { timeoutMs: 600_000 },
    );
    expect(installed.code, installed.out).toBe(0);
    // Run without the repository's dev dependencies: no tsx, no vitest beside the installed package.
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/@wix/cli-app'))).toBe(false);
    const help = elevate('--help');
    expect(help.code, help.out).toBe(0);
    expect(help.stdout).toContain('init');
  });

  it('`elevate init` sets the app up, and a second run changes nothing and says so', () => {
    const first = elevate('init');
    expect(first.code, first.out).toBe(0);
    for (const file of [
      'src/backend/api/elevate/api.ts',
      'policies/policy.yaml',
      'policies/tests/starter.yaml',
      'src/generated/policy.ts',
      'src/obligations/index.ts',
    ]) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    const scripts = (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['policy:gate']).toBe('elevate check && elevate audit --check && elevate test');
    expect(scripts.prebuild).toBe('elevate build');
    expect(scripts.build).toBe('wix app build');
    const second = elevate('init');
    expect(second.code, second.out).toBe(0);
    expect(second.stdout).toContain('nothing to do');
    // The starter policy grants nothing, and its gate passes as it is.
    for (const gate of [['check'], ['audit', '--check'], ['test']]) {
      const ran = elevate(...gate);
      expect(ran.code, ran.out).toBe(0);
    }
  });

  it('refuses a rule whose SDK package the app does not declare, with the npm line that fixes it', async () => {
    const manifestFile = join(project, 'package.json');
    const manifest = readFileSync(manifestFile, 'utf8');
    const policyFile = join(project, 'policies/policy.yaml');
    writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('rules: []\n', RULE));
    const parsed = JSON.parse(manifest) as { dependencies: Record<string, string> };
    delete parsed.dependencies['@wix/auto_sdk_members_members'];
    writeFileSync(manifestFile, JSON.stringify(parsed, null, 2));
    try {
      const refused = elevate('build');
      expect(refused.code, refused.out).toBe(1);
      const version = await rootVersion('@wix/auto_sdk_members_members');
      expect(refused.stderr).toContain(`npm i @wix/auto_sdk_members_members@${version}`);
      expect(refused.stderr).toMatch(/policies\/policy\.yaml:\d+:\d+ error: members\.members\.getMember comes from @wix\/auto_sdk_members_members/);
    } finally {
      writeFileSync(manifestFile, manifest);
    }
  });

  it('a rule for members.members.getMember builds, checks, tests and is approved', () => {
    writeFileSync(join(project, 'policies/tests/members.yaml'), TESTS);
    for (const step of [['build'], ['check'], ['test']]) {
      const ran = elevate(...step);
      expect(ran.code, ran.out).toBe(0);
    }
    const unapproved = elevate('audit', '--check');
    expect(unapproved.code, unapproved.out).toBe(1);
    expect(unapproved.stderr).toContain('+ member');
    expect(unapproved.stderr).toContain('elevate audit --approve');
    expect(elevate('audit', '--approve').code).toBe(0);
    const approved = elevate('audit', '--check');
    expect(approved.code, approved.out).toBe(0);
    expect(readFileSync(join(project, 'src/generated/policy.ts'), 'utf8')).toContain("from '@wix/auto_sdk_members_members'");
  });

  it("type-checks an app's use of the three entry points under TypeScript's bundler and node16 resolution", () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    for (const [module, resolution] of [
      ['esnext', 'bundler'],
      ['node16', 'node16'],
    ]) {
      const config = `tsconfig.${resolution}.json`;
      const compilerOptions = { noEmit: true, strict: true, skipLibCheck: true, types: [], target: 'es2022', module, moduleResolution: resolution };
      writeFileSync(join(project, config), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      const checked = run(process.execPath, [tsc, '-p', config], project);
      expect(checked.code, `${resolution}: ${checked.out}`).toBe(0);
    }
  });

  describe("the endpoint inside workerd, behind Wix's own runtime entry", () => {
    const emulator = createWixEmulator();
    let mf: Miniflare;

    beforeAll(async () => {
      const outDir = join(project, '.tmp/workerd');
      const scriptPath = await buildWixRuntimeWorker({ root: project, outDir, sources: false });
      mf = new Miniflare({
        modules: true,
        scriptPath,
        modulesRoot: outDir,
        compatibilityDate: '2024-11-01',
        compatibilityFlags: ['nodejs_compat'],
        outboundService: (request) => emulator.handle(request as unknown as Request) as never,
      });
      await mf.ready;
    });
    afterAll(async () => {
      await mf?.dispose();
    });

    async function post(token: string | undefined, body: unknown) {
      emulator.reset();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = token;
      const response = await mf.dispatchFetch('http://localhost/functions/elevate', { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) as any };
    }
    const members = () => emulator.requests.filter((r) => r.route === 'getMember');

    it('a member reads their own record: Wix answered the app-token call', async () => {
      const reply = await post(devTokens.members['m-1'], { module: 'members.members', method: 'getMember', args: ['m-1'] });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.result._id).toBe('m-1');
      expect(members()).toHaveLength(1);
      expect(members()[0]!.authorization).toBe(devTokens.app);
    });

    it("a member asking for another member's record is 403, with nothing of it in the reply", async () => {
      const reply = await post(devTokens.members['m-1'], { module: 'members.members', method: 'getMember', args: ['m-2'] });
      expect(reply.status, reply.text).toBe(403);
      expect(reply.body.error.code).toBe('FORBIDDEN');
      expect(reply.text).not.toContain('member2@example.com');
      expect(reply.text).not.toContain('Member 2');
    });

    it('a visitor is 403 and no member request reaches Wix; no token is 401; a call no rule grants is 403', async () => {
      const visitor = await post(devTokens.visitor, { module: 'members.members', method: 'getMember', args: ['m-1'] });
      expect(visitor.status).toBe(403);
      expect(members()).toHaveLength(0);
      const anonymous = await post(undefined, { module: 'members.members', method: 'getMember', args: ['m-1'] });
      expect(anonymous.status).toBe(401);
      expect(members()).toHaveLength(0);
      const other = await post(devTokens.members['m-1'], { module: 'members.members', method: 'deleteMember', args: ['m-2'] });
      expect(other.status).toBe(403);
      expect(emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token')).toHaveLength(0);
    });
  });
});
