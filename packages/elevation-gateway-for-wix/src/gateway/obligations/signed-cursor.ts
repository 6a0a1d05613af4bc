// The gateway's cursors. A Wix cursor carries the query it continues (filter and sort included), so
// a cursor a client wrote itself could query what a forced filter keeps out, or filter on a field a
// mask hides. The gateway therefore hands out only cursors of its own and accepts no other:
//
//   gw2.<payload>.<signature>    payload: base64url JSON { c: Wix's cursor, a: the first page's
//                                arguments as admitted, r: the rules that allowed it, x: expiry }
//
// The signature (HMAC-SHA-256) binds the payload to the caller and the call; the payload binds the
// listing to the rules that allowed its first page (a narrowed policy does not keep paging under
// the old rules) and to the first page's checked arguments (re-applied on every page: the options,
// and the query the rules' `when` conditions are decided on). A listing expires one lifetime after
// its first page (one hour by default), however many pages follow.
// Keys rotate: the previous key still opens the cursors it signed, which expire within one lifetime.
import type { CompiledRule } from '../../contract/compiled-policy.ts';
import { isPlainObject } from '../../conditions/json-value.ts';
import type { Caller } from '../../contract/caller.ts';
import { internal, invalid } from '../errors.ts';
import { hashing, type HmacKey } from '../../contract/hashing.ts';
import { base64url, fromBase64url } from '../../contract/base64url.ts';

const PREFIX = 'gw2.';
/** The longest cursor the gateway hands out or accepts (the SDK's own `@maxLength` of a cursor). */
export const CURSOR_MAX_LENGTH = 16_000;
const SIGNATURE_LENGTH = 43; // 32 bytes, base64url without padding
export const DEFAULT_CURSOR_TTL_SECONDS = 3600;

/** A signing secret, or the current one and the one it replaced (still accepted, never used to sign). */
export type CursorSecret = string | { current: string; previous?: string };

/** Reads the secret from where the app keeps it (Wix's Secrets Manager, the environment, …). */
export type CursorSecretProvider = () => Promise<CursorSecret>;

/** How long a secret read from a provider is used before it is read again (a rotation shows within this). */
export const CURSOR_SECRET_REFRESH_MS = 5 * 60_000;

export interface CursorSignerOptions {
  /**
   * Shared by every isolate of the app, so a cursor issued by one opens in another: the secret
   * itself, or a provider that reads it (asked again every CURSOR_SECRET_REFRESH_MS). Without one,
   * each isolate signs with a random key of its own (elsewhere the client starts the listing again).
   */
  secret?: CursorSecret | CursorSecretProvider;
  /** How long a cursor continues its listing (default 3600). */
  ttlSeconds?: number;
  now?: () => number;
}

/** What a gateway cursor says about its listing, once its signature checked out. */
export interface OpenedCursor {
  /** The cursor Wix handed out. */
  wixCursor: string;
  /** The first page's arguments, as the gateway admitted them. */
  firstArgs: unknown[];
  /** The fingerprint of the rules that allowed the first page. */
  rules: string;
  /** When the listing ends (seconds since the epoch): the first page's expiry, carried forward. */
  expiresAt: number;
}

