// The policy diff on pairs of real compiled policies: the base fixture and an edit of it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyText } from '../../policy/load.ts';
import { compilePolicy } from '../../policy/compile.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { diffPolicies, type PolicyChange } from './policy-diff.ts';

const FILE = 'test/fixtures/diff/base/policy.yaml';
const BASE = readFileSync(join(import.meta.dirname, '../../..', FILE), 'utf8');

async function compile(text: string): Promise<CompiledPolicy> {
  const diagnostics: Diagnostic[] = [];
  const file = parsePolicyText(text, FILE, diagnostics);
  const { policy } = await compilePolicy([file], diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!policy || errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
  return policy;
}

/** The base with each `[from, to]` replaced (each `from` must occur: an edit that misses tests nothing). */
function edit(...edits: [string, string][]): string {
  return editOf(BASE, ...edits);
}

function editOf(from: string, ...edits: [string, string][]): string {
  let text = from;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`not in the base: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const line = (c: PolicyChange) => `${c.direction} ${c.callers.join(',')} ${c.call ?? '-'} ${c.text}`;

async function diff(...edits: [string, string][]) {
  const result = diffPolicies(await compile(BASE), await compile(edit(...edits)));
  return { ...result, lines: result.changes.map(line) };
}

/** The diff from one edit of the base to another. */
async function diffEdits(before: [string, string][], after: [string, string][]) {
  const result = diffPolicies(await compile(edit(...before)), await compile(edit(...after)));
  return { ...result, lines: result.changes.map(line) };
}

/** A rule added at the top of the rules. */
const addRule = (yaml: string): [string, string] => ['rules:\n', `rules:\n${yaml}\n`];

const CANCEL_RESOURCE = `      buyerInfo.memberId: '\${caller.id}'
      fulfillmentStatus: NOT_FULFILLED
`;

describe('policy diff', () => {
  it('finds no change between a policy and itself', async () => {
    const policy = await compile(BASE);
    expect(policy.rules.length).toBe(7);
    expect(diffPolicies(policy, policy)).toEqual({ changes: [], widens: 0, narrows: 0 });
  });

  // Each kind of widening, on its own, and what the diff says about it.
  const widenings: [string, [string, string][], string[]][] = [
    [
      'a bound raised ($lte 50 → 100)',
      [['$lte: 50', '$lte: 100']],
      ['widens MEMBER ecom.orders.searchOrders when args.0.cursorPaging.limit: $lte 50 → $lte 100'],
    ],
    ['a longer $in', [['[en, de]', '[en, de, fr]']], ['widens VISITOR,MEMBER data.items.query resource language: $in ["de","en"] → $in ["de","en","fr"]']],
    [
      'a resource condition removed',
      [[CANCEL_RESOURCE, `      buyerInfo.memberId: '\${caller.id}'\n`]],
      ['widens MEMBER ecom.orders.cancelOrder resource fulfillmentStatus: condition removed (was $eq "NOT_FULFILLED")'],
    ],
    [
      'a cap raised',
      [['    cap: 50\n\n  - id: member-reads', '    cap: 500\n\n  - id: member-reads']],
      ['widens VISITOR,MEMBER data.items.query cap raised 50 → 500'],
    ],
    ['a cap removed', [['    cap: 50\n\n  - id: member-reads', '\n  - id: member-reads']], ['widens VISITOR,MEMBER data.items.query cap removed (was 50)']],
    [
      'a field unmasked (allow list)',
      [['[_id, title, body]', '[_id, title, body, authorEmail]']],
      ['widens VISITOR,MEMBER data.items.query fields unmasked: authorEmail now returned'],
    ],
    [
      'a field unmasked (deny list)',
      [['[priceSummary, billingInfo]', '[priceSummary]']],
      ['widens MEMBER ecom.orders.getOrder fields unmasked: billingInfo no longer removed'],
    ],
    [
      'the field rule removed',
      [['    fields: { deny: [priceSummary, billingInfo] }\n', '']],
      ['widens MEMBER ecom.orders.getOrder fields: every field returned (was all but priceSummary, billingInfo)'],
    ],
    [
      'a writable path added',
      [['[args.1.title, args.1.body]', '[args.1.title, args.1.body, args.1.rating]']],
      ['widens MEMBER data.items.insert writable paths added: args.1.rating'],
    ],
    [
      'a preset removed',
      [["presets: { args.1._owner: '${caller.id}', args.1.published: false }", "presets: { args.1._owner: '${caller.id}' }"]],
      ['widens MEMBER data.items.insert preset removed: args.1.published (was false)'],
    ],
    ['a rate limit lifted', [['    rateLimit: 5/minute\n', '']], ['widens MEMBER ecom.orders.cancelOrder rate limit lifted (was 5/minute)']],
    ['a rate limit raised', [['rateLimit: 10/hour', 'rateLimit: 100/hour']], ['widens MEMBER data.items.insert rate limit 10/hour → 100/hour (raised)']],
    [
      'a deny rule removed',
      [['    deny: ecom.orders.searchOrders\n', '    deny: ecom.orders.cancelOrder\n']],
      [
        'narrows MEMBER ecom.orders.cancelOrder deny rule no-large-order-pages added: when {"args.0.cursorPaging.limit":{"$gt":40}}',
        'widens MEMBER ecom.orders.searchOrders deny rule no-large-order-pages no longer refuses this call (was: when {"args.0.cursorPaging.limit":{"$gt":40}})',
      ],
    ],
    [
      'a deny rule that refuses less',
      [['{ $gt: 40 }', '{ $gt: 45 }']],
      ['widens MEMBER ecom.orders.searchOrders deny rule no-large-order-pages refuses less: when args.0.cursorPaging.limit: $gt 40 → $gt 45'],
    ],
    [
      'an $or arm added',
      [
        [
          'resource: { published: true, language: { $in: [en, de] } }',
          'resource: { $or: [{ published: true, language: { $in: [en, de] } }, { featured: true }] }',
        ],
      ],
      ['widens VISITOR,MEMBER data.items.query resource: $or arm added or widened: featured $eq true'],
    ],
    [
      'a call newly permitted',
      [
        [
          'rules:\n',
          `rules:
  - id: visitor-reads-orders
    description: Visitors read paid orders.
    roles: [visitor]
    allow: ecom.orders.getOrder
    resource: { paymentStatus: PAID }

`,
        ],
      ],
      [
        'widens VISITOR ecom.orders.getOrder newly permitted by rule visitor-reads-orders: always; resource paymentStatus $eq "PAID"',
        // Members inherit the visitor role: for them it is one more way to read an order.
        'widens MEMBER ecom.orders.getOrder rule visitor-reads-orders added: always; resource paymentStatus $eq "PAID"',
      ],
    ],
    [
      'a role given to another kind of caller',
      [['    subjects: [USER]', '    subjects: [USER, MEMBER]']],
      ['widens MEMBER ecom.orders.searchOrders rule staff-searches-orders added: always'],
    ],
    [
      'a change neither side implies',
      [['published: true, language', 'published: false, language']],
      ['widens VISITOR,MEMBER data.items.query resource published: $eq true → $eq false (neither implies the other: counted as widening)'],
    ],
    ['a body limit raised', [['version: 1\n', 'version: 1\nlimits: { bodyBytes: 100000 }\n']], ['widens  - limit bodyBytes raised 65536 → 100000']],
  ];
  it.each(widenings)('reports %s as widening', async (_, edits, expected) => {
    const result = await diff(...edits);
    expect(result.lines).toEqual(expected);
    expect(result.widens).toBe(expected.filter((l) => l.startsWith('widens')).length);
  });

  const narrowings: [string, [string, string][], string[]][] = [
    ['a bound lowered', [['$lte: 50', '$lte: 20']], ['narrows MEMBER ecom.orders.searchOrders when args.0.cursorPaging.limit: $lte 50 → $lte 20']],
    ['a shorter $in', [['[en, de]', '[en]']], ['narrows VISITOR,MEMBER data.items.query resource language: $in ["de","en"] → $eq "en"']],
    [
      'a condition added',
      [['resource: { published: true,', 'resource: { published: true, flagged: false,']],
      ['narrows VISITOR,MEMBER data.items.query resource flagged: condition added ($eq false)'],
    ],
    [
      'a cap lowered',
      [['    cap: 50\n\n  - id: member-reads', '    cap: 10\n\n  - id: member-reads']],
      ['narrows VISITOR,MEMBER data.items.query cap lowered 50 → 10'],
    ],
    ['a field masked', [['[_id, title, body]', '[_id, title]']], ['narrows VISITOR,MEMBER data.items.query fields masked: body no longer returned']],
    ['a writable path removed', [['[args.1.title, args.1.body]', '[args.1.title]']], ['narrows MEMBER data.items.insert writable paths removed: args.1.body']],
    [
      'a preset added',
      [['presets: { args.1._owner', 'presets: { args.1.language: en, args.1._owner']],
      ['narrows MEMBER data.items.insert preset added: args.1.language = "en"'],
    ],
    ['a rate limit tightened', [['rateLimit: 10/hour', 'rateLimit: 10/day']], ['narrows MEMBER data.items.insert rate limit 10/hour → 10/day']],
    [
      'a deny rule that refuses more',
      [['{ $gt: 40 }', '{ $gt: 30 }']],
      ['narrows MEMBER ecom.orders.searchOrders deny rule no-large-order-pages refuses more: when args.0.cursorPaging.limit: $gt 40 → $gt 30'],
    ],
    [
      'a call no longer permitted',
      [['  - id: staff-searches-orders\n    description: Staff search every order.\n    roles: [staff]\n    allow: ecom.orders.searchOrders\n', '']],
      ['narrows USER ecom.orders.searchOrders no longer permitted (was rule staff-searches-orders: always)'],
    ],
  ];
  it.each(narrowings)('reports %s as narrowing, and no widening', async (_, edits, expected) => {
    const result = await diff(...edits);
    expect(result.lines).toEqual(expected);
    expect(result.widens).toBe(0);
  });

  it('reports a deny rule that now refuses more calls, per call', async () => {
    const result = await diff(['    deny: ecom.orders.searchOrders\n', '    deny: ecom.orders.*\n']);
    expect(result.lines).toEqual([
      'narrows MEMBER ecom.orders.cancelOrder deny rule no-large-order-pages added: when {"args.0.cursorPaging.limit":{"$gt":40}}',
      'narrows MEMBER ecom.orders.getOrder deny rule no-large-order-pages added: when {"args.0.cursorPaging.limit":{"$gt":40}}',
    ]);
    expect(result.widens).toBe(0);
  });

  it('reports a widening and a narrowing of one rule side by side', async () => {
    const result = await diff(['$lte: 50', '$lte: 100'], ['    cap: 50\n\n  - id: member-cancels', '    cap: 20\n\n  - id: member-cancels']);
    expect(result.lines).toEqual([
      'widens MEMBER ecom.orders.searchOrders when args.0.cursorPaging.limit: $lte 50 → $lte 100',
      'narrows MEMBER ecom.orders.searchOrders cap lowered 50 → 20',
    ]);
    const change = result.changes[0]!;
    expect(change).toMatchObject({ rule: 'member-searches-own-orders', roles: ['member'], source: { file: FILE, line: 36 } });
  });

  // Presets are applied after the rules' conditions were checked on the client's arguments.
  it('reports a preset added on a path a condition reads as widening (it redirects the call)', async () => {
    const result = await diff([
      '    when: { args.0: reviews }\n    resource: { published',
      '    when: { args.0: reviews }\n    presets: { args.0: privateNotes }\n    resource: { published',
    ]);
    expect(result.lines).toEqual([
      'widens VISITOR,MEMBER data.items.query preset added: args.0 = "privateNotes" (forces args.0 after the rules\' conditions were checked on it: counted as widening)',
    ]);
    expect(result.widens).toBe(1);
  });

  it('reports a preset added on an argument the method addresses its object by as widening', async () => {
    const result = await diff([
      "    resource: { buyerInfo.memberId: '${caller.id}' }\n    fields:",
      "    resource: { buyerInfo.memberId: '${caller.id}' }\n    presets: { args.0: o-1 }\n    fields:",
    ]);
    expect(result.widens).toBe(1);
    expect(result.lines[0]).toMatch(/^widens MEMBER ecom\.orders\.getOrder preset added: args\.0 = "o-1" \(forces args\.0, .*: counted as widening\)$/);
  });

  it('reports a changed preset value on a path a condition reads with why', async () => {
    const result = await diffEdits(
      [
        [
          '    when: { args.0: reviews }\n    resource: { published',
          '    when: { args.0: reviews }\n    presets: { args.0: reviews }\n    resource: { published',
        ],
      ],
      [
        [
          '    when: { args.0: reviews }\n    resource: { published',
          '    when: { args.0: reviews }\n    presets: { args.0: privateNotes }\n    resource: { published',
        ],
      ],
    );
    expect(result.lines).toEqual([
      'widens VISITOR,MEMBER data.items.query preset args.0: "reviews" → "privateNotes" (forces args.0 after the rules\' conditions were checked on it: counted as widening)',
    ]);
  });

  // The presets of every allowing rule apply to the call: deleting the rule that forces them widens.
  it('reports a rule removed with its presets as widening, even when another rule covers its grant', async () => {
    const anyOwner = `  - id: member-adds-review-any-owner
    description: Members add reviews, naming the owner.
    roles: [member]
    allow: data.items.insert
    when: { args.0: reviews }
    writable: [args.1.title, args.1.body, args.1._owner, args.1.published]
`;
    const adds = /  - id: member-adds-review\n[\s\S]*?rateLimit: 10\/hour\n/.exec(BASE)![0];
    const result = await diffEdits([addRule(anyOwner)], [addRule(anyOwner), [adds, '']]);
    expect(result.lines).toEqual([
      'narrows MEMBER data.items.insert rule member-adds-review removed: when args.0 $eq "reviews"; writable args.1.title, args.1.body; presets args.1._owner = "${caller.id}", args.1.published = false; rate limit 10/hour',
      'widens MEMBER data.items.insert preset args.1._owner = "${caller.id}" no longer forced on this call (rule member-adds-review forced it, and a preset of any allowing rule applies to the whole call)',
      'widens MEMBER data.items.insert preset args.1.published = false no longer forced on this call (rule member-adds-review forced it, and a preset of any allowing rule applies to the whole call)',
    ]);
    expect(result.widens).toBe(2);
  });

  // Each rule has its own rate-limit budget, kept by its id.
  it('reports a copy of a rate-limited rule under another id as widening (another budget)', async () => {
    const cancels = /  - id: member-cancels-own-order\n[\s\S]*?rateLimit: 5\/minute\n/.exec(BASE)![0];
    const copy = cancels.replace('member-cancels-own-order', 'member-cancels-own-order-2');
    const result = await diff([cancels, `${cancels}\n${copy}`]);
    expect(result.widens).toBe(1);
    expect(result.lines[0]).toMatch(
      /^widens MEMBER ecom\.orders\.cancelOrder rule member-cancels-own-order-2 added: .*rate limit 5\/minute \(another rate-limit budget: 5\/minute more \(each rule's budget is its own, kept by rule id\)\)$/,
    );
  });

  it('finds no change when a rate-limited rule is only renamed (one budget for one)', async () => {
    const result = await diff(['id: member-cancels-own-order', 'id: member-cancels-unfulfilled-order']);
    expect(result.lines).toEqual([]);
  });

  // A deny rule whose condition names an attribute the caller lacks always refuses (src/gateway/decide.ts).
  it('reports a placeholder dropped from a deny rule as refusing less, not only more', async () => {
    const result = await diffEdits([['{ $gt: 40 } }', "{ $gt: 40 }, args.1.siteId: { $ne: '${caller.siteId}' } }"]], []);
    expect(result.lines).toEqual([
      'widens MEMBER ecom.orders.searchOrders deny rule no-large-order-pages refuses less: it no longer refuses every caller without a value for ${caller.siteId} (a deny rule whose condition names a caller attribute the caller lacks always refuses)',
      'narrows MEMBER ecom.orders.searchOrders deny rule no-large-order-pages refuses more: when args.1.siteId: condition removed (was $ne "${caller.siteId}")',
    ]);
    expect(result.widens).toBe(1);
  });

  // A longer timeout holds elevated work longer: counted as widening.
  it('reports a longer timeout as widening and a shorter as narrowing', async () => {
    const raised = await diff(['    cap: 50\n\n  - id: member-cancels', '    cap: 50\n    timeoutMs: 60000\n\n  - id: member-cancels']);
    expect(raised.lines).toEqual([
      'widens MEMBER ecom.orders.searchOrders timeout 10000 ms (the default) → 60000 ms (raised: elevated work may run longer, counted as widening)',
    ]);
    const lowered = await diff(['    cap: 50\n\n  - id: member-cancels', '    cap: 50\n    timeoutMs: 1000\n\n  - id: member-cancels']);
    expect(lowered.lines).toEqual(['narrows MEMBER ecom.orders.searchOrders timeout 10000 ms (the default) → 1000 ms (lowered)']);
    const defaults = await diff(['version: 1\n', 'version: 1\ndefaults: { timeoutMs: 30000 }\n']);
    expect(defaults.lines).toEqual(['widens  - default timeout raised 10000 ms → 30000 ms (elevated work may run longer: counted as widening)']);
  });

  it('finds no change in a rewrite with the same meaning', async () => {
    const rewrite = readFileSync(join(import.meta.dirname, '../../../test/fixtures/diff/same-meaning/policy.yaml'), 'utf8');
    const result = diffPolicies(await compile(BASE), await compile(rewrite));
    expect(result.changes.map(line)).toEqual([]);
  });
});
