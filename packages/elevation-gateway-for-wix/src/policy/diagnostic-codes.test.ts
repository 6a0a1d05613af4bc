// One small case per diagnostic code (as Cerbos' testdata/compile does), each asserting the code,
// the file, the line and the column. `«` in a case's text marks where the diagnostic must point;
// the table is keyed by DiagnosticCode, so a code without a case is a type error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parsePolicyText } from './load.ts';
import { compilePolicy } from './compile.ts';
import { lintPolicy } from './lint.ts';
import { appIdProblems, checkPolicy } from './check.ts';
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode } from './diagnostics.ts';
import { registerObligationKind } from '../contract/obligation-kind.ts';
import { loadPolicyTests, loadPolicyTestText } from '../review/verify/load-policy-tests.ts';
import type { FindResult } from '../sdk/catalogue.ts';

// Three codes guard against SDK shapes the installed packages do not have (a function export with no
// REST meta that sends nothing; a method with no type declarations; a path the probe cannot
// resolve): the catalogue and the probe are given them here.
const overrides = new Map<string, (real: (call: string) => Promise<FindResult>) => Promise<FindResult>>([
  ['ecom.orders.notRest', async () => ({ ok: false, reason: 'not-rest', message: 'ecom.orders.notRest is not a REST method of the SDK' })],
  [
    'ecom.orders.getOrderWithoutTypes',
    async (real) => {
      const d = await real('ecom.orders.getOrder');
      return d.ok ? { ok: true, found: { ...d.found, call: 'ecom.orders.getOrderWithoutTypes', method: 'getOrderWithoutTypes' } } : d;
    },
  ],
]);
vi.mock('../sdk/catalogue.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../sdk/catalogue.ts')>();
  return { ...real, findCall: (call: string) => overrides.get(call)?.(real.findCall) ?? real.findCall(call) };
});
// And one whose URL path arguments the probe cannot find (the installed packages have none left).
vi.mock('../sdk/probe.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../sdk/probe.ts')>();
  return {
    ...real,
    describeMethod: (found: Parameters<typeof real.describeMethod>[0], signature: Parameters<typeof real.describeMethod>[1]) =>
      found.call === 'stores.productsV3.updateProduct'
        ? Promise.resolve({ ok: false, reason: 'unprobeable', message: 'cannot tell how stores.productsV3.updateProduct addresses Wix' })
        : real.describeMethod(found, signature),
  };
});

const MARK = '«';

/** The text without its mark, and the mark's 1-based line and column. */
function marked(text: string): { text: string; line: number; column: number } {
  const at = text.indexOf(MARK);
  if (at < 0) throw new Error('a case marks its expected position with «');
  const before = text.slice(0, at).split('\n');
  return { text: text.replace(MARK, ''), line: before.length, column: before.at(-1)!.length + 1 };
}

const HEAD = `version: 1
roles:
  member: { subjects: [MEMBER] }
  visitor: { subjects: [VISITOR] }
rules:
`;
const rule = (body: string, id = 'r') => `  - id: ${id}\n    description: d\n    roles: [member]\n    justification: a test case\n${body}`;

interface Case {
  /** Files by name; exactly one holds the mark. */
  files: Record<string, string>;
  run: (files: Record<string, string>) => Promise<Diagnostic[]>;
}

async function compiled(files: Record<string, string>): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const loaded = Object.entries(files).map(([name, text]) => parsePolicyText(text, name, diagnostics));
  await compilePolicy(loaded, diagnostics);
  return diagnostics;
}

async function linted(files: Record<string, string>): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const loaded = Object.entries(files).map(([name, text]) => parsePolicyText(text, name, diagnostics));
  const { policy } = await compilePolicy(loaded, diagnostics);
  if (!policy) return diagnostics;
  return [...diagnostics, ...lintPolicy(policy, loaded).warnings];
}

