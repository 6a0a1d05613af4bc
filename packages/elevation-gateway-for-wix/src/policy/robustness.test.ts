// Every bad policy or policy-test file a security reviewer can write gets a positioned, clear error —
// never a crash, a hang or an exception out of the loader, the compiler or the test runner. Fuzzes
// policy and policy-test YAML built from a grammar near the real schema (fixed seeds). The CLI's own
// robustness (bad flags, values and files) is src/cli/robustness.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicyText, MAX_DOCUMENT_DEPTH } from './load.ts';
import { compilePolicy } from './compile.ts';
import { buildPolicy } from './build.ts';
import { lintPolicy } from './lint.ts';
import { generatePolicyModule } from './generate.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import { loadPolicyTestText } from '../review/verify/load-policy-tests.ts';
import { runPolicyTests } from '../review/verify/run-policy-tests.ts';
import { SHOP } from '../dev/testing/shop.ts';

// ---------------------------------------------------------------------------------------------
// A YAML generator near the policy schema.

type Y = { t: 'raw'; text: string } | { t: 'seq'; items: Y[]; anchor?: string } | { t: 'map'; entries: [string, Y][]; anchor?: string };

const raw = (text: string): Y => ({ t: 'raw', text });
const q = (s: string) => JSON.stringify(s);

const ANCHORS = ['a1', 'a2', 'a3'];

const PLACEHOLDERS = [
  '${caller.id}',
  '${caller.}',
  '${ caller.id }',
  '${caller.id}${caller.id}',
  '$${caller.id}',
  '${caller.email}',
  '${caller.subjectType}',
  '${caller.siteId}',
  '${caller.instanceId}',
  '${caller',
  '${}',
  'x${caller.id}',
];
const NAMES = [
  'visitor',
  'member',
  'wix-user',
  'constructor',
  'toString',
  '__proto__',
  'Visitor',
  'mémbre',
  '会员',
  '',
  ' ',
  '-x',
  'a'.repeat(300),
  'role-1',
  'x--y',
  '💥',
];
const CALLS = [
  'ecom.orders.getOrder',
  'ecom.orders.searchOrders',
  'ecom.orders.cancelOrder',
  'stores.productsV3.queryProducts',
  'stores.productsV3.getProduct',
  'ecom.orders.onOrderCreated',
  'ecom.orders.getOrdr',
  'ecom.orders.constructor',
  'toString.orders.getOrder',
  'ecom.orders.*',
  'ecom.*',
  '*',
  'ecom',
  'ecom.orders',
  'a.b.c.d',
  '',
];
const FIELDS = ['visible', '_id', '_id', 'buyerInfo.memberId', 'args.0', 'args.1.customMessage', 'args.0.cursorPaging.limit', 'a.b', '0', '$foo', 'costRange'];
const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$size',
  '$all',
  '$elemMatch',
  '$not',
  '$and',
  '$or',
  '$regex',
  '$nor',
  '$where',
  '$foo',
  '$',
];

const scalarText = fc
  .oneof(
    fc.constantFrom(
      '~',
      'null',
      'true',
      'false',
      'yes',
      '0',
      '-0',
      '1',
      '7',
      '-1',
      '1.5',
      '1e400',
      '-1e400',
      '.nan',
      '.inf',
      '0x1F',
      '0o17',
      '99999999999999999999999',
      '123456789012345678901234567890e10',
      '""',
      "''",
      '!!str 1',
      '!!int "x"',
      '!foo bar',
      '*a1',
      '*nope',
      '@',
      '`x`',
    ),
    fc.integer().map(String),
    fc.double({ noNaN: true }).map((n) => (Number.isFinite(n) ? String(n) : '.inf')),
    fc
      .constantFrom(
        ...PLACEHOLDERS,
        ...NAMES,
        ...CALLS,
        ...FIELDS,
        ...OPERATORS,
        'VISITOR',
        'MEMBER',
        'USER',
        'APP',
        'ROBOT',
        '5/minute',
        '0/minute',
        '5/fortnight',
        'NOT_FULFILLED',
        'string',
        'integer',
        'tab\there',
        'line\nbreak',
      )
      .map(q),
    fc.string({ maxLength: 12 }).map(q),
    fc.string({ unit: 'grapheme', maxLength: 8 }).map(q),
  )
  .map(raw);

