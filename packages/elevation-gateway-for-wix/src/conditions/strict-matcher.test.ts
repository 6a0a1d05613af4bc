import { describe, expect, it } from 'vitest';
import { compileConditions, ConditionSyntaxError } from './strict-matcher.ts';
import { CALLER } from './placeholders.ts';

const match = (conditions: Record<string, unknown>, doc: unknown) => compileConditions(conditions)(doc);
const withCaller = (doc: Record<string, unknown>, caller: Record<string, unknown>) => ({ ...doc, [CALLER]: caller });

describe('strict matcher: equality is type-exact', () => {
  it.each([
    ['a number equals the same number', { a: 1 }, { a: 1 }, true],
    ['a string never equals a number', { a: 1 }, { a: '1' }, false],
    ['true never equals 1', { a: true }, { a: 1 }, false],
    ['an array never equals an element it contains', { a: 1 }, { a: [1] }, false],
    ['an array never equals an element it contains ($eq)', { a: { $eq: 'x' } }, { a: ['x', 'y'] }, false],
    ['null never equals a scalar', { a: 'x' }, { a: null }, false],
    ['an object never equals a scalar', { a: 'x' }, { a: { $eq: 'x' } }, false],
    ['operator-shaped data is data, not an operator', { a: true }, { a: { $ne: false } }, false],
    ['a missing value equals nothing', { a: 'x' }, {}, false],
    ['null equals null', { a: null }, { a: null }, true],
    ['deep equality of objects', { a: { $eq: { b: 1 } } }, { a: { b: 1 } }, true],
    ['deep equality rejects extra keys', { a: { $eq: { b: 1 } } }, { a: { b: 1, c: 2 } }, false],
  ])('%s', (_name, conditions, doc, expected) => {
    expect(match(conditions, doc)).toBe(expected);
  });
});

describe('strict matcher: comparisons', () => {
  const range = { n: { $gte: 0, $lte: 50 } };
  it.each([
    [10, true],
    [0, true],
    [50, true],
    [51, false],
    [-1, false],
    ['10', false],
    [[10], false],
    [[1, 1000], false],
    [{ $lte: 50 }, false],
    [null, false],
    [true, false],
  ])('n = %j → %s', (n, expected) => {
    expect(match(range, { n })).toBe(expected);
  });
  it('a missing value fails a range', () => expect(match(range, {})).toBe(false));
  it('NaN and Infinity are not numbers here', () => {
    expect(match({ n: { $lte: 50 } }, { n: NaN })).toBe(false);
    expect(match({ n: { $gte: 0 } }, { n: Infinity })).toBe(false);
  });
  it('$type integer rejects fractions', () => {
    expect(match({ n: { $type: 'integer' } }, { n: 1.5 })).toBe(false);
    expect(match({ n: { $type: 'integer' } }, { n: 2 })).toBe(true);
  });
  it('strings compare with strings only', () => {
    expect(match({ s: { $gt: 'b' } }, { s: 'c' })).toBe(true);
    expect(match({ s: { $gt: 'b' } }, { s: 3 })).toBe(false);
  });
});

describe('strict matcher: $ne, $in, $nin and missing values', () => {
  it('$ne is false for a missing value', () => expect(match({ a: { $ne: 'x' } }, {})).toBe(false));
  it('$ne holds for a different value of the same or another type', () => {
    expect(match({ a: { $ne: 'x' } }, { a: 'y' })).toBe(true);
  });
  it('$in only admits scalars that are listed', () => {
    expect(match({ a: { $in: ['x', 'y'] } }, { a: 'x' })).toBe(true);
    expect(match({ a: { $in: ['x', 'y'] } }, { a: ['x'] })).toBe(false);
    expect(match({ a: { $in: [1] } }, { a: '1' })).toBe(false);
  });
  it('$nin is false for arrays, objects and missing values', () => {
    expect(match({ a: { $nin: ['x'] } }, { a: 'y' })).toBe(true);
    expect(match({ a: { $nin: ['x'] } }, { a: ['x'] })).toBe(false);
    expect(match({ a: { $nin: ['x'] } }, { a: { b: 1 } })).toBe(false);
    expect(match({ a: { $nin: ['x'] } }, {})).toBe(false);
  });
  it('$exists is the only test a missing value passes', () => {
    expect(match({ a: { $exists: false } }, {})).toBe(true);
    expect(match({ a: { $exists: false } }, { a: null })).toBe(false);
    expect(match({ a: { $exists: true } }, { a: null })).toBe(true);
  });
});

