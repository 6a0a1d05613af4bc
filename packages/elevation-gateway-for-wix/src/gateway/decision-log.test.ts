// The decision-log line: the digest of the policy that decided, the policy's effect, and the
// opt-in redacted arguments, which never hold a string's content.
import { describe, expect, it } from 'vitest';
import { argumentRedaction, isRedacted, redactArguments } from './decision-log.ts';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { APP_ID, devTokens } from '../dev/emulator/index.ts';
import { createGateway } from './gateway.ts';
import type { PolicyModule } from './policy-module.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';

const SECRET = 'sk_live_4242424242424242';
const EMAIL = 'alice@example.com';

describe('redactArguments', () => {
  it('replaces every string with its marker and keeps numbers, booleans, null, keys and array lengths', () => {
    const args = [{ filter: { slug: SECRET, visible: true, price: { $gt: 10 } }, tags: ['a', EMAIL], none: null }, 'o-1', 3.5];
    const redacted = redactArguments(args);
    expect(redacted).toEqual([
      {
        filter: { slug: { $redacted: 'string', length: SECRET.length }, visible: true, price: { $gt: 10 } },
        tags: [
          { $redacted: 'string', length: 1 },
          { $redacted: 'string', length: EMAIL.length },
        ],
        none: null,
      },
      { $redacted: 'string', length: 3 },
      3.5,
    ]);
    expect(JSON.stringify(redacted)).not.toMatch(/sk_live|alice|o-1/);
  });

  it('with numbers, replaces numbers too', () => {
    expect(redactArguments([{ card: 4242424242424242, cvc: 123, ok: false }], true)).toEqual([
      { card: { $redacted: 'number' }, cvc: { $redacted: 'number' }, ok: false },
    ]);
  });

  it('no value a client sends reads as a marker once redacted', () => {
    const forged = [{ $redacted: 'string', length: 3 }, { $redacted: 'number' }];
    const redacted = redactArguments(forged) as Record<string, unknown>[];
    expect(redacted.map(isRedacted)).toEqual([false, false]);
    expect(isRedacted(redacted[0]!.$redacted)).toBe(true); // the client's string, itself replaced
    expect((redactArguments(forged, true) as unknown[]).map(isRedacted)).toEqual([false, false]);
  });

  it('keeps a key such as __proto__ a key, never a prototype', () => {
    const args = JSON.parse('[{"__proto__":{"polluted":"yes"},"constructor":"x"}]') as unknown[];
    const [redacted] = redactArguments(args) as Record<string, unknown>[];
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.hasOwn(redacted!, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"polluted":{"$redacted":"string","length":3}},"constructor":{"$redacted":"string","length":1}}');
  });

  it('is off unless asked for, and an unknown mode is refused', () => {
    expect(argumentRedaction(undefined)).toBeUndefined();
    expect(argumentRedaction('off')).toBeUndefined();
    expect(() => argumentRedaction('plain' as never)).toThrow(/logArguments must be one of "off", "redacted", "redacted-numbers"/);
    expect(() => createGateway({ appId: APP_ID, policy: async () => generated as PolicyModule, logArguments: 'all' as never })).toThrow(TypeError);
  });
});