export interface CursorSigner {
  /** `expiresAt`: a continued listing keeps its first page's expiry (default: now + the lifetime). */
  sign(wixCursor: string, caller: Caller, call: string, listing: { firstArgs: unknown[]; rules: string; expiresAt?: number }): Promise<string>;
  /** The listing a cursor this gateway issued to this caller for this call continues; else a 400. */
  open(cursor: string, caller: Caller, call: string): Promise<OpenedCursor>;
  /** A fingerprint of rules, as cursors carry it. */
  fingerprint(rules: readonly CompiledRule[]): Promise<string>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Same length, compared without an early exit, so timing does not reveal how much of a guess was right. */
function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export const CURSOR_REFUSED = 'cursorPaging.cursor is not a cursor this gateway issued to this caller for this call: start the listing again without a cursor';
export const CURSOR_EXPIRED = 'cursorPaging.cursor has expired: start the listing again without a cursor';

export function createCursorSigner(options: CursorSignerOptions = {}): CursorSigner {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_CURSOR_TTL_SECONDS;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('cursors: ttlSeconds must be a positive number');
  const now = options.now ?? Date.now;
  const source = options.secret;
  const secretsOf = (secret: CursorSecret | undefined): string[] => {
    const list =
      secret === undefined ? [] : typeof secret === 'string' ? [secret] : [secret.current, ...(secret.previous !== undefined ? [secret.previous] : [])];
    if (list.some((s) => typeof s !== 'string' || s.length < 16)) throw new RangeError('cursors: a secret must be a string of at least 16 characters');
    return list;
  };
  const importKeys = (secrets: string[]) =>
    Promise.all((secrets.length ? secrets.map((s) => encoder.encode(s)) : [crypto.getRandomValues(new Uint8Array(32))]).map((raw) => hashing().hmacKey(raw)));
  if (typeof source !== 'function') secretsOf(source); // a bad static secret is refused at once
  let keys: { value: Promise<HmacKey[]>; until: number } | undefined;
  const getKeys = (): Promise<HmacKey[]> => {
    if (keys && now() < keys.until) return keys.value;
    const value =
      typeof source === 'function'
        ? source().then(
            (secret) => importKeys(secretsOf(secret)),
            () => {
              throw internal('the cursor key could not be read');
            },
          )
        : importKeys(secretsOf(source));
    // A failed read is not kept: the next request asks again.
    value.catch(() => {
      if (keys?.value === value) keys = undefined;
    });
    keys = { value, until: typeof source === 'function' ? now() + CURSOR_SECRET_REFRESH_MS : Infinity };
    return value;
  };
  const message = (payload: string, caller: Caller, call: string) =>
    `gw2\u0000${caller.subjectType}\u0000${caller.id}\u0000${caller.instanceId ?? ''}\u0000${call}\u0000${payload}`;
  const signature = (key: HmacKey, payload: string, caller: Caller, call: string) => key.sign(message(payload, caller, call));

  const fingerprints = new WeakMap<CompiledRule, Promise<string>>();
  const ruleFingerprint = (rule: CompiledRule) => {
    let f = fingerprints.get(rule);
    if (!f) {
      // What the rule grants, not where it is written or how it is described: a moved or
      // re-worded rule keeps its listings going.
      const { source: _source, description: _description, justification: _justification, ...meaning } = rule;
      f = hashing().sha256Base64url(JSON.stringify(meaning), 12);
      fingerprints.set(rule, f);
    }
    return f;
  };

  return {
    async fingerprint(rules) {
      return (await Promise.all(rules.map(ruleFingerprint))).sort().join('.');
    },

    async sign(wixCursor, caller, call, listing) {
      const payload = base64url(
        encoder.encode(JSON.stringify({ c: wixCursor, a: listing.firstArgs, r: listing.rules, x: listing.expiresAt ?? Math.floor(now() / 1000) + ttlSeconds })),
      );
      const [current] = await getKeys();
      return `${PREFIX}${payload}.${await signature(current!, payload, caller, call)}`;
    },

    async open(cursor, caller, call) {
      const cut = cursor.lastIndexOf('.');
      if (!cursor.startsWith(PREFIX) || cut <= PREFIX.length || cursor.length - cut - 1 !== SIGNATURE_LENGTH) throw invalid(CURSOR_REFUSED);
      const payload = cursor.slice(PREFIX.length, cut);
      const given = cursor.slice(cut + 1);
      let signed = false;
      for (const key of await getKeys()) if (sameSignature(given, await signature(key, payload, caller, call))) signed = true;
      if (!signed) throw invalid(CURSOR_REFUSED);
      // Signed by this gateway, so the payload is its own writing; it is still read defensively.
      const bytes = fromBase64url(payload);
      let body: unknown;
      try {
        body = bytes && JSON.parse(decoder.decode(bytes));
      } catch {
        body = undefined;
      }
      if (
        !isPlainObject(body) ||
        typeof body.c !== 'string' ||
        body.c === '' ||
        !Array.isArray(body.a) ||
        typeof body.r !== 'string' ||
        typeof body.x !== 'number'
      ) {
        throw invalid(CURSOR_REFUSED);
      }
      if (body.x * 1000 <= now()) throw invalid(CURSOR_EXPIRED);
      return { wixCursor: body.c, firstArgs: body.a, rules: body.r, expiresAt: body.x };
    },
  };
}

/** Signs every cursor in the paging metadata of a list result (`metadata`, `pagingMetadata`). */
export async function signCursorsIn(paging: unknown, sign: (wixCursor: string) => Promise<string | undefined>): Promise<unknown> {
  if (!isPlainObject(paging) || !isPlainObject(paging.cursors)) return paging;
  const cursors: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(paging.cursors)) {
    if (typeof value !== 'string' || value === '') {
      cursors[name] = value;
      continue;
    }
    const signed = await sign(value);
    if (signed !== undefined) cursors[name] = signed;
  }
  return { ...paging, cursors };
}
