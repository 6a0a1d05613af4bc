// Implication between conditions, checked against the strict matcher itself: whenever `implies`
// says p ⇒ q, no document (with or without a caller) satisfies p and not q.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileConditions, type Conditions } from '../../conditions/strict-matcher.ts';
import { withCaller } from '../../conditions/condition-trace.ts';
import type { Caller } from '../../contract/caller.ts';
import { implies, toDnf } from './condition-implication.ts';

const imp = (p: Conditions, q: Conditions) => implies(toDnf(p), toDnf(q));

describe('condition implication', () => {
  it.each<[string, Conditions, Conditions, boolean, boolean]>([
    // name, p, q, p ⇒ q, q ⇒ p
    ['a lower bound is tighter', { x: { $lte: 50 } }, { x: { $lte: 100 } }, true, false],
    ['$lt and $lte', { x: { $lt: 10 } }, { x: { $lte: 10 } }, true, false],
    ['$gt and $gte', { x: { $gt: 10 } }, { x: { $gte: 10 } }, true, false],
    ['bounds of different types', { x: { $lte: 5 } }, { x: { $lte: '9' } }, false, false],
    ['a shorter $in', { x: { $in: ['a'] } }, { x: { $in: ['a', 'b'] } }, true, false],
    ['$in reordered', { x: { $in: ['b', 'a'] } }, { x: { $in: ['a', 'b'] } }, true, true],
    ['$in of one is $eq', { x: { $in: ['a'] } }, { x: 'a' }, true, true],
    ['$eq written two ways', { x: { $eq: 1 } }, { x: 1 }, true, true],
    ['a value within bounds', { x: 30 }, { x: { $gte: 10, $lte: 50 } }, true, false],
    ['$and split', { $and: [{ x: 1 }, { y: 2 }] }, { x: 1, y: 2 }, true, true],
    ['a condition more', { x: 1, y: 2 }, { x: 1 }, true, false],
    ['no conditions', {}, { x: 1 }, false, true],
    ['$or arms reordered', { $or: [{ x: 1 }, { y: 2 }] }, { $or: [{ y: 2 }, { x: 1 }] }, true, true],
    ['an $or arm more', { $or: [{ x: 1 }] }, { $or: [{ x: 1 }, { y: 2 }] }, true, false],
    ['$ne of a value outside', { x: 'a' }, { x: { $ne: 'b' } }, true, false],
    ['$nin and $ne', { x: { $nin: ['a', 'b'] } }, { x: { $ne: 'a' } }, true, false],
    ['a longer $nin', { x: { $nin: ['a', 'b'] } }, { x: { $nin: ['a'] } }, true, false],
    ['presence', { x: { $gte: 1 } }, { x: { $exists: true } }, true, false],
    ['placeholders are opaque', { x: '${caller.id}' }, { x: { $in: ['${caller.id}', 'm-1'] } }, true, false],
    ['different placeholders', { x: '${caller.id}' }, { x: '${caller.siteId}' }, false, false],
    ['$ne of a placeholder', { x: 'a' }, { x: { $ne: '${caller.id}' } }, false, false],
    ['integer is a number', { x: { $type: 'integer' } }, { x: { $type: ['number', 'string'] } }, true, false],
    ['a contradiction implies anything', { x: 1, $and: [{ x: 2 }] }, { y: 3 }, true, false],
    // `$in` matches scalars only: null (or an object) in its list matches nothing, `$eq: null` matches null.
    ['$eq null is not in an $in with null', { x: null }, { x: { $in: [10, null] } }, false, false],
    ['$eq of an object is not in an $in with it', { x: { $eq: { a: 1 } } }, { x: { $in: [{ a: 1 }, 'b'] } }, false, false],
    ['an $in with null is a shorter $in', { x: { $in: [10, null] } }, { x: { $in: [10, 11] } }, true, false],
  ])('%s', (_, p, q, forward, backward) => {
    expect(imp(p, q)).toBe(forward);
    expect(imp(q, p)).toBe(backward);
  });

  it('gives up (not shown) on conditions too large to compare', () => {
    const big = { $and: Array.from({ length: 8 }, (_, i) => ({ $or: [{ [`a${i}`]: 1 }, { [`b${i}`]: 2 }] })) };
    expect(toDnf(big)).toBeUndefined();
    expect(imp(big, big)).toBe(false);
  });

  // Soundness on random conditions and documents, judged by the gateway's own matcher.
  const scalar = fc.oneof(fc.constantFrom('a', 'b', 'c', '${caller.id}'), fc.integer({ min: 0, max: 4 }), fc.boolean());
  const bound = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('a', 'b', 'c'));
  // Set operands may hold what `$in` never matches (null, arrays, objects), and `$eq` may name them.
  const member = fc.oneof({ weight: 4, arbitrary: scalar }, fc.constantFrom<unknown>(null, ['a'], { a: 1 }));
  const operator = fc.oneof(
    scalar.map((v) => v),
    member.map((v) => ({ $eq: v })),
    scalar.map((v) => ({ $ne: v })),
    fc.array(member, { minLength: 1, maxLength: 3 }).map((v) => ({ $in: v })),
    fc.array(member, { minLength: 1, maxLength: 3 }).map((v) => ({ $nin: v })),
    fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), bound).map(([op, v]) => ({ [op]: v })),
    fc.boolean().map((v) => ({ $exists: v })),
    fc.constantFrom('string', 'number', 'integer', 'boolean').map((t) => ({ $type: t })),
  );
  const leaf = fc.dictionary(fc.constantFrom('x', 'y'), operator, { minKeys: 1, maxKeys: 2 });
  const conditions: fc.Arbitrary<Conditions> = fc.oneof(
    leaf,
    fc.array(leaf, { minLength: 1, maxLength: 3 }).map((arms) => ({ $or: arms })),
    fc.array(leaf, { minLength: 1, maxLength: 3 }).map((parts) => ({ $and: parts })),
  );
  const value = fc.oneof(scalar, fc.constant(null), fc.constant(['a']), fc.constant({ a: 1 }), fc.integer({ min: -1, max: 5 }));
  const doc = fc.record({ x: value, y: value }, { requiredKeys: [] });
  const caller = fc.constantFrom<Caller | undefined>(undefined, { subjectType: 'MEMBER', id: 'a', roles: [] }, { subjectType: 'MEMBER', id: 'b', roles: [] });

  it('never says p ⇒ q when a document satisfies p and not q', () => {
    fc.assert(
      fc.property(conditions, conditions, fc.array(fc.tuple(doc, caller), { minLength: 20, maxLength: 20 }), (p, q, docs) => {
        if (!imp(p, q)) return;
        const holdsP = compileConditions(p);
        const holdsQ = compileConditions(q);
        for (const [d, c] of docs) {
          const subject = c ? withCaller(d, c) : d;
          if (holdsP(subject)) expect(holdsQ(subject), JSON.stringify({ p, q, d, c })).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never says p ⇒ q on one path with set operators holding null, arrays or objects', () => {
    // One path and the few values that matter, so that every pair meets the documents that tell them apart.
    const atom = fc.oneof(
      member.map((v) => ({ x: { $eq: v } })),
      fc.array(member, { minLength: 1, maxLength: 3 }).map((v) => ({ x: { $in: v } })),
      fc.array(member, { minLength: 1, maxLength: 3 }).map((v) => ({ x: { $nin: v } })),
      member.map((v) => ({ x: { $ne: v } })),
    );
    const docs = [null, ['a'], { a: 1 }, 'a', 'b', 0, 1, true].map((x) => ({ x }));
    fc.assert(
      fc.property(atom, atom, (p, q) => {
        if (!imp(p, q)) return;
        const holdsP = compileConditions(p);
        const holdsQ = compileConditions(q);
        for (const d of docs) if (holdsP(d)) expect(holdsQ(d), JSON.stringify({ p, q, d })).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds p ⇒ q for q a weakening of p (completeness on the rewrites the diff relies on)', () => {
    fc.assert(
      fc.property(conditions, (p) => {
        expect(imp(p, p)).toBe(true);
        expect(imp({ $and: [p] }, p)).toBe(true);
        expect(imp(p, { $or: [p, { z: 1 }] })).toBe(true);
      }),
    );
  });
});