describe('the decision-log line', () => {
  const visitor = devTokens.visitor;
  const browse = (filter: unknown) => ({ module: 'stores.productsV3', method: 'queryProducts', args: [{ filter, cursorPaging: { limit: 5 } }] });

  it('carries the digest of the policy module that decided, on every request after it loaded', async () => {
    const bed = createTestBed();
    await bed.send(visitor, browse({ visible: true }));
    await bed.send(undefined, browse({ visible: true }));
    expect(bed.log.entries.map((e) => e.policy)).toEqual([generated.digest, generated.digest]);

    const other = await policyFromYaml(`
version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - { id: browse, description: d, roles: [visitor], allow: stores.productsV3.queryProducts }
`);
    const next = createTestBed({ policy: other });
    await next.send(visitor, browse({ visible: true }));
    expect(next.log.entries[0]).toMatchObject({ policy: other.digest, effect: 'allow', rule: 'browse' });
    expect(other.digest).not.toBe(generated.digest);
  });

  it('has no policy when none loaded (503 POLICY_UNAVAILABLE)', async () => {
    const bed = createTestBed({
      policy: async () => {
        throw new Error('missing');
      },
    });
    const reply = await bed.send(visitor, browse({ visible: true }));
    expect(reply.status).toBe(503);
    expect(bed.log.entries[0]!.policy).toBeUndefined();
    expect(bed.log.entries[0]!.effect).toBeUndefined();
  });

  it('says what the policy decided: a deny rule, no rule, or an allow its obligations then refused', async () => {
    const policy = await policyFromYaml(`
version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - { id: views, description: d, roles: [visitor], allow: stores.productsV3.getProduct }
  - { id: no-p-2, description: d, roles: [visitor], deny: stores.productsV3.getProduct, when: { args.0: p-002 } }
`);
    const bed = createTestBed({ policy });
    await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-001']);
    await bed.call(visitor, 'stores.productsV3', 'getProduct', ['p-002']);
    await bed.call(visitor, 'stores.productsV3', 'getProduct', ['../x']);
    await bed.call(visitor, 'ecom.orders', 'getOrder', ['o-1']);
    await bed.call(visitor, 'ecom', 'orders.getOrder', ['o-1']);
    expect(bed.log.entries.map((e) => [e.effect, e.decision, e.rule, e.status, e.malformedName])).toEqual([
      ['allow', 'allow', 'views', 200, undefined],
      ['deny', 'deny', 'no-p-2', 403, undefined],
      ['allow', 'deny', 'views', 400, undefined],
      ['deny', 'deny', undefined, 403, undefined],
      ['deny', 'deny', undefined, 403, true],
    ]);
  });

  it('carries no arguments by default', async () => {
    const bed = createTestBed();
    await bed.send(visitor, browse({ visible: true, slug: SECRET }));
    expect(bed.log.entries[0]!.args).toBeUndefined();
    expect(JSON.stringify(bed.log.entries)).not.toContain(SECRET);
  });

  it('with logArguments: redacted, carries the arguments without any string sent', async () => {
    const bed = createTestBed({ gateway: { logArguments: 'redacted' } });
    await bed.send(visitor, browse({ visible: true, slug: SECRET, 'seoData.tags.props.content': EMAIL }));
    const [entry] = bed.log.entries;
    expect(entry!.args).toEqual([
      {
        filter: {
          visible: true,
          slug: { $redacted: 'string', length: SECRET.length },
          'seoData.tags.props.content': { $redacted: 'string', length: EMAIL.length },
        },
        cursorPaging: { limit: 5 },
      },
    ]);
    const text = JSON.stringify(bed.log.entries);
    for (const sent of [SECRET, EMAIL, SECRET.slice(0, 8), 'example.com']) expect(text).not.toContain(sent);
  });

  it('with logArguments: redacted-numbers, carries no number sent either', async () => {
    const bed = createTestBed({ gateway: { logArguments: 'redacted-numbers' } });
    await bed.send(visitor, browse({ visible: true }));
    expect(bed.log.entries[0]!.args).toEqual([{ filter: { visible: true }, cursorPaging: { limit: { $redacted: 'number' } } }]);
  });

  it('logs no arguments of a request refused before its caller was known or its body read', async () => {
    const bed = createTestBed({ gateway: { logArguments: 'redacted' } });
    await bed.send(undefined, browse({ slug: SECRET }));
    await bed.send('not-a-wix-token', browse({ slug: SECRET }));
    await bed.send(visitor, `{"module":"stores.productsV3","method":"queryProducts","args":[{"filter":{"slug":"${SECRET}"}`, { raw: true });
    await bed.send(visitor, browse({ slug: 'x'.repeat(5000) }));
    expect(bed.log.entries.map((e) => [e.status, e.args])).toEqual([
      [401, undefined],
      [401, undefined],
      [400, undefined],
      [400, undefined],
    ]);
  });
});
