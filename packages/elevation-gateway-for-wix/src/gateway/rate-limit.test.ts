// Rate limits per caller and rule, as the policy declares them (`rateLimit: 5/minute` on members'
// cancelOrder in the example policy). A hit is counted once the policy has allowed the call and
// before it is enforced: calls the decision refuses do not count; calls refused later (another
// member's order, a field that may not be written) do, so the limit also bounds probing.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { devTokens } from '../dev/emulator/index.ts';
import { memoryRateLimitStore } from './rate-limit.ts';

const m1 = devTokens.members['m-1'];
const m2 = devTokens.members['m-2'];

function bedWithClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  const clock = { now: start };
  const bed = createTestBed({ gateway: { now: () => clock.now } });
  const cancel = (token: string, id: string, options: unknown = {}) => {
    bed.emulator.reset(); // a fresh, unfulfilled order each time; the gateway's counters stay
    return bed.call(token, 'ecom.orders', 'cancelOrder', [id, options]);
  };
  return { bed, clock, cancel };
}

describe("rateLimit: 5/minute on members' cancelOrder", () => {
  it('the 6th cancel by m-1 within a minute is 429 RATE_LIMITED with Retry-After, and reaches nothing at Wix', async () => {
    const { bed, clock, cancel } = bedWithClock();
    for (let i = 0; i < 5; i++) {
      const reply = await cancel(m1, 'o-1');
      expect(reply.status, `cancel ${i + 1}`).toBe(200);
      clock.now += 2_000;
    }
    const limited = await cancel(m1, 'o-1');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // Five cancels took 10 s of the minute: 50 s remain.
    expect(limited.headers.get('retry-after')).toBe('50');
    expect(limited.body.error.message).toContain('50');
    expect(bed.upstream()).toHaveLength(0); // neither the preload nor the cancel
    expect(bed.log.entries.at(-1)).toMatchObject({ decision: 'deny', code: 'RATE_LIMITED', rule: 'member-cancels-own-unfulfilled-order', status: 429 });
  });

  it("m-2 is unaffected by m-1's limit", async () => {
    const { cancel } = bedWithClock();
    for (let i = 0; i < 5; i++) expect((await cancel(m1, 'o-1')).status).toBe(200);
    expect((await cancel(m1, 'o-1')).status).toBe(429);
    expect((await cancel(m2, 'o-4')).status).toBe(200);
  });

  it('after the window, m-1 may cancel again; Retry-After counts down with the clock', async () => {
    const { clock, cancel } = bedWithClock();
    for (let i = 0; i < 5; i++) await cancel(m1, 'o-1');
    clock.now += 59_000;
    const stillLimited = await cancel(m1, 'o-1');
    expect(stillLimited.status).toBe(429);
    expect(stillLimited.headers.get('retry-after')).toBe('1');
    clock.now += 1_000;
    expect((await cancel(m1, 'o-1')).status).toBe(200);
  });

  /** Cancels as m-1 and says whether the request reached Wix (the emulator is reset per cancel). */
  const attempt = async (cancel: ReturnType<typeof bedWithClock>['cancel'], bed: ReturnType<typeof bedWithClock>['bed'], id: string, options: unknown = {}) => {
    const reply = await cancel(m1, id, options);
    return { status: reply.status, reachedWix: bed.upstream().length > 0 };
  };

  it('a request counts once it reaches Wix (a preload included), whatever the outcome; one refused before it does not', async () => {
    const { bed, cancel } = bedWithClock();
    // Refused before any Wix request: a field that may not be written, an id that is not a plain id.
    for (let i = 0; i < 10; i++) expect(await attempt(cancel, bed, 'o-1', { restockAllItems: true })).toEqual({ status: 400, reachedWix: false });
    for (let i = 0; i < 10; i++) expect(await attempt(cancel, bed, 'o/../o-4')).toEqual({ status: 400, reachedWix: false });
    // Reaching Wix: another member's order is refused after its preload, and counts.
    for (let i = 0; i < 3; i++) expect(await attempt(cancel, bed, 'o-4')).toEqual({ status: 403, reachedWix: true });
    for (let i = 0; i < 2; i++) expect(await attempt(cancel, bed, 'o-1')).toEqual({ status: 200, reachedWix: true });
    expect(await attempt(cancel, bed, 'o-1')).toEqual({ status: 429, reachedWix: false });
  });

  it('a limit of N admits exactly N requests that reach Wix', async () => {
    const { bed, cancel } = bedWithClock();
    const outcomes: { status: number; reachedWix: boolean }[] = [];
    for (let i = 0; i < 12; i++)
      outcomes.push(await attempt(cancel, bed, ['o-3', 'o-4', 'o-1/x', 'o-1'][i % 4]!, i % 4 === 3 ? { restockAllItems: true } : {}));
    expect(outcomes.filter((o) => o.reachedWix)).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 429).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === 429).every((o) => !o.reachedWix)).toBe(true);
  });

  it('calls the decision refuses, or that never reach it, do not count', async () => {
    const { bed, cancel } = bedWithClock();
    for (let i = 0; i < 10; i++) {
      expect((await bed.call(devTokens.visitor, 'ecom.orders', 'cancelOrder', ['o-1', {}])).status).toBe(403); // no rule for visitors
      expect((await bed.send(m1, '{"module":', { raw: true })).status).toBe(400); // malformed
      expect((await bed.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}, 1, 2, 3])).status).toBe(400); // too many args
    }
    for (let i = 0; i < 5; i++) expect((await cancel(m1, 'o-1')).status).toBe(200);
  });

  it('calls without a declared limit are not limited', async () => {
    const { bed } = bedWithClock();
    for (let i = 0; i < 20; i++) expect((await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
  });
});