const key = fc.constantFrom(
  'version',
  'roles',
  'subjects',
  'inherits',
  'description',
  'rules',
  'id',
  'allow',
  'deny',
  'when',
  'resource',
  'preload',
  'fields',
  'cap',
  'writable',
  'presets',
  'rateLimit',
  'timeoutMs',
  'limits',
  'defaults',
  'justification',
  'bodyBytes',
  'jsonDepth',
  'args',
  'stringLength',
  'arrayLength',
  'unknownKey',
  '<<',
  '__proto__',
  'constructor',
  ...OPERATORS,
  ...FIELDS,
  ...NAMES.filter((n) => n !== ''),
);

const withAnchor = <T extends Y>(arb: fc.Arbitrary<T>): fc.Arbitrary<Y> =>
  fc.tuple(arb, fc.option(fc.constantFrom(...ANCHORS), { freq: 6 })).map(([node, anchor]) => (anchor && node.t !== 'raw' ? { ...node, anchor } : node));

const { junk } = fc.letrec<{ junk: Y; seq: Y; map: Y }>((tie) => ({
  junk: fc.oneof({ maxDepth: 4, depthIdentifier: 'junk' }, scalarText, tie('seq'), tie('map')),
  seq: withAnchor(fc.array(tie('junk'), { maxLength: 4 }).map((items): Y => ({ t: 'seq', items }))),
  map: withAnchor(fc.array(fc.tuple(key, tie('junk')), { maxLength: 4 }).map((entries): Y => ({ t: 'map', entries }))),
}));

// Conditions: fields and operators, nested, with operator-shaped values in odd places.
const { condition } = fc.letrec<{ condition: Y; operand: Y }>((tie) => ({
  condition: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'cond' },
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...FIELDS, ...OPERATORS), tie('operand')), { maxLength: 3, selector: ([k]) => k })
      .map((entries): Y => ({ t: 'map', entries })),
    fc.constantFrom<Y>(
      { t: 'map', entries: [['$and', { t: 'map', entries: [] }]] },
      { t: 'map', entries: [['$or', raw('"x"')]] },
      { t: 'map', entries: [['a', { t: 'map', entries: [['$elemMatch', raw('3')]] }]] },
      { t: 'map', entries: [['a', { t: 'map', entries: [['$not', { t: 'seq', items: [] }]] }]] },
      { t: 'map', entries: [['a', { t: 'map', entries: [['$type', raw('7')]] }]] },
      { t: 'map', entries: [['$and', { t: 'seq', items: [] }]] },
      {
        t: 'map',
        entries: [
          [
            'a',
            {
              t: 'map',
              entries: [
                ['$in', raw('"x"')],
                ['$size', raw('-1')],
              ],
            },
          ],
        ],
      },
    ),
    junk,
  ),
  operand: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'cond' },
    scalarText,
    tie('condition'),
    fc.array(tie('condition'), { maxLength: 3 }).map((items): Y => ({ t: 'seq', items })),
    fc.tuple(fc.constantFrom(...OPERATORS), tie('operand')).map(([op, v]): Y => ({ t: 'map', entries: [[op, v]] })),
  ),
}));

/** Either a plausible value for a key or junk of any type. */
const near = (plausible: fc.Arbitrary<Y>) => fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: junk });
const list = (of: fc.Arbitrary<string>) => fc.array(of, { maxLength: 3 }).map((xs): Y => ({ t: 'seq', items: xs.map((x) => raw(q(x))) }));

const role = fc
  .record(
    {
      subjects: near(list(fc.constantFrom('VISITOR', 'MEMBER', 'USER', 'APP', 'UNKNOWN', 'ROBOT', 'visitor'))),
      inherits: near(list(fc.constantFrom(...NAMES))),
      description: near(scalarText),
    },
    { requiredKeys: [] },
  )
  .map((r): Y => ({ t: 'map', entries: Object.entries(r) }));

