// `elevate diff` on a real git repository: the base fixture committed, then edited in the working
// tree; exit codes gate on widening.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../dev/testing/cli-harness.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/diff');
let repo: string;
let policies: string;
const commit = (message: string) => {
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', message);
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' }).toString().trim();
const policyFile = () => join(policies, 'policy.yaml');
const editPolicy = (from: string, to: string) => {
  const text = readFileSync(policyFile(), 'utf8');
  if (!text.includes(from)) throw new Error(`not in the policy: ${from}`);
  writeFileSync(policyFile(), text.replace(from, to));
};

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'elevate-diff-test-'));
  policies = join(repo, 'policies');
  mkdirSync(policies);
  cpSync(join(FIXTURES, 'base/policy.yaml'), policyFile());
  // Policy tests in the folder are not policy: the diff reads only the policy files.
  mkdirSync(join(policies, 'tests'));
  writeFileSync(join(policies, 'tests', 'a.yaml'), 'cases: []\n');
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'policy');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('elevate diff', () => {
  it('finds no change against the same commit (exit 0)', async () => {
    const run = await runCli(['diff', 'main', '--policies', policies]);
    expect(run.stdout).toContain('policy diff: main → working tree');
    expect(run.stdout).toContain('no change in what any caller may do');
    expect(run.code).toBe(0);
  });

  it('fails on a widening, names it and where the rule is written, and passes with --allow-widening', async () => {
    editPolicy('$lte: 50', '$lte: 100');
    editPolicy('[args.1.title, args.1.body]', '[args.1.title]');
    const run = await runCli(['diff', 'HEAD', '--policies', policies]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('widens (1):');
    expect(run.stdout).toContain('+ MEMBER  ecom.orders.searchOrders  when args.0.cursorPaging.limit: $lte 50 → $lte 100');
    expect(run.stdout).toMatch(/rule member-searches-own-orders \(role member\), .*policies\/policy\.yaml:36/);
    expect(run.stdout).toContain('narrows (1):');
    expect(run.stdout).toContain('- MEMBER  data.items.insert  writable paths removed: args.1.body');
    expect(run.stdout).toContain('1 widening, 1 narrowing');
    expect(run.stderr).toContain('--allow-widening');
    const allowed = await runCli(['diff', 'HEAD', '--policies', policies, '--allow-widening']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('1 widening, 1 narrowing');
  });

  it('passes on a change that only narrows', async () => {
    editPolicy('$lte: 50', '$lte: 20');
    const run = await runCli(['diff', 'main', '--policies', policies]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 widening, 1 narrowing');
  });

  it('writes Markdown for a pull-request comment, and JSON', async () => {
    editPolicy('cap: 50\n\n  - id: member-reads', 'cap: 100\n\n  - id: member-reads');
    const md = await runCli(['diff', 'main', '--policies', policies, '--markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('### Policy diff: `main` → this change');
    expect(md.stdout).toContain('**This change widens what callers may do: 1 widening, 0 narrowing.**');
    // The rule's file as the working tree names it (relative to the working directory).
    expect(md.stdout).toMatch(
      /\| VISITOR, MEMBER \| `data\.items\.query` \| cap raised 50 → 100 \| `visitor-lists-reviews` \(\S*policies\/policy\.yaml:20\) \|/,
    );
    const json = await runCli(['diff', 'main', '--policies', policies, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      base: 'main',
      widens: 1,
      narrows: 0,
      changes: [{ direction: 'widens', kind: 'rule-changed', callers: ['VISITOR', 'MEMBER'], call: 'data.items.query', aspect: 'cap' }],
    });
  });

  it('treats a ref without the policy folder as granting nothing', async () => {
    const run = await runCli(['diff', 'HEAD~1', '--policies', policies, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { changes: { kind: string }[]; widens: number };
    expect(out.widens).toBeGreaterThan(5);
    expect(new Set(out.changes.map((c) => c.kind))).toEqual(new Set(['newly-permitted']));
  });

  it('compares with a folder (--base) and finds no change in a same-meaning rewrite', async () => {
    writeFileSync(policyFile(), readFileSync(join(FIXTURES, 'same-meaning/policy.yaml'), 'utf8'));
    const run = await runCli(['diff', '--base', join(FIXTURES, 'base'), '--policies', policies]);
    expect(run.stdout).toContain('no change in what any caller may do');
    expect(run.code).toBe(0);
  });

  it('says what is wrong with either policy, at file:line:column', async () => {
    editPolicy('    cap: 50\n\n  - id: member-reads', '    cap: fifty\n\n  - id: member-reads');
    const changed = await runCli(['diff', 'main', '--policies', policies]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/policies\/policy\.yaml:27:\d+ error/);
    expect(changed.stderr).toContain(`the policy in ${policies} has errors`);
    git('add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'broken');
    writeFileSync(policyFile(), readFileSync(join(FIXTURES, 'base/policy.yaml'), 'utf8'));
    const base = await runCli(['diff', 'main', '--policies', policies]);
    expect(base.code).toBe(1);
    expect(base.stderr).toMatch(/^main: policies\/policy\.yaml:27:\d+ error/m);
    expect(base.stderr).toContain('the policy at main has errors');
  });

  // A symbolic link's blob is the path it points to: at a ref it is never read as a policy.
  it('refuses a policy file that is a symbolic link at the ref (exit 1), and a dangling one in the working tree', async () => {
    symlinkSync('version: 1\nrules: []\n', join(policies, 'legacy.yaml'));
    commit('a dangling link named like a policy file');
    const atRef = await runCli(['diff', 'main', '--policies', policies]);
    expect(atRef.code).toBe(1);
    expect(atRef.stderr).toContain('elevate diff: the policy at main has errors: "policies/legacy.yaml" at main is a symbolic link, not a policy file');
    // The working tree: an error at the file, never silently skipped.
    const tree = await runCli(['diff', '--base', join(FIXTURES, 'base'), '--policies', policies]);
    expect(tree.code).toBe(1);
    expect(tree.stderr).toMatch(/legacy\.yaml:1:1 error.*is a symbolic link to nothing/);
  });

  // A file name or a condition value is the pull request's to choose: it must not rewrite the CI log or the comment.
  it('escapes terminal control and bidirectional characters, and Markdown that would break out of its cell', async () => {
    const name = 'z\u001b[2A\u001b[2K\u202eok.yaml';
    writeFileSync(
      join(policies, name),
      'version: 1\nrules:\n  - id: visitor-reads-notes\n    description: x\n    roles: [visitor]\n    allow: data.items.get\n    when: { args.0: "a|b<!-- `x` \u001b[2K" }\n',
    );
    const text = await runCli(['diff', 'main', '--policies', policies]);
    expect(text.code).toBe(1);
    expect(['\u001b', '\u202e'].filter((c) => text.stdout.includes(c))).toEqual([]);
    expect(text.stdout).toContain('z\\u001b[2A\\u001b[2K\\u202eok.yaml:3');
    expect(text.stdout).toContain('when args.0 $eq "a|b<!-- `x` \\u001b[2K"');
    const md = await runCli(['diff', 'main', '--policies', policies, '--markdown']);
    expect(['\u001b', '\u202e'].filter((c) => md.stdout.includes(c))).toEqual([]);
    const row = md.stdout.split('\n').find((l) => l.includes('visitor-reads-notes') && l.startsWith('| VISITOR'))!;
    expect(row).toContain('a\\|b&lt;!-- \\`x\\`');
    // Four cells, whatever the value holds: every other `|` is escaped.
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });

  // The working tree is the pull request's: its obligation kinds' module must not run in the gate.
  it("never runs the app's obligation kinds unless --app-code; other commands still load them", async () => {
    const project = mkdtempSync(join(tmpdir(), 'elevate-diff-app-code-'));
    const cwd = process.cwd();
    try {
      mkdirSync(join(project, 'policies'));
      mkdirSync(join(project, 'base'));
      mkdirSync(join(project, 'src/obligations'), { recursive: true });
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@wix/ecom': '*', '@wix/auto_sdk_ecom_orders': '*' } }));
      symlinkSync(resolve('../../node_modules'), join(project, 'node_modules'), 'dir');
      const rule =
        'version: 1\nroles:\n  visitor: { subjects: [VISITOR] }\nrules:\n  - id: r\n    description: d\n    roles: [visitor]\n    allow: ecom.orders.getOrder\n';
      writeFileSync(join(project, 'base/p.yaml'), 'version: 1\nrules: []\n');
      writeFileSync(join(project, 'policies/p.yaml'), rule);
      // What a hostile pull request would put there: code that fakes the diff. It only leaves a mark here.
      // (A module is imported once per process: each version differs, so that each load runs it.)
      const hostile = (version: number) =>
        writeFileSync(
          join(project, 'src/obligations/index.ts'),
          `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.cwd() + '/ran', 'v${version}');\nexport {};\n`,
        );
      hostile(1);
      process.chdir(project);
      const run = await runCli(['diff', '--base', 'base', '--policies', 'policies']);
      expect(existsSync(join(project, 'ran'))).toBe(false);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('newly permitted by rule r');
      const withCode = await runCli(['diff', '--base', 'base', '--policies', 'policies', '--app-code']);
      expect(withCode.code).toBe(1);
      expect(existsSync(join(project, 'ran'))).toBe(true);
      rmSync(join(project, 'ran'));
      hostile(2);
      const check = await runCli(['audit', '--json']);
      expect(check.code, check.stderr).toBe(0);
      expect(existsSync(join(project, 'ran'))).toBe(true);
      // A rule using a kind only the app's code registers does not compile without it, and says why.
      writeFileSync(join(project, 'policies/p.yaml'), `${rule}    auditMark: reviewed\n`);
      const unknown = await runCli(['diff', '--base', 'base', '--policies', 'policies']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('unknown key "auditMark"');
      expect(unknown.stderr).toContain("the app's obligation kinds (src/obligations/index.ts) are not loaded: diff does not run the app's code");
    } finally {
      process.chdir(cwd);
      rmSync(project, { recursive: true, force: true });
    }
  });

  it.each([
    [[], 'give the base: a git ref (e.g. main) or --base <dir>'],
    [['main', 'other'], 'give one git ref, not 2'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['no-such-branch'], 'no commit "no-such-branch" in this repository'],
    [['--upload-pack=x'], "Unknown option '--upload-pack'"],
    [['main', '--base', '.'], 'give a git ref or --base <dir>, not both'],
    [['main', '--markdown', '--json'], 'give --markdown or --json, not both'],
    [['a..b'], 'is not a git ref this command takes'],
  ])('usage error %j (exit 2)', async (argv, message) => {
    const run = await runCli(['diff', ...argv, '--policies', policies]);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });
});
