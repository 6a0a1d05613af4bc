// How the local server picks the gateway's decision lines out of console.log, keeps them bounded,
// and prints them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DecisionEntry } from '../../gateway/decision-log.ts';
import { installDecisionConsole, parseDecisionLine, withDecisionListener } from './decision-console.ts';
import { createDecisionStore } from './decision-store.ts';
import { formatDecision } from './format-decision.ts';

const entry = (requestId: string, extra: Partial<DecisionEntry> = {}): DecisionEntry => ({
  time: '2025-03-01T09:00:00.000Z',
  requestId,
  decision: 'deny',
  status: 403,
  code: 'FORBIDDEN',
  caller: { subjectType: 'MEMBER', id: 'm-1' },
  call: 'ecom.orders.getOrder',
  rule: 'member-reads-own-order',
  reason: 'resource conditions do not hold',
  obligations: [{ type: 'resource-check', passed: false }],
  durationMs: 4,
  ...extra,
});

describe('decision lines', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('recognises only decision-log entries', () => {
    expect(parseDecisionLine(JSON.stringify(entry('r-1')))).toMatchObject({ requestId: 'r-1', rule: 'member-reads-own-order' });
    expect(parseDecisionLine('{"requestId":"r-1"}')).toBeUndefined();
    expect(parseDecisionLine('{"requestId":"r-1","decision":"maybe","status":200,"obligations":[]}')).toBeUndefined();
    expect(parseDecisionLine('listening on 4000')).toBeUndefined();
    expect(parseDecisionLine('{"broken')).toBeUndefined();
  });

  it("routes a request's decision lines to its server and lets every other line through", () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    const undo = installDecisionConsole();
    const seen: DecisionEntry[] = [];
    try {
      withDecisionListener(
        (e) => seen.push(e),
        () => {
          console.log(JSON.stringify(entry('r-1')));
          console.log('a plain line');
        },
      );
      console.log(JSON.stringify(entry('r-2'))); // outside any request: untouched
    } finally {
      undo();
      undo(); // idempotent
    }
    expect(seen.map((e) => e.requestId)).toEqual(['r-1']);
    expect(printed.mock.calls.map((c) => c[0])).toEqual(['a plain line', JSON.stringify(entry('r-2'))]);
    expect(console.log).toBe(printed); // restored
  });

  it('keeps at most `max` entries, dropping the oldest', () => {
    const store = createDecisionStore(2);
    for (const id of ['a', 'b', 'c']) store.add(entry(id));
    expect(store.size).toBe(2);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('c')?.requestId).toBe('c');
  });

  it('prints one readable line: verdict, who, call, rule, reason, obligations', () => {
    expect(formatDecision(entry('r-1'))).toBe(
      '09:00:00 DENY  403 FORBIDDEN  MEMBER m-1 → ecom.orders.getOrder  rule member-reads-own-order  (resource conditions do not hold)  [resource check failed]  4 ms, request r-1',
    );
    const { rule: _rule, ...noRule } = entry('r-2', { caller: { subjectType: 'VISITOR', id: 'v-1' }, reason: 'no rule grants this call', obligations: [] });
    expect(formatDecision(noRule as DecisionEntry)).toContain('VISITOR v-1 → ecom.orders.getOrder  no rule grants this call');
  });
});