const rule = fc
  .record(
    {
      id: near(fc.constantFrom(...NAMES).map((n) => raw(q(n)))),
      description: near(scalarText),
      roles: near(list(fc.constantFrom(...NAMES))),
      allow: near(fc.constantFrom(...CALLS).map((c) => raw(q(c)))),
      deny: near(fc.constantFrom(...CALLS).map((c) => raw(q(c)))),
      when: near(condition),
      resource: near(condition),
      preload: near(fc.constantFrom(...CALLS).map((c) => raw(q(c)))),
      fields: near(
        fc
          .record({ allow: list(fc.constantFrom(...FIELDS)), deny: list(fc.constantFrom(...FIELDS)) }, { requiredKeys: [] })
          .map((f): Y => ({ t: 'map', entries: Object.entries(f) })),
      ),
      cap: near(fc.constantFrom('0', '1', '50', '1000', '1001', '1.5', '1e400', '"50"').map(raw)),
      writable: near(list(fc.constantFrom(...FIELDS))),
      presets: near(
        fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(scalarText, condition)), { maxLength: 3 }).map((entries): Y => ({ t: 'map', entries })),
      ),
      rateLimit: near(fc.constantFrom('5/minute', '0/second', '1/fortnight', '5', '"5/minute"').map(raw)),
      timeoutMs: near(fc.constantFrom('99', '100', '60000', '60001', '1e400', '"100"').map(raw)),
      justification: near(scalarText),
      unknownKey: junk,
    },
    { requiredKeys: [] },
  )
  .map((r): Y => ({ t: 'map', entries: Object.entries(r) }));

const policy: fc.Arbitrary<Y> = fc
  .record(
    {
      version: near(fc.constantFrom('1', '2', '"1"', '1.0', '0x1').map(raw)),
      roles: near(fc.array(fc.tuple(fc.constantFrom(...NAMES), role), { maxLength: 4 }).map((entries): Y => ({ t: 'map', entries }))),
      rules: near(fc.array(rule, { maxLength: 4 }).map((items): Y => ({ t: 'seq', items }))),
      limits: near(
        fc
          .array(
            fc.tuple(
              fc.constantFrom('bodyBytes', 'jsonDepth', 'args', 'stringLength', 'arrayLength', 'other'),
              fc.constantFrom('0', '12', '64', '65', '-1', '1e400', '"12"').map(raw),
            ),
            { maxLength: 3 },
          )
          .map((entries): Y => ({ t: 'map', entries })),
      ),
      defaults: near(fc.constantFrom<Y>({ t: 'map', entries: [['timeoutMs', raw('5000')]] }, { t: 'map', entries: [['timeoutMs', raw('"x"')]] })),
      base: fc.constantFrom<Y>({ t: 'map', entries: [['subjects', raw('[VISITOR]')]], anchor: 'a1' }),
      extra: junk,
    },
    { requiredKeys: [] },
  )
  .map((r): Y => ({ t: 'map', entries: Object.entries(r).map(([k, v]) => [k === 'extra' ? 'unknownTop' : k, v]) }));