describe('strict matcher: arrays need array operators', () => {
  it('$elemMatch, $all and $size', () => {
    expect(match({ a: { $elemMatch: { $eq: 'x' } } }, { a: ['y', 'x'] })).toBe(true);
    expect(match({ a: { $elemMatch: { $eq: 'x' } } }, { a: 'x' })).toBe(false);
    expect(match({ a: { $all: ['x', 'y'] } }, { a: ['y', 'x', 'z'] })).toBe(true);
    expect(match({ a: { $size: 2 } }, { a: [1, 2] })).toBe(true);
    expect(match({ a: { $size: 2 } }, { a: 'ab' })).toBe(false);
    expect(match({ a: { $elemMatch: { b: 1 } } }, { a: [{ b: 2 }, { b: 1 }] })).toBe(true);
  });
  it("$not only holds inside its operators' domain: a scalar cannot dodge an array test", () => {
    const noSecret = { fields: { $not: { $elemMatch: { $eq: 'SECRET' } } } };
    expect(match(noSecret, { fields: ['A', 'B'] })).toBe(true);
    expect(match(noSecret, { fields: ['A', 'SECRET'] })).toBe(false);
    expect(match(noSecret, { fields: 'SECRET' })).toBe(false);
    expect(match(noSecret, { fields: { 0: 'SECRET' } })).toBe(false);
    expect(match(noSecret, {})).toBe(false);
  });
  it('paths do not traverse arrays implicitly, only by index', () => {
    expect(match({ 'a.b': 1 }, { a: [{ b: 1 }] })).toBe(false);
    expect(match({ 'a.0.b': 1 }, { a: [{ b: 1 }] })).toBe(true);
  });
  it('paths read own properties only', () => {
    expect(match({ 'a.constructor': { $exists: true } }, { a: {} })).toBe(false);
    expect(match({ 'a.length': 0 }, { a: [] })).toBe(false);
  });
});

describe('strict matcher: logic and placeholders', () => {
  it('$and / $or', () => {
    const c = { $or: [{ a: 1 }, { b: 2 }] };
    expect(match(c, { a: 1 })).toBe(true);
    expect(match(c, { b: 2 })).toBe(true);
    expect(match(c, { a: 2, b: 1 })).toBe(false);
    expect(match({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 2 })).toBe(true);
  });
  it('${caller.id} resolves from the caller attached under a symbol', () => {
    const c = { 'buyerInfo.memberId': '${caller.id}' };
    expect(match(c, withCaller({ buyerInfo: { memberId: 'm-1' } }, { id: 'm-1' }))).toBe(true);
    expect(match(c, withCaller({ buyerInfo: { memberId: 'm-2' } }, { id: 'm-1' }))).toBe(false);
  });
  it('a placeholder without a caller value matches nothing, not a missing field', () => {
    const c = { 'buyerInfo.memberId': '${caller.id}' };
    expect(match(c, withCaller({ buyerInfo: {} }, { id: '' }))).toBe(false);
    expect(match(c, { buyerInfo: { memberId: 'm-1' } })).toBe(false);
    expect(match({ a: { $ne: '${caller.id}' } }, withCaller({ a: 'x' }, {}))).toBe(false);
  });
  it('a caller key in the data is not the caller', () => {
    const c = { 'buyerInfo.memberId': '${caller.id}' };
    expect(match(c, { caller: { id: 'm-2' }, buyerInfo: { memberId: 'm-2' } })).toBe(false);
  });
});

describe('strict matcher: syntax errors are reported, not ignored', () => {
  it.each([[{ a: { $regex: 'x' } }], [{ a: { $in: 'x' } }], [{ $nor: [{ a: 1 }] }], [{ a: { $type: 'date' } }], [{ a: { $gt: {} } }], [{ $or: [] }]])(
    '%j',
    (conditions) => {
      expect(() => compileConditions(conditions as never)).toThrow(ConditionSyntaxError);
    },
  );
});
