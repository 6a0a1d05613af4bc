// `elevate init` on copies of a minimal Wix CLI for Apps app (test/fixtures/new-wix-app), through the
// compiled command: what it writes, that a second run changes nothing, that it never clobbers a file
// of the app's or writes outside the project, and that its output passes the app's own gate.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const BIN = resolve('bin/elevate.js');
const FIXTURE = resolve('test/fixtures/new-wix-app');
const made: string[] = [];

function app(): string {
  const root = mkdtempSync(join(tmpdir(), 'elevate-init-'));
  made.push(root);
  const dir = join(root, 'app');
  cpSync(FIXTURE, dir, { recursive: true });
  // The repository's packages stand in for the app's own install.
  symlinkSync(resolve('../../node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
const elevate = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const manifest = (dir: string) => JSON.parse(read(dir, 'package.json')) as { scripts: Record<string, string> };

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('elevate init', () => {
  it('exits 2 outside a Wix CLI for Apps app, saying what it looked for', () => {
    const dir = app();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'not-wix', devDependencies: {} }));
    rmSync(join(dir, 'src/backend'), { recursive: true });
    const run = elevate(dir, 'init');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the Wix CLI: @wix/custom-extensions in package.json');
    expect(run.stderr).toContain('the Astro-based Wix CLI: @wix/astro in package.json');
    expect(run.stderr).toContain('@wix/cli-app in package.json');
    expect(run.stderr).toContain('a src/backend/api folder');
    expect(existsSync(join(dir, 'policies'))).toBe(false);
  });

  it('sets the app up so that its gate passes, and a second run changes nothing and says so', () => {
    const dir = app();
    const first = elevate(dir, 'init');
    expect(first.status, first.stderr).toBe(0);
    expect(read(dir, 'src/backend/api/elevate/api.ts')).toContain("from 'elevation-gateway-for-wix/wix-cli-app'");
    expect(read(dir, 'src/backend/api/elevate/api.ts')).toContain("import('../../../generated/policy')");
    expect(read(dir, 'policies/policy.yaml')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/elevation-gateway-for-wix\/schema\/policy\.schema\.json\n/,
    );
    expect(read(dir, 'policies/policy.yaml')).toContain('rules: []');
    expect(manifest(dir).scripts).toMatchObject({ 'policy:build': 'elevate build', prebuild: 'elevate build', build: 'wix app build' });
    // The app declares no SDK package: no starter test, and `elevate test` has nothing to test.
    expect(first.stdout).toContain('no starter policy test was written');
    for (const gate of [['check'], ['audit', '--check'], ['test']]) {
      const ran = elevate(dir, ...gate);
      expect(ran.status, `${gate.join(' ')}: ${ran.stdout}${ran.stderr}`).toBe(0);
    }
    const files = [
      'src/backend/api/elevate/api.ts',
      'policies/policy.yaml',
      'src/generated/policy.ts',
      'src/obligations/index.ts',
      'package.json',
      'policies/permitted-calls.approved.json',
    ];
    const before = files.map((f) => read(dir, f));
    const second = elevate(dir, 'init');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to do');
    expect(files.map((f) => read(dir, f))).toEqual(before);
  });

  it('lists a file that differs and leaves it alone; --force overwrites it; --dry-run writes nothing', () => {
    const dir = app();
    const mine = '// my own endpoint\nexport async function POST() { return new Response("mine"); }\n';
    cpSync(join(dir, 'src/backend/api/hello'), join(dir, 'src/backend/api/elevate'), { recursive: true });
    writeFileSync(join(dir, 'src/backend/api/elevate/api.ts'), mine);
    const dry = elevate(dir, 'init', '--dry-run');
    expect(dry.stdout).toContain('would create  policies/policy.yaml');
    expect(existsSync(join(dir, 'policies'))).toBe(false);
    expect(manifest(dir).scripts['policy:gate']).toBeUndefined();
    const run = elevate(dir, 'init');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('differs, left alone  src/backend/api/elevate/api.ts');
    expect(run.stderr).toContain('elevate init --force');
    expect(read(dir, 'src/backend/api/elevate/api.ts')).toBe(mine);
    const forced = elevate(dir, 'init', '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(read(dir, 'src/backend/api/elevate/api.ts')).toContain('elevationEndpoint');
  });

  it('refuses a package.json it cannot extend, before writing anything', () => {
    const dir = app();
    const text = JSON.stringify({ name: 'x', scripts: 'wix app build', devDependencies: { '@wix/cli-app': '*' } });
    writeFileSync(join(dir, 'package.json'), text);
    const run = elevate(dir, 'init');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"scripts" is not an object');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(read(dir, 'package.json')).toBe(text);
    expect(existsSync(join(dir, 'src/backend/api/elevate'))).toBe(false);
  });

  it("keeps package.json's indentation and line endings", () => {
    const dir = app();
    const parsed = JSON.parse(read(dir, 'package.json')) as object;
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(parsed, null, 4).replace(/\n/g, '\r\n')}\r\n`);
    expect(elevate(dir, 'init').status).toBe(0);
    const text = read(dir, 'package.json');
    expect(text).toContain('\r\n    "scripts": {\r\n        "dev"');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it("writes where the project's settings say, and the endpoint imports those files", () => {
    const dir = app();
    writeFileSync(join(dir, 'elevate.config.json'), JSON.stringify({ policies: 'config/policy', generated: 'src/lib/policy.ts', obligations: 'src/kinds.ts' }));
    const run = elevate(dir, 'init');
    expect(run.status, run.stderr).toBe(0);
    const api = read(dir, 'src/backend/api/elevate/api.ts');
    expect(api).toContain("import('../../../lib/policy')");
    expect(api).toContain("import '../../../kinds';");
    expect(existsSync(join(dir, 'src/lib/policy.ts'))).toBe(true);
    expect(read(dir, 'config/policy/policy.yaml')).toMatch(/\$schema=\.\.\/\.\.\/node_modules\/elevation-gateway-for-wix\/schema\/policy\.schema\.json/);
    expect(existsSync(join(dir, 'src/generated'))).toBe(false);
  });

  it('writes a path from the settings into the endpoint as a string, never as code', () => {
    const dir = app();
    writeFileSync(join(dir, 'elevate.config.json'), JSON.stringify({ generated: "src/gen/x');process.exit(1);('.ts" }));
    expect(elevate(dir, 'init').status).toBe(0);
    const source = ts.createSourceFile('api.ts', read(dir, 'src/backend/api/elevate/api.ts'), ts.ScriptTarget.ES2022, true);
    const calls: string[] = [];
    const imports: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        calls.push(node.expression.getText(source));
        if (node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) imports.push(node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(imports).toEqual(["../../../gen/x');process.exit(1);('"]);
    expect(calls).not.toContain('process.exit');
  });

  it('refuses settings that lead outside the project, and writes nothing there', () => {
    const dir = app();
    writeFileSync(join(dir, 'elevate.config.json'), JSON.stringify({ generated: '../outside/policy.ts' }));
    const run = elevate(dir, 'init');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('elevate.config.json: "generated" (../outside/policy.ts) leads outside the project');
    expect(existsSync(join(dir, '../outside'))).toBe(false);
    writeFileSync(join(dir, 'elevate.config.json'), JSON.stringify({ approved: '/tmp/approved.json' }));
    expect(elevate(dir, 'audit', '--check').stderr).toContain('is an absolute path');
  });

  it("writes the Astro-based structure's endpoint and client, and says what to add to astro.config", () => {
    const dir = app();
    const parsed = JSON.parse(read(dir, 'package.json')) as { dependencies: Record<string, string> };
    parsed.dependencies['@wix/astro'] = '^2.74.0';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(parsed, null, 2));
    writeFileSync(join(dir, 'astro.config.mjs'), "import wix from '@wix/astro';\nexport default { integrations: [wix()] };\n");
    const run = elevate(dir, 'init');
    expect(run.status, run.stderr).toBe(0);
    const endpoint = read(dir, 'src/pages/api/elevate.ts');
    expect(endpoint).toContain("from 'elevation-gateway-for-wix/astro'");
    expect(endpoint).toContain('export const prerender = false;');
    expect(endpoint).toContain("import('../../generated/policy')");
    expect(read(dir, 'src/elevate-client.ts')).toContain("url: new URL('/api/elevate', import.meta.url).href");
    expect(run.stdout).toContain('listed BEFORE wix()');
    expect(existsSync(join(dir, 'src/backend/api/elevate'))).toBe(false);
  });

  it("writes the current Wix CLI's endpoint where app({ apiDir }) serves it", () => {
    const dir = app();
    const parsed = JSON.parse(read(dir, 'package.json')) as { dependencies: Record<string, string> };
    parsed.dependencies['@wix/custom-extensions'] = '^0.2.14';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(parsed, null, 2));
    writeFileSync(join(dir, 'src/extensions.ts'), "import { app } from '@wix/custom-extensions';\nexport default app({ apiDir: 'api' });\n");
    const run = elevate(dir, 'init');
    expect(run.status, run.stderr).toBe(0);
    const endpoint = read(dir, 'src/api/elevate.ts');
    expect(endpoint).toContain("from 'elevation-gateway-for-wix/wix-cli'");
    expect(endpoint).toContain("import('../generated/policy')");
    expect(read(dir, 'src/elevate-client.ts')).toContain("import.meta.env.WIX_SERVER_BASE_PATH || '/'}elevate");
    // Without an apiDir (a commented-out one is none), src/endpoints/.
    writeFileSync(
      join(dir, 'src/extensions.ts'),
      "import { app } from '@wix/custom-extensions';\n// app({ apiDir: 'old' })\n/* apiDir: 'older' */\nexport default app();\n",
    );
    expect(elevate(dir, 'init').status).toBe(0);
    expect(existsSync(join(dir, 'src/endpoints/elevate.ts'))).toBe(true);
  });
});
