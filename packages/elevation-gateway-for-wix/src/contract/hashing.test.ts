// The two hashing paths (node:crypto, synchronous; WebCrypto, the fallback) give the same bytes,
// and both give the standard ones: SHA-256 of "abc" (FIPS 180-2) and HMAC-SHA-256 test case 1 of
// RFC 4231. The gateway's keys, cache entries and cursors must not change with the runtime.
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { builtinNodeCrypto, createHashing, hashing, type NodeCryptoSubset } from './hashing.ts';

const node = createHashing(nodeCrypto as unknown as NodeCryptoSubset);
const web = createHashing(undefined);
const TEXTS = ['', 'abc', 'a.b.c', 'é😀中', 'lone \ud800 surrogate \udc00', 'x'.repeat(10_000)];

describe('hashing', () => {
  it('uses node:crypto on Node (process.getBuiltinModule), WebCrypto without it', () => {
    expect(builtinNodeCrypto()).toBeDefined();
    expect(hashing().implementation).toBe('node:crypto');
    expect(web.implementation).toBe('webcrypto');
  });

  it('SHA-256: the standard digest, the same on both paths', async () => {
    for (const h of [node, web]) expect(await h.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const text of TEXTS) {
      expect(await node.sha256Hex(text), text).toBe(await web.sha256Hex(text));
      for (const bytes of [12, 32]) expect(await node.sha256Base64url(text, bytes)).toBe(await web.sha256Base64url(text, bytes));
    }
    expect(await node.sha256Base64url('abc', 12)).toHaveLength(16);
    expect(await node.sha256Base64url('abc')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('HMAC-SHA-256: RFC 4231 test case 1, and the same signatures on both paths', async () => {
    const expected = Buffer.from('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', 'hex').toString('base64url');
    for (const h of [node, web]) expect(await (await h.hmacKey(new Uint8Array(20).fill(0x0b))).sign('Hi There')).toBe(expected);
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const [a, b] = [await node.hmacKey(raw), await web.hmacKey(raw)];
    for (const text of TEXTS) expect(await a.sign(text), text).toBe(await b.sign(text));
  });

  it('a key does not change when the bytes it was made from do', async () => {
    const raw = new Uint8Array(32).fill(1);
    for (const h of [node, web]) {
      const key = await h.hmacKey(raw);
      const before = await key.sign('m');
      raw.fill(2);
      expect(await key.sign('m')).toBe(before);
      raw.fill(1);
    }
  });
});