// Near-valid policies: the right shape with valid names, so most cases reach the compiler's own
// checks (SDK names, roles, conditions, placeholders, obligations), with a rare wrong-typed value.
const rarely = (plausible: fc.Arbitrary<Y>) => fc.oneof({ weight: 40, arbitrary: plausible }, { weight: 1, arbitrary: junk });
const str = (arb: fc.Arbitrary<string>) => arb.map((x) => raw(q(x)));
const VALID_CALLS = [
  'ecom.orders.getOrder',
  'ecom.orders.searchOrders',
  'ecom.orders.cancelOrder',
  'stores.productsV3.queryProducts',
  'stores.productsV3.getProduct',
];
const goodCondition = fc.constantFrom<Y>(
  { t: 'map', entries: [['visible', raw('true')]] },
  { t: 'map', entries: [['buyerInfo.memberId', raw(q('${caller.id}'))]] },
  { t: 'map', entries: [['args.0.cursorPaging.limit', { t: 'map', entries: [['$lte', raw('50')]] }]] },
  { t: 'map', entries: [['$or', raw('[{a: 1}, {b: {$in: [x, "${caller.siteId}"]}}]')]] },
  { t: 'map', entries: [['tags', raw('{$not: {$elemMatch: {$eq: x}}, $type: [array]}')]] },
);
const nearCondition = fc.oneof({ weight: 2, arbitrary: goodCondition }, { weight: 1, arbitrary: condition });
// `when` paths are checked against the method's arguments: these exist for most of VALID_CALLS.
const goodWhen = fc.constantFrom<Y>(
  { t: 'map', entries: [['args.0', { t: 'map', entries: [['$exists', raw('true')]] }]] },
  { t: 'map', entries: [['args.0.cursorPaging.limit', { t: 'map', entries: [['$lte', raw('50')]] }]] },
  { t: 'map', entries: [['$or', raw('[{args.0: x}, {args.0: {$in: [x, "${caller.siteId}"]}}]')]] },
);
const nearWhen = fc.oneof({ weight: 3, arbitrary: goodWhen }, { weight: 1, arbitrary: nearCondition });
const nearRule = fc
  .record(
    {
      id: rarely(str(fc.constantFrom('r-a', 'r-b', 'r-c', 'constructor'))),
      description: rarely(str(fc.constantFrom('d', 'Grants ünïcode 💥.'))),
      roles: rarely(
        list(fc.constantFrom('visitor', 'member', 'wix-user', 'visitor', 'member', 'wix-user', 'ghost', 'constructor')).filter(
          (y) => y.t === 'seq' && y.items.length > 0,
        ),
      ),
      effect: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.tuple(
            fc.constant('allow'),
            str(
              fc.constantFrom(
                ...VALID_CALLS,
                ...VALID_CALLS,
                'ecom.orders.getOrdr',
                'ecom.orders.onOrderCreated',
                'ecom.orders.constructor',
                'ecom.ordrs.getOrder',
              ),
            ),
          ),
        },
        { weight: 1, arbitrary: fc.tuple(fc.constant('deny'), str(fc.constantFrom('ecom.orders.*', 'ecom.*', '*', 'ecom.orders.cancelOrder'))) },
      ),
      when: rarely(nearWhen),
      resource: rarely(nearCondition),
      preload: rarely(str(fc.constantFrom(...VALID_CALLS))),
      fields: rarely(
        fc.constantFrom<Y>(
          { t: 'map', entries: [['deny', raw('[costRange]')]] },
          { t: 'map', entries: [['allow', raw('[_id, visible]')]] },
          { t: 'map', entries: [['allow', raw('[_id]')]] },
        ),
      ),
      cap: rarely(fc.constantFrom('1', '50', '1000').map(raw)), // 1000: above the SDK's maximum page
      writable: rarely(list(fc.constantFrom('args.1.customMessage', 'args.0.x'))),
      presets: rarely(
        fc
          .uniqueArray(fc.tuple(fc.constantFrom('args.0.x', 'args.1.customMessage'), fc.oneof(str(fc.constantFrom(...PLACEHOLDERS)), condition)), {
            minLength: 1,
            maxLength: 2,
            selector: ([k]) => k,
          })
          .map((entries): Y => ({ t: 'map', entries })),
      ),
      rateLimit: rarely(str(fc.constantFrom('5/minute', '1/second'))),
      timeoutMs: rarely(fc.constantFrom('100', '5000').map(raw)),
      justification: rarely(str(fc.constant('accepted'))),
    },
    { requiredKeys: ['id', 'description', 'roles', 'effect'] },
  )
  .chain((r) =>
    // Each optional key stays with probability 1/3, so some rules are valid.
    fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }).chain((a) =>
      fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }).map((b) => ({
        t: 'map' as const,
        entries: Object.entries(r)
          .filter(([k], i) => ['id', 'description', 'roles', 'effect'].includes(k) || (a[i]! && b[i]!) || false)
          .map(([k, v]): [string, Y] => (k === 'effect' ? (v as [string, Y]) : [k, v as Y])),
      })),
    ),
  );
const nearPolicy: fc.Arbitrary<Y> = fc
  .record(
    {
      version: rarely(fc.constant(raw('1'))),
      roles: rarely(
        fc.constant<Y>({
          t: 'map',
          entries: [
            ['visitor', { t: 'map', entries: [['subjects', raw('[VISITOR]')]] }],
            [
              'member',
              {
                t: 'map',
                entries: [
                  ['subjects', raw('[MEMBER]')],
                  ['inherits', raw('[visitor]')],
                ],
              },
            ],
            ['wix-user', { t: 'map', entries: [['subjects', raw('[USER]')]] }],
            [
              'constructor',
              {
                t: 'map',
                entries: [
                  ['subjects', raw('[APP]')],
                  ['inherits', raw('[visitor]')],
                ],
              },
            ],
          ],
        }),
      ),
      rules: rarely(fc.array(nearRule, { minLength: 1, maxLength: 4 }).map((items): Y => ({ t: 'seq', items }))),
    },
    { requiredKeys: ['version', 'roles', 'rules'] },
  )
  .map((r): Y => ({ t: 'map', entries: Object.entries(r) }));

