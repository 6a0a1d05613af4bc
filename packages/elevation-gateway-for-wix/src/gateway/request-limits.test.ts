// Each request limit refuses a request far beyond it before the work that grows with its size or
// depth: shown by what the gateway did (chunks pulled from the body stream, JSON.parse calls, the
// engine's decide calls, requests to Wix), not by timing. Never a 5xx.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import { DEFAULT_LIMITS, type Limits } from '../contract/compiled-policy.ts';
import { policyDigest } from '../contract/policy-digest.ts';
import { PolicyEngine } from './decide.ts';
import type { PolicyModule } from './policy-module.ts';

const visitor = devTokens.visitor;
const MB = 1024 * 1024;
const browse = (query: unknown) => ({ module: 'stores.productsV3', method: 'queryProducts', args: [query] });

/** The example policy with other limits, digested as `elevate build` would (limits beyond the schema's range included). */
async function exampleWithLimits(limits: Partial<Limits>): Promise<PolicyModule> {
  const policy = structuredClone(generated.policy);
  policy.limits = { ...policy.limits, ...limits };
  return { policy, digest: await policyDigest(policy), sdkMethods: generated.sdkMethods };
}

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('https://app.example/functions/elevate', {
    method: 'POST',
    headers: { authorization: visitor, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** A body of `total` bytes in 16 KiB chunks, produced only when the reader pulls; counts pulls. */
function countedStream(total: number) {
  const chunk = new TextEncoder().encode('['.repeat(16 * 1024));
  const counter = { pulled: 0, chunks: Math.ceil(total / chunk.byteLength) };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= counter.chunks) {
          controller.close();
          return;
        }
        counter.pulled++;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('body bytes', () => {
  it('a streamed 10 MB body without Content-Length is refused with 413 after reading just past the limit', async () => {
    const bed = createTestBed();
    const { stream, counter } = countedStream(10 * MB);
    const response = await bed.runtime.serve(post(stream), bed.gateway.handle);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    // 64 KiB is four 16 KiB chunks: the fifth crosses the limit, and nothing after it is pulled.
    expect(counter.pulled).toBe(DEFAULT_LIMITS.bodyBytes / (16 * 1024) + 1);
    expect(counter.pulled).toBeLessThan(counter.chunks / 100);
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('a declared Content-Length beyond the limit is refused without pulling a single chunk', async () => {
    const bed = createTestBed();
    const { stream, counter } = countedStream(10 * MB);
    const response = await bed.runtime.serve(post(stream, { 'content-length': String(10 * MB) }), bed.gateway.handle);
    expect(response.status).toBe(413);
    expect(counter.pulled).toBe(0);
  });

  it('a limit declared in the policy (limits: { bodyBytes: 1024 }) is honoured', async () => {
    const bed = createTestBed({
      policy: await policyFromYaml(`
version: 1
limits: { bodyBytes: 1024 }
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - id: visitor-browses
    description: Visitors list visible products.
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    resource: { visible: true }
    cap: 5
`),
    });
    const small = await bed.send(visitor, browse({ filter: { slug: 'x'.repeat(800) } }));
    expect(small.status).toBe(200);
    const large = await bed.send(visitor, browse({ filter: { slug: 'x'.repeat(1100) } }));
    expect(large.status).toBe(413);
    expect(large.body.error.message).toContain('1024');
    // The default (64 KiB) would have let it through: the policy's limit decided.
    const byDefault = createTestBed();
    expect((await byDefault.send(visitor, browse({ filter: { visible: true, slug: 'x'.repeat(1100) } }))).status).not.toBe(413);
  });
});

describe('JSON depth', () => {
  it('a 10 MB deeply nested body is refused with 400 without JSON.parse ever being called', async () => {
    const bed = createTestBed({ policy: await exampleWithLimits({ bodyBytes: 16 * MB }) });
    const depth = 5 * MB;
    const text = `{"module":"stores.productsV3","method":"queryProducts","args":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    expect(text.length).toBeGreaterThan(10 * MB);
    const parse = vi.spyOn(JSON, 'parse');
    const decide = vi.spyOn(PolicyEngine.prototype, 'decide');
    const response = await bed.runtime.serve(post(text), bed.gateway.handle);
    expect(parse).not.toHaveBeenCalled();
    expect(decide).not.toHaveBeenCalled();
    expect(response.status).toBe(400);
    parse.mockRestore();
    const body = await response.json();
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.message).toContain(`deeper than ${DEFAULT_LIMITS.jsonDepth}`);
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('brackets inside strings do not count as nesting (no false refusal)', async () => {
    const bed = createTestBed();
    const reply = await bed.send(
      visitor,
      browse({ filter: { visible: true, slug: '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{\\"[[[[' }, cursorPaging: { limit: 1 } }),
    );
    expect(reply.status).toBe(200);
  });
});

describe('argument count, string length, array length', () => {
  const cases: [string, (limits: Limits) => unknown][] = [
    ['far more arguments than allowed', (l) => ({ module: 'stores.productsV3', method: 'queryProducts', args: Array(l.args * 1000).fill({}) })],
    ['a string far longer than allowed', (l) => browse({ filter: { slug: 'x'.repeat(l.stringLength * 100) } })],
    ['a key far longer than allowed', (l) => browse({ filter: { ['k'.repeat(l.stringLength * 100)]: 1 } })],
    ['an array far longer than allowed', (l) => browse({ filter: { id: { $in: Array(l.arrayLength * 1000).fill('p-001') } } })],
    [
      'an object with far more keys than allowed',
      (l) => browse({ filter: Object.fromEntries(Array.from({ length: l.arrayLength * 100 }, (_, i) => [`f${i}`, i])) }),
    ],
  ];

  it.each(cases)('%s is 400 before identity, decision or dispatch', async (_name, make) => {
    // Room in the byte limit, so the limit under test is the one that refuses.
    const bed = createTestBed({ policy: await exampleWithLimits({ bodyBytes: 64 * MB }) });
    const decide = vi.spyOn(PolicyEngine.prototype, 'decide');
    const reply = await bed.send(visitor, make(DEFAULT_LIMITS));
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_REQUEST');
    expect(decide).not.toHaveBeenCalled();
    expect(bed.emulator.requests).toHaveLength(0); // not even token-info
  });

  it('just within every limit is served', async () => {
    const bed = createTestBed();
    const l = DEFAULT_LIMITS;
    const reply = await bed.send(
      visitor,
      browse({
        filter: { visible: true, slug: { $nin: Array(l.arrayLength).fill('y'.repeat(10)) }, handle: { $ne: 'x'.repeat(l.stringLength) } },
        cursorPaging: { limit: 2 },
      }),
    );
    expect(reply.status).toBe(200);
  });
});

describe('never a 5xx for anything a client sends', () => {
  it.each([
    ['an empty body', ''],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['a JSON scalar', '42'],
    ['null', 'null'],
    ['unbalanced brackets', ']]]]{{{{'],
    ['a BOM before the JSON', '\uFEFF{"module":"stores.productsV3","method":"queryProducts","args":[{}]}'],
    // Found by the property suite (seed 7): the SDK threw a TypeError on this sort, answered as 502.
    ['a sort that is not a list of { fieldName, order }', '{"module":"ecom.orders","method":"searchOrders","args":[{"sort":[false,1]}]}'],
    ['a lone surrogate escape', '{"module":"stores.productsV3","method":"queryProducts","args":[{"filter":{"slug":"\\ud800"}}]}'],
  ])('%s', async (_name, body) => {
    const bed = createTestBed();
    const response = await bed.runtime.serve(post(body as BodyInit, { authorization: devTokens.user }), bed.gateway.handle);
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
  });
});

describe('a declared Content-Length is not trusted', () => {
  it('a stream longer than its declared length is still cut at the byte limit', async () => {
    const bed = createTestBed();
    const { stream, counter } = countedStream(10 * MB);
    const response = await bed.runtime.serve(post(stream, { 'content-length': '20' }), bed.gateway.handle);
    expect(response.status).toBe(413);
    expect(counter.pulled).toBe(DEFAULT_LIMITS.bodyBytes / (16 * 1024) + 1);
  });
});

describe('a body that breaks while it is read', () => {
  it('a stream that errors after its first chunk (a client gone mid-body) is refused with 400, nothing reaching Wix', async () => {
    const bed = createTestBed();
    const log: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void log.push(a.join(' ')));
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"module":"stores.productsV3",'));
          else controller.error(new Error('socket hang up at 10.0.0.7:443 (secret internal detail)'));
        },
      },
      { highWaterMark: 0 },
    );
    const response = await bed.runtime.serve(post(stream), bed.gateway.handle);
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error.code).toBe('INVALID_REQUEST');
    expect(text).not.toMatch(/socket|10\.0\.0\.7|secret/);
    expect(bed.emulator.requests).toHaveLength(0);
    expect(log.join('\n')).not.toMatch(/10\.0\.0\.7|secret/);
    expect(bed.log.entries).toHaveLength(1);
    expect(bed.log.entries[0]).toMatchObject({ decision: 'error', code: 'INVALID_REQUEST' });
    expect(JSON.stringify(bed.log.entries)).not.toMatch(/socket|10\.0\.0\.7|secret/);
  });
});
