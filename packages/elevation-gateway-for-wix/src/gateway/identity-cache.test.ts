import { describe, expect, it } from 'vitest';
import { createIdentityCache, tokenDigest } from './identity-cache.ts';
import type { TokenInfo } from './caller.ts';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { devTokens } from '../dev/emulator/index.ts';

const T0 = 1_700_000_000_000;
const info = (subjectId: string, extra: Partial<TokenInfo> = {}): TokenInfo => ({
  active: true,
  subjectType: 'MEMBER',
  subjectId,
  exp: T0 / 1000 + 3600,
  ...extra,
});

function clock(start = T0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('identity cache', () => {
  it('keys by a SHA-256 digest of the whole token', async () => {
    expect(await tokenDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('never lets two tokens share an entry: shared long prefix, one character apart', async () => {
    const c = clock();
    const cache = createIdentityCache({ now: c.now });
    const prefix = 'x'.repeat(4000);
    const tokens = [`${prefix}A`, `${prefix}B`, 'tok-abcdef', 'tok-abcdeF', 'tok-abcde', 'tok-abcdef '];
    for (const [i, t] of tokens.entries()) await cache.set(t, info(`m-${i}`));
    for (const [i, t] of tokens.entries()) expect((await cache.get(t))?.subjectId).toBe(`m-${i}`);
    expect(await cache.get(`${prefix}C`)).toBeUndefined();
    expect(await cache.get(prefix)).toBeUndefined();
    expect(await cache.get('tok-abcdeg')).toBeUndefined();
    expect(cache.size).toBe(tokens.length);
  });

  it('forgets an entry at the TTL', async () => {
    const c = clock();
    const cache = createIdentityCache({ now: c.now, ttlMs: 1000 });
    await cache.set('t', info('m-1'));
    c.advance(999);
    expect((await cache.get('t'))?.subjectId).toBe('m-1');
    c.advance(1);
    expect(await cache.get('t')).toBeUndefined();
  });

  it("never keeps an entry past the token's exp, even inside the TTL", async () => {
    const c = clock();
    const cache = createIdentityCache({ now: c.now, ttlMs: 60_000 });
    await cache.set('t', info('m-1', { exp: T0 / 1000 + 5 }));
    c.advance(4999);
    expect((await cache.get('t'))?.subjectId).toBe('m-1');
    c.advance(1);
    expect(await cache.get('t')).toBeUndefined();
    // Already expired on arrival: not stored at all.
    await cache.set('u', info('m-2', { exp: T0 / 1000 }));
    expect(await cache.get('u')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a refused token apart and briefly: never as an accepted one, only for refusedTtlMs', async () => {
    const c = clock();
    const cache = createIdentityCache({ now: c.now, refusedTtlMs: 10_000 });
    await cache.set('t', info('m-1', { active: false }));
    await cache.set('u', { ...info('m-1'), active: 'yes' as never });
    expect(cache.size).toBe(0);
    expect(cache.refusedSize).toBe(2);
    expect((await cache.get('t'))?.active).toBe(false);
    expect((await cache.get('u'))?.active).toBe('yes'); // kept as given: not `true`, so still refused
    c.advance(10_000);
    expect(await cache.get('t')).toBeUndefined();
    const off = createIdentityCache({ now: c.now, refusedTtlMs: 0 });
    await off.set('t', info('m-1', { active: false }));
    expect(await off.get('t')).toBeUndefined();
  });

  it('a flood of refused tokens stays within its own bound and never pushes out an accepted one', async () => {
    const cache = createIdentityCache({ now: clock().now, maxEntries: 2, maxRefusedEntries: 3 });
    await cache.set('good', info('m-1'));
    for (let i = 0; i < 100; i++) await cache.set(`bad-${i}`, info('x', { active: false }));
    expect(cache.refusedSize).toBe(3);
    expect((await cache.get('good'))?.subjectId).toBe('m-1');
    expect(await cache.get('bad-0')).toBeUndefined();
  });

  it('stays within its bound, dropping the least recently used', async () => {
    const cache = createIdentityCache({ now: clock().now, maxEntries: 3 });
    for (const t of ['a', 'b', 'c']) await cache.set(t, info(t));
    await cache.get('a'); // a is now the most recently used
    await cache.set('d', info('d'));
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeUndefined();
    for (const t of ['a', 'c', 'd']) expect((await cache.get(t))?.subjectId).toBe(t);
    for (let i = 0; i < 100; i++) await cache.set(`t${i}`, info(`t${i}`));
    expect(cache.size).toBe(3);
  });

  it('hands out copies: a caller mutating its answer cannot change the cache', async () => {
    const cache = createIdentityCache({ now: clock().now });
    await cache.set('t', info('m-1'));
    const got = (await cache.get('t'))!;
    got.subjectId = 'm-2';
    expect((await cache.get('t'))?.subjectId).toBe('m-1');
  });

  it('refuses nonsensical settings', () => {
    expect(() => createIdentityCache({ ttlMs: -1 })).toThrow(RangeError);
    expect(() => createIdentityCache({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe('identity cache in the gateway', () => {
  it("asks token-info once per token, and two callers never get each other's identity", async () => {
    const bed = createTestBed({ gateway: { identityCache: createIdentityCache() } });
    const m1 = bed.tokens.members['m-1'];
    const m2 = bed.tokens.members['m-2'];
    const replies = await Promise.all([
      bed.call(m1, 'ecom.orders', 'getOrder', ['o-1']),
      bed.call(m2, 'ecom.orders', 'getOrder', ['o-1']),
      bed.call(m2, 'ecom.orders', 'getOrder', ['o-4']),
      bed.call(m1, 'ecom.orders', 'getOrder', ['o-4']),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 403, 200, 403]);
    for (let i = 0; i < 3; i++) {
      expect((await bed.call(m1, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
      expect((await bed.call(m2, 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(403);
      expect((await bed.call(m2, 'ecom.orders', 'getOrder', ['o-4'])).status).toBe(200);
    }
    const asked = bed.tokenInfoRequests().map((r) => (r.body as { token: string }).token);
    // The four concurrent first calls may all miss; after that, every call is served from the cache.
    expect(asked.length).toBeLessThanOrEqual(4);
    expect(new Set(asked)).toEqual(new Set([m1, m2]));
    const callers = bed.log.entries.map((e) => e.caller?.id);
    expect(callers.slice(4)).toEqual(['m-1', 'm-2', 'm-2', 'm-1', 'm-2', 'm-2', 'm-1', 'm-2', 'm-2']);
  });

  it.each([
    ['an inactive token', () => devTokens.inactive],
    ['a token token-info does not know (401)', () => 'not-a-wix-token'],
  ])('%s is refused from the cache for a while: one token-info call for three attempts', async (_name, token) => {
    const bed = createTestBed({ gateway: { identityCache: createIdentityCache() } });
    for (let i = 0; i < 3; i++) {
      expect((await bed.call(token(), 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(401);
    }
    expect(bed.tokenInfoRequests()).toHaveLength(1);
  });

  it('token-info down is never remembered: the next attempt asks again', async () => {
    let down = true;
    const bed = createTestBed({
      gateway: { identityCache: createIdentityCache() },
      emulator: { fault: (route) => (route === 'token-info' && down ? 'error500' : undefined) },
    });
    expect((await bed.call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(503);
    down = false;
    expect((await bed.call(devTokens.members['m-1'], 'ecom.orders', 'getOrder', ['o-1'])).status).toBe(200);
    expect(bed.tokenInfoRequests()).toHaveLength(2);
  });
});
