// Replay on the fixture (test/fixtures/replay/): the real gateway's log on the before policy, re-decided by
// the after policy (every line in its group) and by the before policy itself (nothing changed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, gatewayLines, logText, OTHER_LINES, policyModuleOf, REPLAY_FIXTURE, SCENARIOS } from '../../../test/fixtures/replay/scenarios.ts';
import { policyFromYaml } from '../../dev/testing/policy-fixture.ts';
import type { DecisionEntry } from '../../gateway/decision-log.ts';
import { createReplayer, replayLog, type ReplayedLine, type SkippedLine } from './replay.ts';
import { readDecisionLog } from './read-decision-log.ts';

async function replayFile(file: string, dir: string) {
  const module = await policyModuleOf(dir);
  const replayed: ReplayedLine[] = [];
  const skipped: SkippedLine[] = [];
  const summary = await replayLog(file, createReplayer(module.policy, module.digest), {
    replayed: (r) => replayed.push(r),
    skipped: (s) => skipped.push(s),
  });
  return { replayed, skipped, summary, digest: module.digest };
}

describe('the fixture log', () => {
  it('is what the gateway writes on the before policy (UPDATE_REPLAY_FIXTURE=1 rewrites it)', async () => {
    const fresh = await gatewayLines();
    if (process.env.UPDATE_REPLAY_FIXTURE) writeFileSync(REPLAY_FIXTURE.log, logText(fresh));
    const committed: DecisionEntry[] = [];
    for await (const read of readDecisionLog(REPLAY_FIXTURE.log)) if ('entry' in read) committed.push(read.entry);
    expect(committed.map(comparable)).toEqual(fresh.map(comparable));
    const before = await policyModuleOf(REPLAY_FIXTURE.before);
    const decided = committed.filter((e) => e.status !== 400 || e.effect);
    expect(decided.every((e) => e.policy === before.digest)).toBe(true);
  });
});