function flow(y: Y): string {
  if (y.t === 'raw') return y.text;
  const anchor = y.anchor ? `&${y.anchor} ` : '';
  if (y.t === 'seq') return `${anchor}[${y.items.map(flow).join(', ')}]`;
  return `${anchor}{${y.entries.map(([k, v]) => `${flowKey(k)}: ${flow(v)}`).join(', ')}}`;
}
const flowKey = (k: string) => (/^[A-Za-z_$][\w.$<-]*$/.test(k) ? k : q(k));

/** Block style for the top levels (so positions spread over lines), flow style below. */
function block(y: Y, indent: number, levels: number): string {
  const pad = ' '.repeat(indent);
  if (levels === 0 || y.t === 'raw' || (y.t === 'seq' ? y.items.length : y.entries.length) === 0) return ` ${flow(y)}`;
  const anchor = y.anchor ? ` &${y.anchor}` : '';
  if (y.t === 'seq') {
    const item = (v: Y) => {
      const inner = block(v, indent + 2, levels - 1);
      return inner.startsWith('\n') ? `${pad}- ${inner.slice(indent + 3)}` : `${pad}-${inner}`;
    };
    return `${anchor}\n${y.items.map(item).join('\n')}`;
  }
  return `${anchor}\n${y.entries.map(([k, v]) => `${pad}${flowKey(k)}:${block(v, indent + 2, levels - 1)}`).join('\n')}`;
}
const document = (y: Y, levels: number) =>
  y.t === 'map' && y.entries.length ? y.entries.map(([k, v]) => `${flowKey(k)}:${block(v, 2, levels)}`).join('\n') + '\n' : flow(y) + '\n';

const mutation = fc.oneof(
  fc.constant((t: string) => t),
  fc.constant((t: string) => t),
  fc.nat().map((n) => (t: string) => {
    const lines = t.split('\n');
    const i = n % lines.length;
    lines[i] = `\t${lines[i]}`;
    return lines.join('\n');
  }),
  fc.nat().map((n) => (t: string) => {
    const lines = t.split('\n');
    const i = n % lines.length;
    lines.splice(i, 0, lines[i]!);
    return lines.join('\n');
  }),
  fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
  fc.constant((t: string) => `${t}---\nversion: 1\n`),
  fc.constant((t: string) => `# only a comment\n${t}`),
  fc.constant((t: string) => `${t}merged:\n  <<: *a1\n  extra: 1\n`),
  fc.constant((t: string) => `${t}loop: &l [*l]\n`),
  fc.constant((t: string) => t.replace(/\n/g, '\r\n')),
);

const SPECIAL_FILES = [
  '',
  '# only a comment\n',
  '- a\n- b\n',
  'just a scalar\n',
  '42',
  'null\n',
  '[]\n',
  '{}\n',
  '---\n---\n',
  'version: 1\n---\nversion: 1\n',
  '\uFEFFversion: 1\n',
  'version: 1\nversion: 1\n',
  'version: 1\nroles:\n\tvisitor: {}\n',
  'version: *nope\n',
  '&a [*a]\n',
  'version: 1\nroles: &r {visitor: {subjects: [VISITOR], inherits: *r}}\n',
  `version: 1\n${['a', 'b', 'c', 'd', 'e']
    .map(
      (x, i, xs) =>
        `${x}: &${x} [${
          i === 0
            ? 'x, x, x, x, x, x, x, x, x'
            : Array(9)
                .fill(`*${xs[i - 1]}`)
                .join(', ')
        }]`,
    )
    .join('\n')}\n`,
  `version: 1\nrules:\n  - when: ${'{$and: ['.repeat(400)}{a: 1}${']}'.repeat(400)}\n`,
  `version: 1\nrules:\n  - resource: {a: ${'{$elemMatch: '.repeat(1500)}{b: 1}${'}'.repeat(1500)}}\n`,
  `version: 1\nrules:\n  - resource: {a: ${'['.repeat(100_000)}`,
  `version: 1\nroles: {visitor: {subjects: [VISITOR]}}\nrules:\n  - {id: r, description: d, roles: [visitor], allow: ecom.orders.getOrder, when: {__proto__: {x: 1}}}\n`,
  '? [a, b]\n: 1\n',
  'version: !!binary aGVsbG8=\n',
  'roles: !!set {a, b}\n',
  'version: 1\nrules: !!omap [a: 1]\n',
  '%YAML 1.1\n---\nversion: 1\n',
  'version: 1\n<<: {roles: {}}\n',
  "version: 1\nroles: {'visitor': {subjects: [VISITOR]}, visitor: {}}\n",
];

