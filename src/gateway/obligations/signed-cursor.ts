// Cursors of restricted or masked lists are signed by the gateway. A Wix cursor carries the query
// it continues (filter and sort included), so a cursor a client wrote itself could query what the
// forced filter keeps out, or filter on a field the mask hides: the items would still be re-checked
// and masked, but which items come back, and the paging counts, would answer questions the policy
// does not allow. So the gateway hands out `gw1.<signature>.<wix cursor>`, bound to the caller and
// the call with an HMAC, and accepts no other cursor there.
import { isPlainObject } from '../../policy/conditions/strict-matcher';
import type { Caller } from '../caller';
import { invalid } from '../errors';

const PREFIX = 'gw1.';
const SIGNATURE_LENGTH = 43; // 32 bytes, base64url without padding

export interface CursorSigner {
  sign(wixCursor: string, caller: Caller, call: string): Promise<string>;
  /** The Wix cursor inside a cursor this gateway issued to this caller for this call; else a 400. */
  open(cursor: string, caller: Caller, call: string): Promise<string>;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * `secret`: a stable secret shared by every isolate of the app, so a cursor issued by one isolate
 * opens in another. Without one, a random key per isolate is used: cursors then only continue in
 * the isolate that issued them (elsewhere the client gets a 400 and starts the listing again).
 */
export function createCursorSigner(secret?: string): CursorSigner {
  let key: Promise<CryptoKey> | undefined;
  const getKey = () => {
    key ??= crypto.subtle.importKey(
      'raw',
      secret !== undefined ? encoder.encode(secret) : crypto.getRandomValues(new Uint8Array(32)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return key;
  };
  const message = (wixCursor: string, caller: Caller, call: string) =>
    encoder.encode(`${caller.subjectType}\u0000${caller.id}\u0000${caller.instanceId ?? ''}\u0000${call}\u0000${wixCursor}`);
  const signature = async (wixCursor: string, caller: Caller, call: string) =>
    base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await getKey(), message(wixCursor, caller, call))));

  return {
    async sign(wixCursor, caller, call) {
      return `${PREFIX}${await signature(wixCursor, caller, call)}.${wixCursor}`;
    },
    async open(cursor, caller, call) {
      const refused = () => invalid('cursorPaging.cursor is not a cursor this gateway issued to this caller for this call: start the listing again without a cursor');
      if (!cursor.startsWith(PREFIX) || cursor.charAt(PREFIX.length + SIGNATURE_LENGTH) !== '.') throw refused();
      const given = cursor.slice(PREFIX.length, PREFIX.length + SIGNATURE_LENGTH);
      const wixCursor = cursor.slice(PREFIX.length + SIGNATURE_LENGTH + 1);
      if (wixCursor === '') throw refused();
      const expected = await signature(wixCursor, caller, call);
      // Compare without an early exit, so timing does not reveal how much of a guess was right.
      let diff = 0;
      for (let i = 0; i < SIGNATURE_LENGTH; i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
      if (diff !== 0) throw refused();
      return wixCursor;
    },
  };
}

/** Signs every cursor in the paging metadata of a list result (`metadata`, `pagingMetadata`). */
export async function signCursorsIn(paging: unknown, signer: CursorSigner, caller: Caller, call: string): Promise<unknown> {
  if (!isPlainObject(paging) || !isPlainObject(paging.cursors)) return paging;
  const cursors: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(paging.cursors)) {
    cursors[name] = typeof value === 'string' && value !== '' ? await signer.sign(value, caller, call) : value;
  }
  return { ...paging, cursors };
}
