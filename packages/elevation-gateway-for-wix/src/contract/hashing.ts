// SHA-256 and HMAC-SHA-256 for the gateway's hot path (token digests, cursor signatures, rule
// fingerprints) and the policy digest. Where the runtime has `node:crypto` (Node, and workerd with
// `nodejs_compat` where it offers `process.getBuiltinModule`), it hashes synchronously: WebCrypto
// on Node runs every digest and signature on libuv's thread pool, a full event-loop turn each
// (about 160 µs for a token digest and 475 µs for a cursor signature, measured by `npm run bench`,
// against 1–4 µs synchronously). Elsewhere it falls back to WebCrypto, so the platform-neutral
// bundle still builds and runs. Both paths give the same bytes for the same input (hashing.test.ts).

import { base64url } from './base64url.ts';

/** The part of `node:crypto` used here. */
export interface NodeCryptoSubset {
  createHash(algorithm: 'sha256'): { update(data: string): { digest(): Uint8Array; digest(encoding: 'hex'): string } };
  createHmac(algorithm: 'sha256', key: unknown): { update(data: string): { digest(): Uint8Array } };
  createSecretKey(key: Uint8Array): unknown;
  randomUUID(): string;
}

/** A key for HMAC-SHA-256: signs a message, answering the signature in base64url without padding. */
export interface HmacKey {
  sign(message: string): Promise<string>;
}

export interface Hashing {
  /** Which implementation hashes: `node:crypto` (synchronous) or WebCrypto. */
  readonly implementation: 'node:crypto' | 'webcrypto';
  /** Hex SHA-256 of the text's UTF-8 bytes. */
  sha256Hex(text: string): Promise<string>;
  /** The first `bytes` bytes of the SHA-256 of the text's UTF-8 bytes, in base64url without padding. */
  sha256Base64url(text: string, bytes?: number): Promise<string>;
  hmacKey(raw: Uint8Array): Promise<HmacKey>;
  /** A random UUID (v4) from the same implementation, so a cold start loads only one of them. */
  randomUUID(): string;
}

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** `node:crypto` when the runtime offers it without an import (so bundles stay platform-neutral). */
export function builtinNodeCrypto(): NodeCryptoSubset | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = process?.getBuiltinModule?.('node:crypto') as Partial<NodeCryptoSubset> | undefined;
    if (
      mod &&
      typeof mod.createHash === 'function' &&
      typeof mod.createHmac === 'function' &&
      typeof mod.createSecretKey === 'function' &&
      typeof mod.randomUUID === 'function'
    ) {
      return mod as NodeCryptoSubset;
    }
  } catch {
    /* no node:crypto here: WebCrypto */
  }
  return undefined;
}

export function createHashing(node: NodeCryptoSubset | undefined): Hashing {
  const sha256 = node
    ? async (text: string) => node.createHash('sha256').update(text).digest()
    : async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  const hmacKey = node
    ? async (raw: Uint8Array): Promise<HmacKey> => {
        const key = node.createSecretKey(Uint8Array.from(raw));
        return { sign: async (message) => base64url(node.createHmac('sha256', key).update(message).digest()) };
      }
    : async (raw: Uint8Array): Promise<HmacKey> => {
        const key = await crypto.subtle.importKey('raw', Uint8Array.from(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return { sign: async (message) => base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)))) };
      };
  return {
    implementation: node ? 'node:crypto' : 'webcrypto',
    // node:crypto encodes a string as UTF-8 as TextEncoder does (lone surrogates as U+FFFD too).
    sha256Hex: node ? async (text) => node.createHash('sha256').update(text).digest('hex') : async (text) => hex(await sha256(text)),
    sha256Base64url: async (text, bytes = 32) => base64url((await sha256(text)).slice(0, bytes)),
    hmacKey,
    randomUUID: node ? () => node.randomUUID() : () => crypto.randomUUID(),
  };
}

let runtime: Hashing | undefined;

/**
 * The runtime's hashing: `node:crypto` where it is built in, WebCrypto elsewhere; chosen on first
 * use, so importing the gateway loads no crypto module before a request needs one.
 */
export const hashing = (): Hashing => (runtime ??= createHashing(builtinNodeCrypto()));
