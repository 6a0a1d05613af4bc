// Fixtures and matrices in policy-test files, with the real parts: the real compiler builds the
// shop fixture's policy, the real loader resolves the fixtures and expands each matrix into one case
// per cell, the real runner (and `elevate test`) decides every case. `«` in a test's YAML marks
// where a diagnostic must point.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPolicy } from '../../policy/build.ts';
import { formatDiagnostic, type Diagnostic, type DiagnosticCode } from '../../policy/diagnostics.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { SHOP } from '../../dev/testing/shop.ts';
import { runCli } from '../../dev/testing/cli-harness.ts';
import { policyFromYaml } from '../../dev/testing/policy-fixture.ts';
import { validateJsonSchema } from '../../dev/testing/json-schema-check.ts';
import { DEFAULT_TESTS_SCHEMA } from '../json-schema.ts';
import { loadPolicyTests, loadPolicyTestText, policyTestFiles } from './load-policy-tests.ts';
import { runPolicyTests } from './run-policy-tests.ts';
import { testCaseSchema } from './test-file-schema.ts';

const DIR = 'test/fixtures/policy-tests';
const FIXTURES = `${DIR}/fixtures.yaml`;
const MATRIX = `${DIR}/who-may-call-what.yaml`;
const WRONG_CELL = `${DIR}/wrong-cell.yaml`;

const shop = (await buildPolicy(SHOP.policies)).policy!;
// A policy with a caller attribute (contactId, read for members), for what attributes decide.
const members = (await policyFromYaml(readFileSync('test/fixtures/members-contacts-loyalty.yaml', 'utf8'))).policy;

async function load(path: string, policy: CompiledPolicy = shop) {
  const diagnostics: Diagnostic[] = [];
  const cases = await loadPolicyTests([path], policy, diagnostics);
  return { cases, diagnostics };
}

/** The text without its mark, and the mark's 1-based line and column. */
function marked(text: string): { text: string; line: number; column: number } {
  const at = text.indexOf('«');
  if (at < 0) throw new Error('the YAML marks the expected position with «');
  const before = text.slice(0, at).split('\n');
  return { text: text.replace('«', ''), line: before.length, column: before.at(-1)!.length + 1 };
}

/** Loads marked YAML and expects exactly the diagnostic `code` at the mark, with `message` in it; returns every diagnostic. */
async function expectErrorAtMark(yaml: string, code: DiagnosticCode, message: string | RegExp, policy: CompiledPolicy = shop): Promise<Diagnostic[]> {
  const { text, line, column } = marked(yaml);
  const diagnostics: Diagnostic[] = [];
  await loadPolicyTestText(text, 't.yaml', policy, diagnostics);
  const shown = diagnostics.map((d) => `${formatDiagnostic(d)} [${d.code}]`).join('\n');
  const found = diagnostics.filter((d) => d.code === code && d.line === line && d.column === column);
  expect(found, `no ${code} at ${line}:${column}; got:\n${shown}`).toHaveLength(1);
  if (typeof message === 'string') expect(found[0]!.message).toContain(message);
  else expect(found[0]!.message).toMatch(message);
  for (const d of diagnostics) expect(d.severity, shown).toBe('error');
  return diagnostics;
}

/** The cells of a matrix's expect row, as positioned in the file: the row is the line `<label>: [`. */
function rowCells(text: string, label: string): { line: number; column: number; value: string }[] {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => new RegExp(`^\\s+${label}:\\s*\\[`).test(l));
  if (index < 0) throw new Error(`no row ${label}`);
  const line = lines[index]!;
  const open = line.indexOf('[');
  const close = line.indexOf(']');
  return [...line.slice(open, close).matchAll(/allow|deny/g)].map((m) => ({ line: index + 1, column: open + m.index + 1, value: m[0] }));
}

