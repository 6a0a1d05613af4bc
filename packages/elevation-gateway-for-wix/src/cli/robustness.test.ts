// Every bad input a reviewer can give `elevate` gets a clear error and the documented exit code —
// never a crash or a hang: the real CLI, in-process, on bad flags, bad values and broken files.
// (The fuzzing of policy and policy-test YAML is src/policy/robustness.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from './main.ts';
import { copyPolicy, runCli, type CliRun, type PolicyCopy } from '../dev/testing/cli-harness.ts';
import { SHOP } from '../dev/testing/shop.ts';
let copy: PolicyCopy | undefined;
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'elevate-robust-'));
  mkdirSync(join(scratch, 'empty'));
  mkdirSync(join(scratch, 'folder.yaml'));
  writeFileSync(join(scratch, 'a-file.txt'), 'not a folder\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

/** Runs `elevate` and records whether a command threw into main()'s catch-all (which loses positions). */
async function elevate(argv: string[]): Promise<CliRun & { threw?: unknown }> {
  const name = argv[0]!;
  const original = Object.hasOwn(commands, name) ? commands[name] : undefined;
  let threw: unknown;
  if (original) {
    commands[name] = {
      ...original,
      run: async (a) => {
        try {
          return await original.run(a);
        } catch (e) {
          threw = e;
          throw e;
        }
      },
    };
  }
  try {
    const run = await runCli(argv);
    return { ...run, ...(threw !== undefined ? { threw } : {}) };
  } finally {
    if (original) commands[name] = original;
  }
}

function expectClean(run: CliRun & { threw?: unknown }, code: number, stderr: RegExp | string) {
  expect(run.threw, `uncaught: ${String(run.threw)}\n${run.stderr}`).toBeUndefined();
  expect(run.code, run.out).toBe(code);
  expect(run.out).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
  if (typeof stderr === 'string') expect(run.stderr).toContain(stderr);
  else expect(run.stderr).toMatch(stderr);
}

const ALL = ['check', 'build', 'audit', 'explain', 'test', 'schema'] as const;
const AS = ['--as', 'member:m-1', 'ecom.orders.getOrder'];

describe('elevate: usage errors exit 2 and name the problem', () => {
  const table: [string, string[], RegExp | string][] = [
    ...ALL.map((c): [string, string[], string] => [`${c}: an unknown flag`, [c, '--bogus'], "Unknown option '--bogus'"]),
    ...ALL.filter((c) => c !== 'explain' && c !== 'test').map((c): [string, string[], string] => [
      `${c}: a stray positional`,
      [c, 'stray'],
      'Unexpected argument',
    ]),
    ['check: --policies without a value', ['check', '--policies'], "Option '--policies <value>' argument missing"],
    ['explain: --as without a value', ['explain', '--as'], "Option '--as <value>' argument missing"],
    ['explain: no --as', ['explain', 'ecom.orders.getOrder'], '--as <subjectType>[:<id>] is required'],
    ['explain: --as member:', ['explain', '--as', 'member:', 'ecom.orders.getOrder'], 'bad --as: "member:": the id after ":" must be a plain id'],
    ['explain: --as :x', ['explain', '--as', ':x', 'ecom.orders.getOrder'], 'bad --as: ":x" names no subject type'],
    ['explain: --as robot', ['explain', '--as', 'robot', 'ecom.orders.getOrder'], 'bad --as: "robot" names no subject type'],
    ['explain: --as with an id that is not plain', ['explain', '--as', 'member:m 1', 'ecom.orders.getOrder'], 'the id after ":" must be a plain id'],
    ['explain: no call', ['explain', '--as', 'member:m-1'], 'give the call'],
    ['explain: not a call', ['explain', '--as', 'member:m-1', 'orders'], '"orders" is not a call'],
    ['explain: an unknown method', ['explain', '--as', 'member:m-1', 'ecom.orders.constructor'], '"constructor" is not an export of ecom.orders'],
    ['explain: an unknown module', ['explain', '--as', 'member:m-1', 'toString.orders.getOrder'], 'unknown SDK module "toString.orders"'],
    ['explain: args {', ['explain', ...AS, '{'], 'the arguments is not valid JSON'],
    ['explain: args "x"', ['explain', ...AS, '"x"'], 'the arguments must be a JSON array'],
    ['explain: args null', ['explain', ...AS, 'null'], 'the arguments must be a JSON array'],
    ['explain: args {}', ['explain', ...AS, '{}'], 'the arguments must be a JSON array'],
    [
      'explain: args nested too deep (used to overflow the stack)',
      ['explain', '--as', 'member:m-1', 'ecom.orders.searchOrders', `[${'['.repeat(5000)}${']'.repeat(5000)}]`],
      'the arguments: nested more than 64 levels deep',
    ],
    ['explain: three positionals', ['explain', ...AS, '[]', '[]'], 'give the call and, optionally, its arguments'],
    ['explain: --resource {', ['explain', ...AS, '["o-1"]', '--resource', '{'], '--resource is not valid JSON'],
    ['explain: --resource "x"', ['explain', ...AS, '["o-1"]', '--resource', '"x"'], '--resource must be a JSON object'],
    ['explain: --resource null', ['explain', ...AS, '["o-1"]', '--resource', 'null'], '--resource must be a JSON object'],
    ['explain: --resource [1]', ['explain', ...AS, '["o-1"]', '--resource', '[1]'], '--resource must be a JSON object'],
    [
      'explain: --resource nested too deep',
      ['explain', ...AS, '["o-1"]', '--resource', `{"a":${'['.repeat(100)}${']'.repeat(100)}}`],
      '--resource: nested more than 64 levels deep',
    ],
    ['audit: --check with --approve', ['audit', '--check', '--approve'], '--check and --approve exclude each other'],
    ['schema: --check with --out -', ['schema', '--out', '-', '--check'], 'cannot check stdout'],
  ];
  it.each(table)('%s', async (_name, argv, message) => {
    const run = await elevate(argv);
    expectClean(run, 2, message);
    expect(run.stderr).toContain(`usage: elevate ${argv[0]}`);
  });

  it('an output path that is a folder is a usage error, not EISDIR from the catch-all', async () => {
    const folder = join(scratch, 'empty');
    expectClean(await elevate(['build', '--out', folder]), 2, `--out ${folder} is a folder`);
    expectClean(await elevate(['schema', '--out', folder]), 2, `--out ${folder} is a folder`);
    expectClean(await elevate(['schema', '--tests-out', folder]), 2, `--tests-out ${folder} is a folder`);
    expectClean(await elevate(['audit', '--approve', '--approved', folder]), 2, `${folder} is a folder`);
    expectClean(await elevate(['audit', '--check', '--approved', folder]), 2, `${folder} is a folder`);
  });

  it('a test file that is a folder or does not exist is a usage error', async () => {
    expectClean(await elevate(['test', join(scratch, 'folder.yaml')]), 2, 'folder.yaml is not a file');
    expectClean(await elevate(['test', join(scratch, 'nope.yaml')]), 2, 'no such test file');
  });

  it('unknown commands and no command are usage errors', async () => {
    expectClean(await elevate(['chekc']), 2, 'unknown command "chekc"');
    expect((await elevate([])).code).toBe(2);
  });
});

describe('elevate: policy and test problems exit 1 with file:line:column', () => {
  const dirs = () => ({
    missing: join(scratch, 'does-not-exist'),
    file: join(scratch, 'a-file.txt'),
    empty: join(scratch, 'empty'),
  });
  const policyCommands: [string, (dir: string) => string[]][] = [
    ['check', (d) => ['check', '--policies', d]],
    ['build', (d) => ['build', '--policies', d, '--check']],
    ['audit', (d) => ['audit', '--policies', d]],
    ['explain', (d) => ['explain', ...AS, '--policies', d]],
  ];
  it.each(policyCommands)('%s: a --policies folder that does not exist, is a file or is empty', async (_c, argv) => {
    const { missing, file, empty } = dirs();
    expectClean(await elevate(argv(missing)), 1, `${missing}:1:1 error: the policy folder ${missing} does not exist`);
    expectClean(await elevate(argv(file)), 1, `${file}:1:1 error: ${file} is not a folder`);
    expectClean(await elevate(argv(empty)), 1, `${empty}:1:1 error: no policy files found (${join(empty, '*.yaml')})`);
  });

  it('test: a --policies folder that does not exist, is a file or is empty (no tests there)', async () => {
    const { missing, file, empty } = dirs();
    for (const d of [missing, file, empty]) expectClean(await elevate(['test', '--policies', d]), 1, `no policy tests found (${join(d, 'tests')}/*.yaml)`);
  });

  it('test: a policy --policies folder that is a file, with test files given', async () => {
    const { file } = dirs();
    expectClean(await elevate(['test', '--policies', file, `${SHOP.tests}/orders.yaml`]), 1, `${file}:1:1 error: ${file} is not a folder`);
  });

  const brokenPolicies: [string, string | RegExp, string, string][] = [
    [
      'an unresolved alias',
      'roles: [member]\n    allow: ecom.orders.getOrder',
      'roles: *nope\n    allow: ecom.orders.getOrder',
      'alias *nope refers to no anchor',
    ],
    [
      'a recursive alias',
      'resource: { buyerInfo.memberId: "${caller.id}" }\n',
      'resource: &loop { a: { $elemMatch: *loop } }\n',
      'a YAML alias refers to a node that contains it',
    ],
    [
      'a __proto__ key in when',
      'resource: { buyerInfo.memberId: "${caller.id}" }\n',
      'resource: { __proto__: { x: 1 } }\n',
      'the key "__proto__" is not allowed',
    ],
    ['a tab', 'roles:\n  visitor:', 'roles:\n\tvisitor:', 'Tabs are not allowed'],
    ['a second document', /$/, '\n---\nversion: 1\n', 'multiple documents'],
    ['a duplicate key', 'version: 1\n', 'version: 1\nversion: 1\n', 'Map keys must be unique'],
    ['wrong types', 'cap: 50\n', 'cap: "fifty"\n    when: 7\n', 'expected number'],
    ['an unknown operator', 'resource: { visible: true }\n', 'resource: { visible: { $regex: "x" } }\n', 'unknown operator $regex'],
    ['a malformed placeholder', '"${caller.id}"', '"${ caller.id }"', 'names no caller attribute'],
  ];
  it.each(brokenPolicies)('check/build/audit/explain: %s', async (_name, from, to, message) => {
    copy = copyPolicy();
    copy.edit(from, to);
    for (const argv of [
      ['check', '--policies', copy.dir],
      ['build', '--policies', copy.dir, '--check'],
      ['audit', '--policies', copy.dir],
      ['explain', ...AS, '--policies', copy.dir],
    ]) {
      const run = await elevate(argv);
      expectClean(run, 1, message);
      expect(run.stderr).toMatch(new RegExp(`${copy.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error: `));
    }
  });

  it('test: a test file with wrong types and unknown keys', async () => {
    copy = copyPolicy();
    const file = join(copy.dir, 'tests', 'broken.yaml');
    writeFileSync(
      file,
      [
        'cases:',
        '  - name: 7',
        '    as: member:m-1',
        '    call: ecom.orders.getOrder',
        '    args: o-1',
        '    expect: maybe',
        '    count: "1"',
        '    colour: blue',
        '',
      ].join('\n'),
    );
    const run = await elevate(['test', '--policies', copy.dir, file]);
    expectClean(run, 1, 'no case was run');
    for (const [line, text] of [
      [2, 'cases.0.name: Invalid input'],
      [6, 'cases.0.expect: Invalid option'],
      [7, 'cases.0.count: Invalid input'],
      [8, 'cases.0: unknown key "colour"'],
    ] as const) {
      expect(run.stderr).toMatch(
        new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+ error: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    }
  });

  it('test: test files with a wrong root, bad callers, aliases and recursion', async () => {
    copy = copyPolicy();
    const write = (name: string, text: string) => {
      const f = join(copy!.dir, 'tests', name);
      writeFileSync(f, text);
      return f;
    };
    const cases: [string, string, string][] = [
      ['root-list.yaml', '- a\n', ':1:1 error: Invalid input: expected object, received array'],
      ['empty.yaml', '', ':1:1 error: Invalid input: expected object, received null'],
      ['no-cases.yaml', 'cases: []\n', ':1:8 error: cases: list at least one case, or leave "cases" out'],
      // A string where the arguments go names an argument fixture (`fixtures.args`): here, none.
      [
        'args-not-a-fixture.yaml',
        'cases:\n  - name: x\n    as: member:m-1\n    call: ecom.orders.getOrder\n    args: o-1\n    expect: deny\n',
        ':5:11 error: no fixtures.args entry "o-1" (the arguments are a list: args: ["o-1"]; a string names an argument fixture)',
      ],
      [
        'bad-as.yaml',
        'cases:\n  - name: x\n    as: "member:"\n    call: ecom.orders.getOrder\n    expect: deny\n',
        ':3:9 error: cases.0.as: a caller is a subject type',
      ],
      ['robot.yaml', 'cases:\n  - name: x\n    as: robot\n    call: ecom.orders.getOrder\n    expect: deny\n', ':3:9 error: "robot" names no subject type'],
      [
        'alias.yaml',
        'cases:\n  - name: x\n    as: visitor\n    call: ecom.orders.getOrder\n    args: *nope\n    expect: deny\n',
        ':5:11 error: alias *nope refers to no anchor',
      ],
      [
        'loop.yaml',
        'cases:\n  - &c\n    name: x\n    as: visitor\n    call: ecom.orders.getOrder\n    args: [*c]\n    expect: deny\n',
        'a YAML alias refers to a node that contains it',
      ],
    ];
    for (const [name, text, message] of cases) {
      const file = write(name, text);
      const run = await elevate(['test', '--policies', copy.dir, file]);
      expectClean(run, 1, message.startsWith(':') ? `${file}${message}` : message);
    }
  });
});