describe('replay against the after policy', () => {
  let result: Awaited<ReturnType<typeof replayFile>>;
  beforeAll(async () => {
    result = await replayFile(REPLAY_FIXTURE.log, REPLAY_FIXTURE.after);
  });

  it('puts every logged decision in its group', () => {
    expect(result.replayed.map((r) => r.group)).toEqual(SCENARIOS.map((s) => s.after));
    for (const [i, r] of result.replayed.entries()) expect(r.samePolicy, SCENARIOS[i]!.name).toBe(false);
    expect(result.summary).toEqual({
      decisions: SCENARIOS.length,
      unchanged: SCENARIOS.filter((s) => s.after === 'unchanged').length,
      changed: SCENARIOS.filter((s) => s.after === 'changed').length,
      undecidable: SCENARIOS.filter((s) => s.after === 'undecidable').length,
      skipped: OTHER_LINES.length,
      samePolicy: 0,
    });
  });

  it('says why, with the rules before and after', () => {
    const by = (name: string) => result.replayed[SCENARIOS.findIndex((s) => s.name.startsWith(name))]!;
    expect(by('a Wix user searches orders')).toMatchObject({
      before: { effect: 'allow', rule: 'dashboard-searches-orders' },
      after: { effect: 'allow', rule: 'dashboard-searches-all-orders' },
      why: 'allow dashboard-searches-orders → allow dashboard-searches-all-orders',
    });
    expect(by('a member asks for hidden products')).toMatchObject({
      before: { effect: 'deny', rule: 'members-skip-hidden-product-queries' },
      after: { effect: 'allow', rule: 'visitor-browses-catalog' },
    });
    expect(by('a member asks for hidden products').why).toContain('if the object Wix returns passes its resource conditions');
    expect(by('a member reads an order')).toMatchObject({ before: { effect: 'deny' }, after: { effect: 'allow', rule: 'member-reads-own-order' } });
    expect(by('a member opens a visible product')).toMatchObject({
      before: { effect: 'allow', rule: 'visitor-views-product' },
      after: { effect: 'deny', rule: 'members-view-products-in-the-app' },
    });
    expect(by('a visitor lists products').why).toContain('the objects Wix returns');
    expect(by('a visitor opens a product by a bad id').why).toMatch(/its arguments were refused \(400 INVALID_REQUEST: args\.0.*depends on argument values/);
    expect(by('a Wix user reads it again').why).toMatch(/rate limit refused it \(429 RATE_LIMITED\).*traffic/);
    expect(by('the same, logged without arguments').why).toContain('reads args.0.filter.visible: the line carries no arguments');
    expect(by('a Wix user opens p-001').why).toContain('reads args.0, which the log holds redacted');
    expect(by('no token').why).toBe('no decision was made (401 UNAUTHENTICATED)');
    expect(by('a body that is not JSON').why).toBe('no decision was made (400 INVALID_REQUEST)');
    expect(by('a Wix user sends a malformed name')).toMatchObject({ call: 'ecom.orders.searchOrders', before: { effect: 'deny' }, after: { effect: 'deny' } });
  });

  it('reports the other lines with their numbers and why they were skipped', () => {
    expect(result.skipped).toHaveLength(OTHER_LINES.length);
    const text = readFileSync(REPLAY_FIXTURE.log, 'utf8').split('\n');
    for (const [i, o] of OTHER_LINES.entries()) {
      const s = result.skipped[i]!;
      expect(text[s.line - 1]).toBe(o.text);
      expect(s.skipped).toMatch(o.skipped);
    }
  });
});

describe('replay against the policy that wrote the log', () => {
  it('changes nothing, and says each line is from the same policy', async () => {
    const result = await replayFile(REPLAY_FIXTURE.log, REPLAY_FIXTURE.before);
    expect(result.replayed.map((r) => r.group)).toEqual(SCENARIOS.map((s) => s.before));
    expect(result.summary.changed).toBe(0);
    const decided = result.replayed.filter((r) => r.why !== 'no decision was made (400 INVALID_REQUEST)');
    expect(decided.every((r) => r.samePolicy)).toBe(true);
  });
});

describe('conditions replay decides from what the line holds', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elevate-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Replays lines (entries) written by hand against an inline policy. */
  async function replayEntries(yaml: string, entries: Partial<DecisionEntry>[]) {
    const module = await policyFromYaml(yaml);
    const file = join(dir, `log-${Math.random().toString(36).slice(2)}.jsonl`);
    const base = { time: '2025-01-01T00:00:00.000Z', obligations: [], durationMs: 1 };
    writeFileSync(file, entries.map((e, i) => JSON.stringify({ ...base, requestId: `r-${i}`, ...e })).join('\n'));
    const replayed: ReplayedLine[] = [];
    await replayLog(file, createReplayer(module.policy, module.digest), { replayed: (r) => replayed.push(r), skipped: () => {} });
    return replayed;
  }

  const roles = `
version: 1
roles:
  wix-user: { subjects: [USER] }
`;
  const user = { subjectType: 'USER' as const, id: 'u-1' };
  const allowedSearch = { caller: user, call: 'ecom.orders.searchOrders', effect: 'allow' as const, decision: 'allow' as const, rule: 'search', status: 200 };

  it('a deny rule that holds on what the log holds refuses for certain, though another condition cannot be decided', async () => {
    const [line] = await replayEntries(
      `${roles}rules:
  - { id: search, description: d, roles: [wix-user], allow: ecom.orders.searchOrders }
  - { id: no-limit-5, description: d, roles: [wix-user], deny: ecom.orders.searchOrders, when: { args.0.cursorPaging.limit: 5 } }
  - { id: no-named-search, description: d, roles: [wix-user], deny: ecom.orders.searchOrders, when: { args.0.filter.status: x } }
`,
      [{ ...allowedSearch, args: [{ cursorPaging: { limit: 5 }, filter: { status: { $redacted: 'string', length: 1 } } }] }],
    );
    expect(line).toMatchObject({ group: 'changed', after: { effect: 'deny', oneOf: ['no-limit-5', 'no-named-search'] } });
  });

  it('a condition on a number is decided on the redacted arguments, and not under redacted-numbers', async () => {
    const policy = `${roles}rules:
  - { id: search, description: d, roles: [wix-user], allow: ecom.orders.searchOrders }
  - { id: small-pages, description: d, roles: [wix-user], deny: ecom.orders.searchOrders, when: { args.0.cursorPaging.limit: { $gt: 50 } } }
`;
    const [kept, redacted] = await replayEntries(policy, [
      { ...allowedSearch, args: [{ cursorPaging: { limit: 100 } }] },
      { ...allowedSearch, args: [{ cursorPaging: { limit: { $redacted: 'number' } } }] },
    ]);
    expect(kept).toMatchObject({ group: 'changed', after: { effect: 'deny', rule: 'small-pages' } });
    expect(redacted).toMatchObject({ group: 'undecidable' });
    expect(redacted!.why).toContain('args.0.cursorPaging.limit, which the log holds redacted');
  });

  it("a condition on the caller's site is not decidable: the log holds only subject type and id", async () => {
    const [line] = await replayEntries(
      `${roles}rules:
  - { id: search, description: d, roles: [wix-user], allow: ecom.orders.searchOrders, when: { args.0.filter.status: "\${caller.siteId}" } }
`,
      [{ ...allowedSearch, args: [{}] }],
    );
    expect(line).toMatchObject({ group: 'undecidable' });
    expect(line!.why).toContain('${caller.siteId}, which the log does not hold');
  });

  it('a continued listing is decided on its first page, which the log does not hold', async () => {
    const [line] = await replayEntries(
      `${roles}rules:
  - { id: search, description: d, roles: [wix-user], allow: ecom.orders.searchOrders, when: { args.0.cursorPaging.limit: 5 } }
`,
      [{ ...allowedSearch, args: [{ cursorPaging: { cursor: { $redacted: 'string', length: 80 }, limit: 5 } }] }],
    );
    expect(line).toMatchObject({ group: 'undecidable' });
    expect(line!.why).toContain('continued a listing');
  });

  it('a line without "effect" (an earlier gateway) is not decidable, whatever its decision says', async () => {
    const { effect: _effect, ...old } = allowedSearch;
    const [line] = await replayEntries(`${roles}rules:\n  - { id: search, description: d, roles: [wix-user], allow: ecom.orders.searchOrders }\n`, [old]);
    expect(line).toMatchObject({ group: 'undecidable', why: expect.stringContaining('no "effect"') });
  });

  it('several rate-limited rules allowing a call: the one with budget left decides (traffic)', async () => {
    const lines = await replayEntries(
      `${roles}rules:
  - { id: a, description: d, roles: [wix-user], allow: ecom.orders.searchOrders, rateLimit: 1/minute }
  - { id: b, description: d, roles: [wix-user], allow: ecom.orders.searchOrders, rateLimit: 5/minute }
`,
      [
        { ...allowedSearch, rule: 'b' },
        { ...allowedSearch, rule: 'search' },
      ],
    );
    expect(lines[0]).toMatchObject({ group: 'undecidable', why: expect.stringContaining('depends on traffic (rate-limited rules a, b allow it') });
    expect(lines[1]).toMatchObject({ group: 'changed', why: 'allow search → allowed by a or b, never by search' });
  });

  // Redaction keeps every key: the gateway's writable-path check, which reads keys only, runs on the line.
  it('a request the working policy refuses on its argument keys (a writable path removed) is changed, not unchanged', async () => {
    const cancel = { caller: user, call: 'ecom.orders.cancelOrder', effect: 'allow' as const, decision: 'allow' as const, rule: 'cancel', status: 200 };
    const policy = (writable: string) => `${roles}rules:
  - { id: cancel, description: d, roles: [wix-user], allow: ecom.orders.cancelOrder, writable: [${writable}] }
`;
    const sent = {
      ...cancel,
      args: [
        { $redacted: 'string', length: 3 },
        { customMessage: { $redacted: 'string', length: 5 }, sendOrderCanceledEmail: true },
      ],
    };
    const [refused, passed] = await replayEntries(policy('args.1.sendOrderCanceledEmail'), [
      sent,
      { ...cancel, args: [{ $redacted: 'string', length: 3 }, { sendOrderCanceledEmail: true }] },
    ]);
    expect(refused).toMatchObject({ group: 'changed', before: { effect: 'allow', rule: 'cancel' }, after: { effect: 'allow', rule: 'cancel' } });
    expect(refused!.why).toBe(
      'allow cancel → allow cancel, then its arguments refused (400 INVALID_REQUEST: args.1.customMessage may not be set by this caller)',
    );
    expect(passed).toMatchObject({ group: 'unchanged', why: 'same effect and deciding rule: allowed by cancel both times' });
    const [kept] = await replayEntries(policy('args.1.sendOrderCanceledEmail, args.1.customMessage'), [sent]);
    expect(kept).toMatchObject({ group: 'unchanged' });
    // Without arguments in the line, the check cannot run: the line is decided as before.
    const [bare] = await replayEntries(policy('args.1.sendOrderCanceledEmail'), [cancel]);
    expect(bare).toMatchObject({ group: 'unchanged' });
  });

  it('a logged allow by a rule the working policy does not have, among rules that depend on the objects, is changed', async () => {
    const [line] = await replayEntries(
      `${roles}rules:
  - { id: own, description: d, roles: [wix-user], allow: ecom.orders.getOrder, resource: { buyerInfo.memberId: "\${caller.id}" } }
`,
      [{ caller: user, call: 'ecom.orders.getOrder', effect: 'allow', decision: 'allow', rule: 'gone', status: 200 }],
    );
    expect(line).toMatchObject({ group: 'changed', why: 'allow gone → allowed by own, never by gone' });
  });
});