const TEST_POLICY = `${HEAD}${rule('    allow: ecom.orders.searchOrders\n')}`;
async function testFile(files: Record<string, string>): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const { policy } = await compilePolicy([parsePolicyText(TEST_POLICY, 'p.yaml', diagnostics)], diagnostics);
  const [[name, text]] = Object.entries(files) as [[string, string]];
  await loadPolicyTestText(text, name, policy!, diagnostics);
  return diagnostics;
}
const testCase = (body: string) => `cases:\n  - name: n\n    as: member:m-1\n    call: ecom.orders.searchOrders\n${body}`;

const compile = (files: Record<string, string>): Case => ({ files, run: compiled });
const oneRule = (body: string, extra = ''): Case => compile({ 'p.yaml': `${HEAD}${rule(body)}${extra}` });

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'diagnostic-codes-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CASES = {
  yaml: compile({ 'p.yaml': 'version: 1\nroles:\n  member: { subjects: [MEMBER]\n«' }),
  schema: oneRule('    allow: ecom.orders.getOrder\n    «colour: red\n'),
  'no-policy': { files: { policies: '«' }, run: async () => (await compilePolicy([])).diagnostics },
  'duplicate-limits': compile({ 'a.yaml': 'version: 1\nlimits: { args: 3 }\n', 'b.yaml': 'version: 1\n«defaults: { timeoutMs: 1000 }\n' }),
  'duplicate-role': compile({
    'a.yaml': 'version: 1\nroles:\n  member: { subjects: [MEMBER] }\n',
    'b.yaml': 'version: 1\nroles:\n  «member: { subjects: [USER] }\n',
  }),
  'undefined-role': compile({ 'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [«ghost]\n    allow: ecom.orders.searchOrders\n` }),
  'cyclic-role': compile({ 'p.yaml': 'version: 1\nroles:\n  a: { subjects: [MEMBER], inherits: «[b] }\n  b: { inherits: [a] }\n' }),
  'condition-syntax': oneRule('    allow: ecom.orders.searchOrders\n    when: { args.0.filter: «{ $where: x } }\n'),
  placeholder: oneRule('    allow: ecom.orders.getOrder\n    resource: «{ buyerInfo.memberId: "${caller.email}" }\n'),
  'duplicate-rule': compile({
    'p.yaml': `${HEAD}${rule('    allow: ecom.orders.getOrder\n')}  - id: «r\n    description: d\n    roles: [member]\n    allow: ecom.orders.searchOrders\n`,
  }),
  'deny-obligation': oneRule('    deny: ecom.orders.getOrder\n    «cap: 5\n'),
  'cap-not-list': oneRule('    allow: ecom.orders.getOrder\n    «cap: 5\n'),
  'cap-above-maximum': oneRule('    allow: ecom.orders.searchOrders\n    cap: «1000\n'),
  'preload-not-write': oneRule('    allow: ecom.orders.getOrder\n    «preload: ecom.orders.getOrder\n'),
  'preload-not-read': oneRule('    allow: ecom.orders.cancelOrder\n    resource: { status: APPROVED }\n    preload: «ecom.orders.searchOrders\n'),
  'preload-mismatch': oneRule(
    '    allow: data.items.remove\n    when: { args.0: reviews }\n    resource: { _owner: "${caller.id}" }\n    preload: «ecom.orders.getOrder\n',
  ),
  'resource-needs-preload': oneRule('    allow: ecom.orders.cancelOrder\n    «resource: { status: APPROVED }\n'),
  'resource-unenforceable': oneRule('    allow: ecom.taxSettings.getTaxSettings\n    «resource: { a: 1 }\n'),
  'replace-needs-preload': oneRule('    allow: «data.items.update\n    when: { args.0: reviews }\n    writable: [args.1.title]\n'),
  'scope-unpinned': oneRule('    allow: data.items.get\n    «when: { args.0: { $in: [reviews, notes] } }\n    resource: { _owner: "${caller.id}" }\n'),
  'writable-required': oneRule('    allow: «data.items.insert\n    when: { args.0: reviews }\n'),
  'allow-option-unknown': oneRule(
    '    allow: data.items.get\n    when: { args.0: reviews }\n    resource: { _owner: "${caller.id}" }\n    allowOptions: [«suppressHook]\n',
  ),
  'allow-option-unjustified': compile({
    'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [member]\n    allow: data.items.get\n    when: { args.0: reviews }\n    resource: { _owner: "\${caller.id}" }\n    «allowOptions: [suppressHooks]\n`,
  }),
  'obligation-not-applicable': oneRule('    allow: ecom.orders.cancelOrder\n    «onlyOnReads: true\n'),
  'unreachable-rule': compile({
    'p.yaml': `${HEAD}  - «id: r\n    description: d\n    roles: [member]\n    allow: ecom.orders.getOrder\n  - id: never\n    description: d\n    roles: [member]\n    deny: ecom.*\n`,
  }),
  'argument-path': oneRule('    allow: ecom.orders.cancelOrder\n    writable: [«args.5.x]\n'),
  'field-path': oneRule('    allow: ecom.orders.getOrder\n    resource: { «buyerInfo.memberid: "${caller.id}" }\n'),
  'caller-attribute': compile({
    'p.yaml': `version: 1\nroles:\n  member: { subjects: [MEMBER] }\ncallerAttributes:\n  «id: { description: d, subjects: [MEMBER], read: members.members.getMember, args: ["\${caller.id}"], value: contactId }\n`,
  }),
  'caller-scoped': compile({
    'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [member]\n    allow: «members.members.getCurrentMember\n`,
  }),
  'sdk/unknown-module': oneRule('    allow: «ecom.ordrs.getOrder\n'),
  // An app whose package.json declares only the umbrella package, not the per-module one the generated module imports.
  'sdk/undeclared-package': {
    files: { 'p.yaml': `${HEAD}${rule('    allow: «ecom.orders.getOrder\n    resource: { buyerInfo.memberId: "${caller.id}" }\n')}` },
    run: async (files) => {
      const diagnostics: Diagnostic[] = [];
      const loaded = Object.entries(files).map(([name, text]) => parsePolicyText(text, name, diagnostics));
      await compilePolicy(loaded, diagnostics, { declaredPackages: new Set(['@wix/ecom']) });
      const found = diagnostics.find((d) => d.code === 'sdk/undeclared-package');
      expect(found?.message).toMatch(
        /@wix\/auto_sdk_ecom_orders, which the generated module imports but package\.json does not declare: npm i @wix\/auto_sdk_ecom_orders@\d+\.\d+\.\d+$/,
      );
      return diagnostics;
    },
  },
  'sdk/unknown-method': oneRule('    allow: «ecom.orders.getOrdr\n'),
  'sdk/event': oneRule('    allow: «ecom.orders.onOrderCreated\n'),
  'sdk/enum': oneRule('    allow: «ecom.orders.ActivityType\n'),
  'sdk/not-rest': oneRule('    allow: «ecom.orders.notRest\n'),
  'sdk/unprobeable': oneRule('    allow: «stores.productsV3.updateProduct\n'),
  'sdk/unsupported': oneRule('    allow: «data.items.patch\n    when: { args.0: reviews }\n'),
  'sdk/no-signature': oneRule('    allow: «ecom.orders.getOrderWithoutTypes\n'),
  'risk/id-without-resource': {
    files: { 'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [member]\n    allow: «ecom.orders.getOrder\n` },
    run: linted,
  },
  'risk/unconditional-public-write': {
    files: { 'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [member]\n    allow: «ecom.orders.cancelOrder\n` },
    run: linted,
  },
  'risk/whole-objects-to-visitors': {
    files: {
      'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [visitor]\n    allow: «stores.productsV3.queryProducts\n    resource: { visible: true }\n`,
    },
    run: linted,
  },
  'risk/list-condition-not-filterable': {
    files: {
      'p.yaml': `${HEAD}  - id: r\n    description: d\n    roles: [member]\n    allow: ecom.orders.searchOrders\n    resource: «{ weightUnit: KG }\n`,
    },
    run: linted,
  },
  'app-id': {
    files: { 'wix.config.json': '«{ "appId": "not-a-uuid" }' },
    run: async (files) => {
      const project = join(work, 'app-id');
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, 'wix.config.json'), files['wix.config.json']!);
      return appIdProblems(project).map((d) => ({ ...d, file: relative(project, join(process.cwd(), d.file)) }));
    },
  },
  'generated-missing': {
    files: { 'missing.ts': '«' },
    run: async () => {
      const dir = join(work, 'missing');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'p.yaml'), TEST_POLICY);
      const result = await checkPolicy({ policies: dir, generated: join(dir, 'missing.ts'), project: false });
      return result.diagnostics.map((d) => ({ ...d, file: relative(dir, d.file) }));
    },
  },
  'generated-stale': {
    files: { 'stale.ts': '«// an old module\n' },
    run: async (files) => {
      const dir = join(work, 'stale');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'p.yaml'), TEST_POLICY);
      writeFileSync(join(dir, 'stale.ts'), files['stale.ts']!);
      const result = await checkPolicy({ policies: dir, generated: join(dir, 'stale.ts'), project: false });
      return result.diagnostics.map((d) => ({ ...d, file: relative(dir, d.file) }));
    },
  },
  'test/file': {
    files: { folder: '«' },
    run: async () => {
      const folder = join(work, 'folder');
      mkdirSync(folder, { recursive: true });
      const diagnostics: Diagnostic[] = [];
      const { policy } = await compilePolicy([parsePolicyText(TEST_POLICY, 'p.yaml', diagnostics)], diagnostics);
      await loadPolicyTests([folder], policy!, diagnostics, work);
      return diagnostics;
    },
  },
  'test/caller': { files: { 't.yaml': 'cases:\n  - name: n\n    as: «robot\n    call: ecom.orders.searchOrders\n    expect: deny\n' }, run: testFile },
  'test/unknown-rule': { files: { 't.yaml': testCase('    expect: allow\n    rule: «nope\n') }, run: testFile },
  'test/deny-expectation': { files: { 't.yaml': testCase('    expect: deny\n    «count: 1\n') }, run: testFile },
  'test/input': { files: { 't.yaml': testCase('    expect: allow\n    «resource: { a: 1 }\n') }, run: testFile },
  'test/fixture': {
    files: { 't.yaml': `fixtures:\n  args:\n    any-query: [{}]\n${testCase('    args: «any-qury\n    expect: allow\n')}` },
    run: testFile,
  },
  'test/matrix': {
    files: {
      't.yaml':
        'matrices:\n  - name: m\n    callers: [visitor, member:m-1]\n    calls:\n      search: { call: ecom.orders.searchOrders, args: [{}], items: [] }\n    expect:\n      search: «[deny]\n',
    },
    run: testFile,
  },
} satisfies Record<DiagnosticCode, Case>;

describe('every diagnostic code, at its position', () => {
  let unregister: () => void;
  beforeAll(() => {
    unregister = registerObligationKind({
      key: 'onlyOnReads',
      description: 'a kind for read calls only',
      schema: z.literal(true),
      methodKinds: ['read-one', 'list'],
      combine: () => undefined,
      describe: () => null,
    });
  });
  afterAll(() => unregister());

  it('has a case for each code', () => {
    expect(Object.keys(CASES).sort()).toEqual([...DIAGNOSTIC_CODES].sort());
  });

  it.each(Object.entries(CASES) as [DiagnosticCode, Case][])('%s', async (code, c) => {
    const [file, text] = Object.entries(c.files).find(([, t]) => t.includes(MARK))!;
    const at = marked(text);
    const files = Object.fromEntries(Object.entries(c.files).map(([name, t]) => [name, name === file ? at.text : t]));
    const found = (await c.run(files)).filter((d) => d.code === code);
    expect(found.length, `no ${code} diagnostic`).toBeGreaterThan(0);
    expect(found.map((d) => ({ code: d.code, file: d.file, line: d.line, column: d.column }))).toContainEqual({ code, file, line: at.line, column: at.column });
  });
});