describe('fixtures in policy-test files', () => {
  it('a case names a fixture caller, arguments, resource and items, and passes', async () => {
    const { cases, diagnostics } = await load(FIXTURES);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(cases.map((c) => c.test.name)).toEqual([
      'alice reads her own order',
      "another member cannot read alice's order",
      'alice searches and receives her own orders only',
      'the owner searches every order',
      'alice on another site, in another instance, still reads her own order',
    ]);
    const results = await runPolicyTests(shop, cases);
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.problems.join('; ')}`)).toEqual([]);
    expect(results.map((r) => r.outcome)).toEqual(['allow', 'deny', 'allow', 'allow', 'allow']);
    expect(results.map((r) => r.rule ?? null)).toEqual([
      'member-reads-own-order',
      null,
      'member-searches-own-orders',
      'dashboard-searches-orders',
      'member-reads-own-order',
    ]);

    // The runner gets plain cases: the fixture caller's spec, argument arrays, objects and item lists.
    const [own, others, search, owner] = cases;
    expect(own!.test).toMatchObject({ as: 'member:m-1', args: ['o-1'], resource: { _id: 'o-1', buyerInfo: { memberId: 'm-1' } } });
    expect([own!.subjectType, own!.callerId]).toEqual(['MEMBER', 'm-1']);
    expect([others!.subjectType, others!.callerId]).toEqual(['MEMBER', 'm-2']);
    expect(search!.test.args).toEqual([{ cursorPaging: { limit: 100 } }]);
    expect(search!.test.items).toHaveLength(3);
    expect([owner!.test.as, owner!.subjectType, owner!.callerId]).toEqual(['user:u-1', 'USER', 'u-1']);
    for (const c of cases) expect(testCaseSchema.parse(c.test)).toEqual(c.test);
    // Each case gets its own copy of a fixture's data.
    expect(own!.test.resource).not.toBe(others!.test.resource);
    expect(own!.test.resource).toEqual(others!.test.resource);
    // Cases are positioned where they are written.
    const text = readFileSync(FIXTURES, 'utf8').split('\n');
    expect([own!.line, own!.column]).toEqual([text.indexOf('  - name: alice reads her own order') + 1, 5]);
  });

  it("a case's own site and instance override its caller fixture's", async () => {
    const { cases } = await load(FIXTURES);
    expect(cases[0]!.test).toMatchObject({ site: 'site-1', instance: 'instance-1' });
    expect(cases[4]!.test).toMatchObject({ site: 'site-2', instance: 'instance-2' });
    expect(cases[1]!.test.site).toBeUndefined();
  });

  it("a case's own attributes override its caller fixture's, and decide the case", async () => {
    const text = [
      'fixtures:',
      '  callers:',
      '    alice: { as: member:m-1, attributes: { contactId: c-1 } }',
      '  resources:',
      '    contact-of-alice: { _id: c-1, info: { name: { first: Alice } } }',
      'cases:',
      '  - name: alice reads her own contact',
      '    as: alice',
      '    call: crm.contacts.getContact',
      '    args: [c-1]',
      '    resource: contact-of-alice',
      '    expect: allow',
      '    rule: own-contact',
      '  - name: with another contact id, the same contact is not hers',
      '    as: alice',
      '    attributes: { contactId: c-2 }',
      '    call: crm.contacts.getContact',
      '    args: [c-1]',
      '    resource: contact-of-alice',
      '    expect: deny',
      '',
    ].join('\n');
    const diagnostics: Diagnostic[] = [];
    const cases = await loadPolicyTestText(text, 't.yaml', members, diagnostics);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(cases.map((c) => c.test.attributes)).toEqual([{ contactId: 'c-1' }, { contactId: 'c-2' }]);
    const results = await runPolicyTests(members, cases);
    expect(results.map((r) => [r.outcome, r.passed])).toEqual([
      ['allow', true],
      ['deny', true],
    ]);
  });

  it('an unused fixture is no error', async () => {
    const diagnostics: Diagnostic[] = [];
    const text =
      'fixtures:\n  callers: { carol: { as: member:m-3 } }\n  args: { nothing: [] }\n  resources: { nobody: {} }\n  items: { none: [] }\n' +
      'cases:\n  - { name: n, as: visitor, call: ecom.orders.getOrder, args: [o-1], expect: deny }\n';
    const cases = await loadPolicyTestText(text, 't.yaml', shop, diagnostics);
    expect(diagnostics).toEqual([]);
    expect(cases).toHaveLength(1);
  });

  const CASE_TAIL = '    call: ecom.orders.getOrder\n    expect: deny\n';
  const HEAD =
    'fixtures:\n  callers:\n    alice: { as: member:m-1 }\n  args:\n    order-1: [o-1]\n  resources:\n    order-of-alice: { _id: o-1 }\n  items:\n    orders: []\ncases:\n  - name: n\n';

  it.each([
    ['a caller', `${HEAD}    as: «alce\n${CASE_TAIL}`, /^"alce" names no caller fixture and no subject type \(did you mean "alice"\?\)/],
    ['arguments', `${HEAD}    as: alice\n    args: «ordr-1\n${CASE_TAIL}`, 'no fixtures.args entry "ordr-1" (did you mean "order-1"?)'],
    [
      'a resource',
      `${HEAD}    as: alice\n    resource: «order-of-alise\n${CASE_TAIL}`,
      'no fixtures.resources entry "order-of-alise" (did you mean "order-of-alice"?)',
    ],
    [
      'items',
      `${HEAD}    as: alice\n    call: ecom.orders.searchOrders\n    items: «ordrs\n    expect: deny\n`,
      'no fixtures.items entry "ordrs" (did you mean "orders"?)',
    ],
    [
      'a name from another list',
      `${HEAD}    as: alice\n    resource: «order-1\n${CASE_TAIL}`,
      'no fixtures.resources entry "order-1" ("order-1" is a fixtures.args entry)',
    ],
    [
      "a matrix's caller",
      `${HEAD.replace(/cases:[^]*$/, '')}matrices:\n  - name: m\n    callers: [visitor, «alicee]\n    calls: { read: { call: ecom.orders.getOrder } }\n    expect: { read: [deny, deny] }\n`,
      '"alicee" names no caller fixture and no subject type (did you mean "alice"?)',
    ],
    [
      "a matrix call's arguments",
      `${HEAD.replace(/cases:[^]*$/, '')}matrices:\n  - name: m\n    callers: [alice]\n    calls: { read: { call: ecom.orders.getOrder, args: «order-2 } }\n    expect: { read: [deny] }\n`,
      'no fixtures.args entry "order-2" (did you mean "order-1"?)',
    ],
  ])('an unknown fixture name (%s) is an error at the name, with did-you-mean', async (_what, yaml, message) => {
    await expectErrorAtMark(yaml, 'test/fixture', message);
  });

  it('without caller fixtures, an unknown caller is the caller error it always was', async () => {
    await expectErrorAtMark(
      'cases:\n  - name: n\n    as: «robot\n    call: ecom.orders.getOrder\n    expect: deny\n',
      'test/caller',
      '"robot" names no subject type: use one of visitor, member, user, app, unknown, optionally with an id (member:m-1)',
    );
  });

  it.each(['visitor', 'Member', 'UNKNOWN', 'app', 'user'])('a caller fixture may not be named like the subject type (%s)', async (name) => {
    const yaml = `fixtures:\n  callers:\n    «${name}: { as: member:m-1 }\ncases:\n  - { name: n, as: ${name}, call: ecom.orders.getOrder, expect: deny }\n`;
    await expectErrorAtMark(
      yaml,
      'test/fixture',
      `a caller fixture may not be named "${name}": "as: ${name.toLowerCase()}" means any ${name.toLowerCase()} caller`,
    );
  });

  it("a caller fixture's own caller and attributes are checked where written, used or not", async () => {
    await expectErrorAtMark(
      'fixtures:\n  callers:\n    alice: { as: «membr:m-1 }\ncases:\n  - { name: n, as: visitor, call: ecom.orders.getOrder, expect: deny }\n',
      'test/caller',
      '"membr:m-1" names no subject type',
    );
    await expectErrorAtMark(
      'fixtures:\n  callers:\n    alice: { as: member:m-1, attributes: { «contactid: c-1 } }\ncases:\n  - { name: n, as: visitor, call: crm.contacts.getContact, expect: deny }\n',
      'test/input',
      'the policy declares no caller attribute "contactid" (did you mean "contactId"?)',
      members,
    );
    await expectErrorAtMark(
      'fixtures:\n  callers:\n    guest: { as: visitor, attributes: { «contactId: c-1 } }\ncases:\n  - { name: n, as: guest, call: crm.contacts.getContact, expect: deny }\n',
      'test/input',
      'caller attribute "contactId" is read for MEMBER only, not for "visitor"',
      members,
    );
  });

  it.each([
    ['fixtures that are not a map', 'fixtures: «5\n', 'fixtures: Invalid input: expected object, received number'],
    ['a caller fixture that is not a map', 'fixtures:\n  callers: { alice: «5 }\n', 'fixtures.callers.alice: Invalid input: expected object'],
    ['a caller fixture without its caller', 'fixtures:\n  callers: { alice: «{ site: s-1 } }\n', 'fixtures.callers.alice.as:'],
    ['callers as a list', 'fixtures:\n  callers: «[alice]\n', 'fixtures.callers: Invalid input: expected record'],
    ['a fixture name that is not a word', 'fixtures:\n  args: { «"bad name": [] }\n', 'fixtures.args.bad name: a fixture name is a word'],
    ['arguments that are not a list', 'fixtures:\n  args: { x: «5 }\n', 'fixtures.args.x: Invalid input: expected array'],
    ['a resource that is not a map', 'fixtures:\n  resources: { x: «[] }\n', 'fixtures.resources.x: Invalid input: expected record'],
    ['an item that is not a map', 'fixtures:\n  items: { x: [«5] }\n', 'fixtures.items.x.0: Invalid input: expected record'],
    ['an unknown fixture list', 'fixtures:\n  «results: {}\n', 'fixtures: unknown key "results"'],
    [
      "a case's arguments that are neither",
      'cases:\n  - { name: n, as: visitor, call: ecom.orders.getOrder, args: «5, expect: deny }\n',
      'cases.0.args: expected a list of positional arguments, e.g. [o-1], or the name of a fixtures.args entry',
    ],
    [
      "a case's item that is not a map",
      'cases:\n  - { name: n, as: visitor, call: ecom.orders.searchOrders, items: [«5], expect: deny }\n',
      'cases.0.items.0: Invalid input: expected record',
    ],
    [
      "a case's fixture name that is not a word",
      'cases:\n  - { name: n, as: visitor, call: ecom.orders.getOrder, resource: «"x y", expect: deny }\n',
      'cases.0.resource: a fixture name is a word',
    ],
  ])('%s is a positioned schema error', async (_what, yaml, message) => {
    const text = yaml.includes('cases:') ? yaml : `${yaml}cases:\n  - { name: n, as: visitor, call: ecom.orders.getOrder, expect: deny }\n`;
    await expectErrorAtMark(text, 'schema', message);
  });
});

describe('matrices in policy-test files', () => {
  it('every cell is one case, named <matrix>: <call> × <caller>, positioned at its cell; all pass', async () => {
    const { cases, diagnostics } = await load(MATRIX);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const text = readFileSync(MATRIX, 'utf8');
    const tables = [
      { name: 'who can touch orders', callers: ['visitor', 'alice', 'bob', 'owner'], calls: ['read-alices-order', 'search-orders', 'cancel-alices-order'] },
      { name: 'who can browse the catalog', callers: ['visitor', 'alice', 'owner'], calls: ['list-products', 'view-product'] },
    ];
    const expected = tables.flatMap((t) =>
      t.calls.flatMap((call) =>
        rowCells(text, call).map((cell, j) => ({
          name: `${t.name}: ${call} × ${t.callers[j]}`,
          line: cell.line,
          column: cell.column,
          expect: cell.value,
          matrix: { name: t.name, call, caller: t.callers[j] },
        })),
      ),
    );
    expect(cases).toHaveLength(4 * 3 + 3 * 2);
    expect(cases.map((c) => ({ name: c.test.name, line: c.line, column: c.column, expect: c.test.expect, matrix: c.matrix }))).toEqual(expected);
    expect(cases.find((c) => c.test.name === 'who can touch orders: search-orders × owner')).toMatchObject({
      subjectType: 'USER',
      callerId: 'u-1',
      test: { as: 'user:u-1', site: 'site-1', call: 'ecom.orders.searchOrders', args: [{}] },
    });
    for (const c of cases) expect(testCaseSchema.parse(c.test)).toEqual(c.test);

    const results = await runPolicyTests(shop, cases);
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.problems.join('; ')}`)).toEqual([]);
    expect(results.map((r) => r.outcome)).toEqual(expected.map((e) => e.expect));
  });

  it('a wrong cell fails alone, reported at the cell', async () => {
    const { cases, diagnostics } = await load(WRONG_CELL);
    expect(diagnostics).toEqual([]);
    const results = await runPolicyTests(shop, cases);
    expect(results).toHaveLength(2 * 3);
    const failed = results.filter((r) => !r.passed);
    const cell = rowCells(readFileSync(WRONG_CELL, 'utf8'), 'read-alices-order')[2]!;
    expect(failed.map((r) => ({ name: r.name, file: r.file, line: r.line, column: r.column, problems: r.problems }))).toEqual([
      {
        name: 'who can touch orders: read-alices-order × member:m-2',
        file: WRONG_CELL,
        line: cell.line,
        column: cell.column,
        problems: ['expected allow, got deny (403 FORBIDDEN: resource conditions do not hold)'],
      },
    ]);
  });

  it('elevate test prints the failing cell at file:line:column with what differed (exit 1), and a passing matrix file exits 0', async () => {
    const cell = rowCells(readFileSync(WRONG_CELL, 'utf8'), 'read-alices-order')[2]!;
    const run = await runCli(['test', '--policies', SHOP.policies, WRONG_CELL]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✗ ${WRONG_CELL}:${cell.line}:${cell.column} who can touch orders: read-alices-order × member:m-2`);
    expect(run.stderr).toContain('    expected allow, got deny (403 FORBIDDEN: resource conditions do not hold)');
    expect(run.stderr).toContain('6 case(s): 5 passed, 1 failed (1 file(s))');
    expect(run.stdout).toContain('✓ who can touch orders: read-alices-order × alice (allow by member-reads-own-order)');

    const passing = await runCli(['test', '--policies', SHOP.policies, MATRIX, FIXTURES]);
    expect(passing.stderr).toBe('');
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('23 case(s): 23 passed, 0 failed (2 file(s))');
  });

  const M = (body: string) => `fixtures:\n  callers:\n    alice: { as: member:m-1 }\nmatrices:\n  - name: who can touch orders\n${body}`;
  const CALLS =
    '    calls:\n      read-own-order: { call: ecom.orders.getOrder, args: [o-1] }\n      list-products: { call: stores.productsV3.queryProducts, args: [{}] }\n';

  it('a row for a call the matrix does not have is an error at the row, with did-you-mean', async () => {
    await expectErrorAtMark(
      M(
        `    callers: [visitor, alice]\n${CALLS}    expect:\n      read-own-order: [deny, deny]\n      list-products: [allow, allow]\n      «read-own-ordr: [deny, deny]\n`,
      ),
      'test/matrix',
      'expect has a row "read-own-ordr", but calls has no call "read-own-ordr" (did you mean "read-own-order"?)',
    );
  });

  it('a call without a row is an error at the call', async () => {
    await expectErrorAtMark(
      M(
        `    callers: [visitor, alice]\n    calls:\n      read-own-order: { call: ecom.orders.getOrder, args: [o-1] }\n      «list-products: { call: stores.productsV3.queryProducts, args: [{}] }\n    expect:\n      read-own-order: [deny, deny]\n`,
      ),
      'test/matrix',
      'call "list-products" has no row in expect: give it one allow or deny for each of the 2 callers (visitor, alice)',
    );
  });

  it('a short row is an error at the row that says how many callers there are and whose cells are missing', async () => {
    await expectErrorAtMark(
      M(`    callers: [visitor, alice, member:m-2]\n${CALLS}    expect:\n      read-own-order: «[deny]\n      list-products: [allow, allow, allow]\n`),
      'test/matrix',
      'row "read-own-order" has 1 cell for 3 callers (visitor, alice, member:m-2): missing the cells for alice, member:m-2',
    );
  });

  it('a long row is an error at its first extra cell', async () => {
    await expectErrorAtMark(
      M(`    callers: [visitor, alice]\n${CALLS}    expect:\n      read-own-order: [deny, deny]\n      list-products: [allow, allow, «allow, deny]\n`),
      'test/matrix',
      'row "list-products" has 4 cells for 2 callers (visitor, alice): the 2 from here on match no caller',
    );
  });

  it.each([
    ['a fixture caller', '[visitor, alice, «alice]', '"alice" is already column 2: list each caller once'],
    ['one caller written two ways', '[member:m-2, alice, «MEMBER:m-2]', '"MEMBER:m-2" is already column 1 (as member:m-2): list each caller once'],
  ])('a caller listed twice (%s) is an error at its second column', async (_what, callers, message) => {
    const cells = (v: string) => `[${Array(3).fill(v).join(', ')}]`;
    await expectErrorAtMark(
      M(`    callers: ${callers}\n${CALLS}    expect:\n      read-own-order: ${cells('deny')}\n      list-products: ${cells('allow')}\n`),
      'test/matrix',
      message,
    );
  });

  it('two matrices with one name are an error at the second name', async () => {
    const body = `    callers: [visitor]\n${CALLS}    expect:\n      read-own-order: [deny]\n      list-products: [allow]\n`;
    await expectErrorAtMark(`${M(body)}  - name: «who can touch orders\n${body}`, 'test/matrix', 'matrices.0 is named "who can touch orders" too');
  });

  it("a call's problem is reported once, at the call, not once per caller", async () => {
    const diagnostics = await expectErrorAtMark(
      M(
        `    callers: [visitor, alice, member:m-2]\n    calls:\n      read-own-order: { call: «ecom.orders.getOrdr, args: [o-1] }\n    expect:\n      read-own-order: [deny, deny, deny]\n`,
      ),
      'sdk/unknown-method',
      '"getOrdr" is not an export of ecom.orders (did you mean "getOrder"?)',
    );
    expect(diagnostics).toHaveLength(1);
  });

  it("a matrix call's attributes are checked for every caller", async () => {
    const diagnostics = await expectErrorAtMark(
      M(
        '    callers: [alice, visitor]\n    calls:\n      read-contact: { call: crm.contacts.getContact, args: [c-1], attributes: { «contactId: c-1 } }\n    expect:\n      read-contact: [allow, deny]\n',
      ),
      'test/input',
      'caller attribute "contactId" is read for MEMBER only, not for "visitor"',
      members,
    );
    expect(diagnostics).toHaveLength(1);
  });

  it.each([
    ['matrices that are not a list', 'matrices: «5\n', 'matrices: Invalid input: expected array'],
    ['an empty list of matrices', 'matrices: «[]\n', 'matrices: list at least one matrix, or leave "matrices" out'],
    ['callers as a map', M(`    callers: «{}\n${CALLS}    expect: {}\n`), 'matrices.0.callers: callers is a list of caller fixture names or callers'],
    ['no callers', M(`    callers: «[]\n${CALLS}    expect: {}\n`), 'matrices.0.callers: list at least one caller'],
    ['a caller that is a number', M(`    callers: [visitor, «5]\n${CALLS}    expect: {}\n`), 'matrices.0.callers.1: Invalid input: expected string'],
    ['no calls', M('    callers: [visitor]\n    calls: «{}\n    expect: {}\n'), 'matrices.0.calls: give at least one call'],
    ['expect that is not a map', M(`    callers: [visitor]\n${CALLS}    expect: «5\n`), 'matrices.0.expect: Invalid input: expected record'],
    [
      'a row of numbers',
      M(`    callers: [visitor, alice]\n${CALLS}    expect:\n      read-own-order: [«1, 2]\n      list-products: [allow, allow]\n`),
      'matrices.0.expect.read-own-order.0: each cell is allow or deny',
    ],
    [
      'a row that is one word',
      M(`    callers: [visitor]\n${CALLS}    expect:\n      read-own-order: «deny\n      list-products: [allow]\n`),
      'matrices.0.expect.read-own-order: a row is a list with one allow or deny per caller',
    ],
    [
      'a cell that is maybe',
      M(`    callers: [visitor]\n${CALLS}    expect:\n      read-own-order: [«maybe]\n      list-products: [allow]\n`),
      'each cell is allow or deny',
    ],
    [
      'a call entry with a case key',
      M(`    callers: [visitor]\n    calls:\n      read-own-order: { call: ecom.orders.getOrder, «rule: x }\n    expect: { read-own-order: [deny] }\n`),
      'matrices.0.calls.read-own-order: unknown key "rule"',
    ],
    [
      'a call entry that is a string',
      M(`    callers: [visitor]\n    calls:\n      read-own-order: «ecom.orders.getOrder\n    expect: { read-own-order: [deny] }\n`),
      'matrices.0.calls.read-own-order: Invalid input: expected object',
    ],
    [
      'a matrix without a name',
      'matrices:\n  - «callers: [visitor]\n    calls: { a: { call: ecom.orders.getOrder } }\n    expect: { a: [deny] }\n',
      'matrices.0.name:',
    ],
    ['a file with neither cases nor matrices', '«description: nothing to run\n', 'a policy-test file needs "cases", "matrices" or both'],
  ])('%s is a positioned schema error', async (_what, yaml, message) => {
    await expectErrorAtMark(yaml, 'schema', message);
  });

  it('a file may hold cases and matrices together', async () => {
    const text = M(`    callers: [visitor, alice]\n${CALLS}    expect:\n      read-own-order: [deny, deny]\n      list-products: [allow, allow]\n`).concat(
      'cases:\n  - { name: a plain case, as: alice, call: ecom.orders.getOrder, args: [o-1], expect: deny }\n',
    );
    const diagnostics: Diagnostic[] = [];
    const cases = await loadPolicyTestText(text, 't.yaml', shop, diagnostics);
    expect(diagnostics).toEqual([]);
    expect(cases.map((c) => c.test.name)).toEqual([
      'a plain case',
      'who can touch orders: read-own-order × visitor',
      'who can touch orders: read-own-order × alice',
      'who can touch orders: list-products × visitor',
      'who can touch orders: list-products × alice',
    ]);
    expect((await runPolicyTests(shop, cases)).every((r) => r.passed)).toBe(true);
  });
});

describe('schema/policy-tests.schema.json', () => {
  const schema = JSON.parse(readFileSync(DEFAULT_TESTS_SCHEMA, 'utf8'));

  it('accepts the fixture and matrix files', () => {
    const files = policyTestFiles(DIR);
    expect(files).toEqual([FIXTURES, WRONG_CELL, MATRIX].sort());
    for (const f of files) expect(validateJsonSchema(schema, parse(readFileSync(f, 'utf8'))), f).toEqual([]);
  });

  it('rejects what the loader rejects: arguments that are neither a list nor a fixture name, a cell that is not allow or deny', () => {
    const matrix = parse(readFileSync(MATRIX, 'utf8'));
    matrix.matrices[0].calls['read-alices-order'].args = 5;
    matrix.matrices[0].calls['search-orders'].args = 'not a name';
    matrix.matrices[0].expect['search-orders'][1] = 'maybe';
    expect(validateJsonSchema(schema, matrix)).toEqual(
      expect.arrayContaining([
        '$.matrices[0].calls.read-alices-order.args: expected array|string, got number',
        expect.stringContaining('$.matrices[0].calls.search-orders.args: "not a name" does not match'),
        expect.stringContaining('$.matrices[0].expect.search-orders[1]: "maybe" is not one of'),
      ]),
    );
  });
});