// ---------------------------------------------------------------------------------------------

async function loadAndCompile(text: string, file = 'fuzz.yaml') {
  const diagnostics: Diagnostic[] = [];
  const loaded = parsePolicyText(text, file, diagnostics);
  const afterLoad = diagnostics.length;
  const result = await compilePolicy([loaded], diagnostics);
  return { loaded, diagnostics, afterLoad, result };
}

function expectPositioned(diagnostics: Diagnostic[], file: string, text: string) {
  const lineCount = text.split(/\r?\n|\r/).length;
  for (const d of diagnostics) {
    expect(d.file, JSON.stringify(d)).toBe(file);
    expect(Number.isInteger(d.line) && d.line >= 1 && d.line <= lineCount + 1, JSON.stringify(d)).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, JSON.stringify(d)).toBe(true);
    expect(typeof d.message === 'string' && d.message.trim().length > 0, JSON.stringify(d)).toBe(true);
    expect(typeof d.code === 'string' && d.code.length > 0, JSON.stringify(d)).toBe(true);
  }
}

const seenCodes = new Set<string>();
let compiledPolicies = 0;

async function expectNoCrash(text: string) {
  const { loaded, diagnostics, result } = await loadAndCompile(text);
  for (const d of diagnostics) seenCodes.add(d.code);
  if (result.policy) {
    compiledPolicies++;
    // What check and build do next with a policy that compiled must not throw either.
    const lint = lintPolicy(result.policy, [loaded]);
    expectPositioned([...lint.warnings, ...lint.accepted], 'fuzz.yaml', text);
    expect(await generatePolicyModule(result.policy)).toContain('export');
  }
  expectPositioned(diagnostics, 'fuzz.yaml', text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) expect(result.policy).toBeUndefined();
  else expect(result.policy).toBeDefined();
  // A file that did not validate always says why.
  if (!loaded.policy) expect(errors.length).toBeGreaterThan(0);
}

