// The gateway's cursors: only its own open, for the caller and call they were issued to, until
// they expire; the previous key of a rotation still opens them; a provider is asked again.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../contract/caller.ts';
import type { CompiledRule } from '../../contract/compiled-policy.ts';
import { GatewayError } from '../errors.ts';
import { CURSOR_EXPIRED, CURSOR_REFUSED, CURSOR_SECRET_REFRESH_MS, createCursorSigner, signCursorsIn } from './signed-cursor.ts';

const m1: Caller = { subjectType: 'MEMBER', id: 'm-1', roles: ['member'], instanceId: 'i-1' };
const CALL = 'ecom.orders.searchOrders';
const SECRET = 'a-secret-of-sixteen-chars';
const listing = { firstArgs: [{ filter: { status: 'APPROVED' } }], rules: 'fp' };

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return (e as GatewayError).message;
  }
  return 'opened';
};

describe('createCursorSigner', () => {
  it('opens what it signed, with the first page and the rules it carries', async () => {
    const signer = createCursorSigner({ secret: SECRET, now: () => 1_000_000 });
    const cursor = await signer.sign('wix-cursor', m1, CALL, listing);
    expect(cursor).toMatch(/^gw2\./);
    expect(await signer.open(cursor, m1, CALL)).toEqual({ wixCursor: 'wix-cursor', firstArgs: listing.firstArgs, rules: 'fp', expiresAt: 1000 + 3600 });
  });

  it('refuses a cursor for another caller, instance or call, a tampered one and a foreign one', async () => {
    const signer = createCursorSigner({ secret: SECRET });
    const cursor = await signer.sign('wix-cursor', m1, CALL, listing);
    expect(await refusal(signer.open(cursor, { ...m1, id: 'm-2' }, CALL))).toBe(CURSOR_REFUSED);
    expect(await refusal(signer.open(cursor, { ...m1, instanceId: 'i-2' }, CALL))).toBe(CURSOR_REFUSED);
    expect(await refusal(signer.open(cursor, m1, 'ecom.orders.queryOrders'))).toBe(CURSOR_REFUSED);
    const [prefix, payload, signature] = cursor.split('.');
    expect(await refusal(signer.open(`${prefix}.${payload}A.${signature}`, m1, CALL))).toBe(CURSOR_REFUSED);
    expect(await refusal(signer.open('wix-cursor', m1, CALL))).toBe(CURSOR_REFUSED);
    const other = createCursorSigner({ secret: 'another-secret-sixteen' });
    expect(await refusal(other.open(cursor, m1, CALL))).toBe(CURSOR_REFUSED);
  });

  it('expires a listing one lifetime after its first page, whatever the pages after', async () => {
    let now = 0;
    const signer = createCursorSigner({ secret: SECRET, ttlSeconds: 60, now: () => now });
    const first = await signer.sign('c1', m1, CALL, listing);
    now = 30_000;
    const opened = await signer.open(first, m1, CALL);
    const next = await signer.sign('c2', m1, CALL, { ...listing, expiresAt: opened.expiresAt });
    now = 61_000;
    expect(await refusal(signer.open(next, m1, CALL))).toBe(CURSOR_EXPIRED);
  });

  it('rotates: the previous key still opens what it signed; the current one signs', async () => {
    const before = createCursorSigner({ secret: SECRET });
    const after = createCursorSigner({ secret: { current: 'the-new-secret-sixteen', previous: SECRET } });
    const old = await before.sign('c', m1, CALL, listing);
    expect((await after.open(old, m1, CALL)).wixCursor).toBe('c');
    expect(await refusal(before.open(await after.sign('c', m1, CALL, listing), m1, CALL))).toBe(CURSOR_REFUSED);
  });

  it('asks a provider again after the refresh interval, and refuses (500) while it cannot read the secret', async () => {
    let now = 0;
    let reads = 0;
    let secret: string | Error = SECRET;
    const signer = createCursorSigner({
      now: () => now,
      secret: async () => {
        reads++;
        if (secret instanceof Error) throw secret;
        return secret;
      },
    });
    const cursor = await signer.sign('c', m1, CALL, listing);
    await signer.open(cursor, m1, CALL);
    expect(reads).toBe(1);
    now = CURSOR_SECRET_REFRESH_MS + 1;
    secret = new Error('secrets manager down');
    const e = await signer.open(cursor, m1, CALL).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INTERNAL' });
    secret = SECRET;
    expect((await signer.open(cursor, m1, CALL)).wixCursor).toBe('c');
    expect(reads).toBe(3);
  });

  it('refuses a short secret at once', () => {
    expect(() => createCursorSigner({ secret: 'short' })).toThrow('at least 16 characters');
  });

  it('fingerprints what rules grant, not where they are written or how they are described', async () => {
    const signer = createCursorSigner();
    const r: CompiledRule = { id: 'r', description: 'd', effect: 'allow', roles: ['m'], call: CALL, source: { file: 'a', line: 1, column: 1 }, cap: 5 };
    const moved = { ...r, description: 'reworded', source: { file: 'b', line: 9, column: 3 } };
    expect(await signer.fingerprint([r])).toBe(await signer.fingerprint([moved]));
    expect(await signer.fingerprint([r])).not.toBe(await signer.fingerprint([{ ...r, cap: 6 }]));
  });
});

describe('signCursorsIn', () => {
  it('signs every cursor of the paging, keeps empty ones, and drops one the signer withholds', async () => {
    const paging = { count: 2, cursors: { next: 'n', prev: '', other: 'withheld' } };
    const signed = await signCursorsIn(paging, async (c) => (c === 'withheld' ? undefined : `signed(${c})`));
    expect(signed).toEqual({ count: 2, cursors: { next: 'signed(n)', prev: '' } });
    expect(await signCursorsIn('not paging', async () => 'x')).toBe('not paging');
  });
});