describe('the in-memory store', () => {
  it('counts fixed windows per key', async () => {
    const store = memoryRateLimitStore();
    expect((await store.hit('a', 2, 60, 0)).allowed).toBe(true);
    expect((await store.hit('a', 2, 60, 1_000)).allowed).toBe(true);
    expect(await store.hit('a', 2, 60, 2_000)).toEqual({ allowed: false, retryAfterSeconds: 58 });
    expect((await store.hit('b', 2, 60, 2_000)).allowed).toBe(true);
    expect((await store.hit('a', 2, 60, 60_000)).allowed).toBe(true);
  });

  it('stays bounded: expired windows go first, then the oldest live one (which resets that caller)', async () => {
    const store = memoryRateLimitStore(2);
    await store.hit('expired', 1, 1, 0);
    await store.hit('live', 1, 60, 0);
    expect((await store.hit('live', 1, 60, 500)).allowed).toBe(false);
    await store.hit('newcomer', 1, 60, 2_000); // full: the expired window makes room
    expect((await store.hit('live', 1, 60, 2_000)).allowed).toBe(false);
    await store.hit('another', 1, 60, 3_000); // full of live windows: the oldest goes
    // The price of a bounded in-memory store, stated in SECURITY.md: an evicted caller starts over.
    expect((await store.hit('live', 1, 60, 3_000)).allowed).toBe(true);
  });
});

describe('the in-memory store when it is full', () => {
  it("drops windows that ran out by their own length, not the new key's", async () => {
    const store = memoryRateLimitStore(2);
    await store.hit('daily', 1, 86_400, 0);
    await store.hit('other', 1, 86_400, 1000);
    await store.hit('new', 1, 1, 5000); // full: nothing has expired, so the stalest live window goes
    expect((await store.hit('other', 1, 86_400, 6000)).allowed).toBe(false);
  });

  it('keeps a live long window and drops an expired short one', async () => {
    const store = memoryRateLimitStore(2);
    await store.hit('live-daily', 1, 86_400, 0);
    await store.hit('expired-1s', 1, 1, 0);
    await store.hit('new', 1, 86_400, 5000);
    expect((await store.hit('live-daily', 1, 86_400, 6000)).allowed).toBe(false);
  });

  it('a renewed window counts as recent', async () => {
    const store = memoryRateLimitStore(2);
    await store.hit('a', 1, 1, 0);
    await store.hit('b', 1, 60, 500);
    await store.hit('a', 1, 1, 2000); // a's window renewed: now b is the stalest
    await store.hit('c', 1, 60, 2100);
    expect((await store.hit('a', 1, 1, 2200)).allowed).toBe(false);
  });
});