describe('malformed policy YAML (fuzzed)', () => {
  it('never makes parsePolicyText or compilePolicy throw; every diagnostic is positioned; errors mean no policy', async () => {
    const text = fc
      .tuple(
        fc.oneof({ weight: 1, arbitrary: policy }, { weight: 2, arbitrary: nearPolicy }),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof({ weight: 1, arbitrary: mutation }, { weight: 2, arbitrary: fc.constant((t: string) => t) }),
      )
      .map(([y, levels, mutate]) => mutate(document(y, levels)));
    await fc.assert(fc.asyncProperty(text, expectNoCrash), { seed: 20240611, numRuns: 300 });
    // The generator reaches past the YAML parser and the schema into the compiler's own checks.
    for (const code of ['yaml', 'schema', 'condition-syntax', 'placeholder', 'undefined-role']) expect([...seenCodes]).toContain(code);
    expect([...seenCodes].some((c) => c.startsWith('sdk/'))).toBe(true);
    // Some generated policies compile (resource and field paths must exist in the SDK's types, so fewer than once did).
    expect(compiledPolicies).toBeGreaterThanOrEqual(8);
  });

  it('handles the hand-picked hard cases: empty, comment-only, list/scalar roots, multi-document, tabs, aliases, recursion, deep nesting', async () => {
    for (const text of SPECIAL_FILES) await expectNoCrash(text);
  });

  it('reports YAML aliases that are unresolved, excessive or recursive at their position (these used to throw)', async () => {
    const errorsOf = async (text: string) =>
      (await loadAndCompile(text)).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`);
    expect(await errorsOf('version: 1\nroles: *nope\n')).toEqual(['2:8 alias *nope refers to no anchor &nope defined before it']);
    const laughs = SPECIAL_FILES.find((t) => t.includes('e: &e'))!;
    expect(await errorsOf(laughs)).toEqual([expect.stringMatching(/^3:\d+ too many YAML aliases/)]);
    expect(await errorsOf('version: 1\nroles: &r {visitor: {subjects: [VISITOR], inherits: *r}}\n')).toEqual([
      '2:53 roles.visitor.inherits: a YAML alias refers to a node that contains it: the value would be infinitely deep',
    ]);
    expect(await errorsOf('version: 1\nrules:\n  - resource: &x {a: {$elemMatch: *x}}\n')).toEqual([
      expect.stringMatching(/^3:\d+ rules\.0\.resource\.a\.\$elemMatch: a YAML alias refers to a node that contains it/),
    ]);
  });

  it('refuses a small file of many aliases at once: the check is one pass (it was quadratic, a 36 KB file held a server for 20 s)', async () => {
    const many = `version: 1\nroles: &a {visitor: {subjects: [VISITOR]}}\nx: [${Array.from({ length: 40_000 }, () => '*a').join(', ')}]\n`;
    const started = performance.now();
    const diagnostics: Diagnostic[] = [];
    parsePolicyText(many, 'many.yaml', diagnostics);
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([expect.stringMatching(/^3:\d+ too many YAML aliases/)]);
    expect(performance.now() - started).toBeLessThan(5_000);
    const unresolved: Diagnostic[] = [];
    parsePolicyText(`${many}y: *b\n`, 'many.yaml', unresolved);
    expect(unresolved.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual(['4:4 alias *b refers to no anchor &b defined before it']);
  });

  it("finds duplicate keys in one pass: 20,000 keys read at once (the parser's own check took 4 s), each duplicate at its position", () => {
    const wide = `version: 1\nx:\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
    const started = performance.now();
    const diagnostics: Diagnostic[] = [];
    parsePolicyText(wide, 'wide.yaml', diagnostics);
    expect(diagnostics.filter((d) => d.message.includes('unique'))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
    const twice: Diagnostic[] = [];
    parsePolicyText('version: 1\nroles: {a: {subjects: [VISITOR]}, b: {}, a: {}}\nrules:\n  - {id: r, id: s}\nversion: 1\n', 'twice.yaml', twice);
    const shown = twice.filter((d) => d.code === 'yaml').sort((a, b) => a.line - b.line);
    expect(shown.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '2:42 Map keys must be unique',
      '4:13 Map keys must be unique',
      '5:1 Map keys must be unique',
    ]);
  });

  it('refuses nesting deeper than the document limit instead of overflowing the stack (used to throw a RangeError)', async () => {
    const text = `version: 1\nroles: {visitor: {subjects: [VISITOR]}}\nrules:\n  - {id: r, description: d, roles: [visitor], allow: ecom.orders.getOrder, resource: {a: ${'{$elemMatch: '.repeat(300)}{b: 1}${'}'.repeat(300)}}}\n`;
    const { diagnostics, result } = await loadAndCompile(text);
    expect(result.policy).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining(`nested more than ${MAX_DOCUMENT_DEPTH} levels deep`)]);
    expect(diagnostics[0]!.line).toBe(4);
  });

  it('refuses a "__proto__" key, which would silently drop a condition (when: {__proto__: …} compiled to when: {})', async () => {
    const text =
      'version: 1\nroles: {visitor: {subjects: [VISITOR]}}\nrules:\n  - id: r\n    description: d\n    roles: [visitor]\n    allow: ecom.orders.getOrder\n    when: {__proto__: {x: 1}}\n';
    const { diagnostics, result } = await loadAndCompile(text);
    expect(result.policy).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '8:12 rules.0.when.__proto__: the key "__proto__" is not allowed (JavaScript would take it for the prototype and drop the entry)',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Policy test files, fuzzed against the shop fixture's policy: loading never throws, and what loads runs.

describe('malformed policy test YAML (fuzzed)', () => {
  let shipped: CompiledPolicy;
  beforeAll(async () => {
    const built = await buildPolicy(SHOP.policies);
    shipped = built.policy!;
    expect(shipped).toBeDefined();
  });

  const testCase = fc
    .record(
      {
        name: near(fc.constantFrom('a case', '', 'ünïcode 💥').map((s) => raw(q(s)))),
        as: near(fc.constantFrom('member:m-1', 'visitor', 'USER:u-1', 'member:', ':x', 'robot', 'member:m 1', 'app:a@b.c').map((s) => raw(q(s)))),
        call: near(fc.constantFrom(...CALLS).map((c) => raw(q(c)))),
        args: near(fc.array(fc.oneof(scalarText, junk), { maxLength: 3 }).map((items): Y => ({ t: 'seq', items }))),
        resource: near(
          fc.oneof(
            condition,
            fc.constant<Y>({
              t: 'map',
              entries: [
                ['buyerInfo', { t: 'map', entries: [['memberId', raw('m-1')]] }],
                ['visible', raw('true')],
              ],
            }),
          ),
        ),
        items: near(fc.array(fc.oneof(condition, junk), { maxLength: 3 }).map((items): Y => ({ t: 'seq', items }))),
        result: junk,
        expect: near(fc.constantFrom('allow', 'deny', 'maybe').map(raw)),
        rule: near(fc.constantFrom('member-reads-own-order', 'visitor-browses-catalog', 'no-such-rule').map(raw)),
        count: near(fc.constantFrom('0', '1', '-1', '1.5', '"1"').map(raw)),
        fields: near(
          fc
            .record({ present: list(fc.constantFrom(...FIELDS)), absent: list(fc.constantFrom(...FIELDS)), other: junk }, { requiredKeys: [] })
            .map((f): Y => ({ t: 'map', entries: Object.entries(f) })),
        ),
        site: near(scalarText),
        bogus: junk,
      },
      { requiredKeys: [] },
    )
    .map((r): Y => ({ t: 'map', entries: Object.entries(r) }));
  const testFile = fc
    .record(
      {
        description: near(scalarText),
        cases: near(fc.array(testCase, { maxLength: 3 }).map((items): Y => ({ t: 'seq', items }))),
        extra: junk,
      },
      { requiredKeys: [] },
    )
    .map((r): Y => ({ t: 'map', entries: Object.entries(r) }));

  // Near-valid cases: real callers and calls, fuzzed arguments and sample data, so cases get run.
  const sample = fc.oneof(
    goodCondition,
    fc.constant<Y>(raw('{_id: o-1, buyerInfo: {memberId: m-1}, visible: true, fulfillmentStatus: NOT_FULFILLED, costRange: {}}')),
    condition.filter((y) => y.t === 'map'),
  );
  const nearCase = fc
    .constantFrom(...VALID_CALLS)
    .chain((call) =>
      fc.record(
        {
          name: fc.constant(raw('a case')),
          as: str(fc.constantFrom('member:m-1', 'visitor', 'USER:u-1', 'app', 'unknown:x')),
          call: fc.constant(raw(call)),
          args: fc.array(fc.oneof(scalarText, sample, junk), { maxLength: 3 }).map((items): Y => ({ t: 'seq', items })),
          [/^(query|search)/.test(call.split('.')[2]!) ? 'items' : 'resource']: /^(query|search)/.test(call.split('.')[2]!)
            ? fc.array(sample, { maxLength: 3 }).map((items): Y => ({ t: 'seq', items }))
            : sample,
          result: junk,
          expect: fc.constantFrom('allow', 'deny').map(raw),
        },
        { requiredKeys: ['name', 'as', 'call', 'expect'] },
      ),
    )
    .map((r): Y => ({ t: 'map', entries: Object.entries(r) as [string, Y][] }));
  const nearFile = fc.array(nearCase, { minLength: 1, maxLength: 3 }).map((items): Y => ({ t: 'map', entries: [['cases', { t: 'seq', items }]] }));

  it('never makes loading or running a test file throw; every diagnostic is positioned', async () => {
    let ran = 0;
    const text = fc
      .tuple(
        fc.oneof(testFile, nearFile),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof({ weight: 1, arbitrary: mutation }, { weight: 2, arbitrary: fc.constant((t: string) => t) }),
      )
      .map(([y, levels, mutate]) => mutate(document(y, levels)));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const diagnostics: Diagnostic[] = [];
        const cases = await loadPolicyTestText(t, 'fuzz-tests.yaml', shipped, diagnostics);
        expectPositioned(diagnostics, 'fuzz-tests.yaml', t);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        for (const r of await runPolicyTests(shipped, cases)) {
          ran++;
          expect(r.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 20240612, numRuns: 200 },
    );
    expect(ran).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------
// The real CLI, in-process.
