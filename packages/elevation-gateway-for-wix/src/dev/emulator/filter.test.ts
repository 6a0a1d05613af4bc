import { describe, expect, it } from 'vitest';
import { FilterError, matchesFilter, normalizeSort, sortItems, validateFilter, valuesAtPath } from './filter.ts';

const order = {
  id: 'o-1',
  number: '10001',
  createdDate: '2025-03-01T09:00:00.000Z',
  buyerInfo: { memberId: 'm-1', email: 'ada@example.com' },
  status: 'APPROVED',
  tags: ['gift', 'rush'],
  priceSummary: { total: { amount: '12.50' } },
  lineItems: [
    { productName: { original: 'Linen Tote Bag' }, quantity: 1 },
    { productName: { original: 'Copper Tote Bag' }, quantity: 2 },
  ],
};
const guest = { id: 'o-9', buyerInfo: { email: 'guest@example.com' }, status: 'APPROVED', lineItems: [] };

describe('matchesFilter', () => {
  it('treats a missing or empty filter as match-all', () => {
    expect(matchesFilter(order, undefined)).toBe(true);
    expect(matchesFilter(order, null)).toBe(true);
    expect(matchesFilter(order, {})).toBe(true);
  });

  it('implicit equality and $eq/$ne on dotted paths', () => {
    expect(matchesFilter(order, { 'buyerInfo.memberId': 'm-1' })).toBe(true);
    expect(matchesFilter(order, { 'buyerInfo.memberId': 'm-2' })).toBe(false);
    expect(matchesFilter(order, { 'buyerInfo.memberId': { $eq: 'm-1' } })).toBe(true);
    expect(matchesFilter(order, { 'buyerInfo.memberId': { $ne: 'm-1' } })).toBe(false);
    // $ne matches a missing field (Mongo / Wix semantics)
    expect(matchesFilter(guest, { 'buyerInfo.memberId': { $ne: 'm-1' } })).toBe(true);
    // null equality matches a missing field
    expect(matchesFilter(guest, { 'buyerInfo.memberId': null })).toBe(true);
    expect(matchesFilter(order, { 'buyerInfo.memberId': null })).toBe(false);
  });

  it('several keys are AND-ed', () => {
    expect(matchesFilter(order, { status: 'APPROVED', 'buyerInfo.memberId': 'm-1' })).toBe(true);
    expect(matchesFilter(order, { status: 'CANCELED', 'buyerInfo.memberId': 'm-1' })).toBe(false);
  });

  it('comparisons: numbers, decimal strings numerically, ISO dates chronologically', () => {
    expect(matchesFilter(order, { 'priceSummary.total.amount': { $gt: '9.99' } })).toBe(true); // "12.50" > "9.99" numerically
    expect(matchesFilter(order, { 'priceSummary.total.amount': { $lt: 100 } })).toBe(true);
    expect(matchesFilter(order, { 'priceSummary.total.amount': { $gte: '12.5', $lte: '12.50' } })).toBe(true);
    expect(matchesFilter(order, { createdDate: { $gte: '2025-03-01T00:00:00.000Z' } })).toBe(true);
    expect(matchesFilter(order, { createdDate: { $lt: { $date: '2025-02-01T00:00:00.000Z' } } })).toBe(false);
    // mixed types never match
    expect(matchesFilter(order, { status: { $gt: 3 } })).toBe(false);
  });

  it('$in / $nin / $exists', () => {
    expect(matchesFilter(order, { 'buyerInfo.memberId': { $in: ['m-2', 'm-1'] } })).toBe(true);
    expect(matchesFilter(order, { 'buyerInfo.memberId': { $nin: ['m-2', 'm-1'] } })).toBe(false);
    expect(matchesFilter(order, { 'buyerInfo.memberId': { $exists: true } })).toBe(true);
    expect(matchesFilter(guest, { 'buyerInfo.memberId': { $exists: false } })).toBe(true);
    expect(matchesFilter(guest, { 'buyerInfo.memberId': { $exists: true } })).toBe(false);
  });

  it('array fields: equality on elements, $hasSome, $hasAll, $isEmpty', () => {
    expect(matchesFilter(order, { tags: 'gift' })).toBe(true);
    expect(matchesFilter(order, { tags: { $hasSome: ['nope', 'rush'] } })).toBe(true);
    expect(matchesFilter(order, { tags: { $hasAll: ['gift', 'rush'] } })).toBe(true);
    expect(matchesFilter(order, { tags: { $hasAll: ['gift', 'nope'] } })).toBe(false);
    expect(matchesFilter(guest, { lineItems: { $isEmpty: true } })).toBe(true);
    expect(matchesFilter(order, { lineItems: { $isEmpty: false } })).toBe(true);
  });

  it('paths that cross arrays match when any element matches', () => {
    expect(valuesAtPath(order, 'lineItems.productName.original')).toEqual(['Linen Tote Bag', 'Copper Tote Bag']);
    expect(matchesFilter(order, { 'lineItems.productName.original': 'Copper Tote Bag' })).toBe(true);
    expect(matchesFilter(order, { 'lineItems.quantity': { $gt: 1 } })).toBe(true);
    expect(matchesFilter(order, { 'lineItems.quantity': { $gt: 2 } })).toBe(false);
  });

  it('$startsWith is case-insensitive', () => {
    expect(matchesFilter(order, { 'buyerInfo.email': { $startsWith: 'ADA@' } })).toBe(true);
    expect(matchesFilter(order, { 'buyerInfo.email': { $startsWith: 'grace' } })).toBe(false);
  });

  it('$and / $or / $nor / $not', () => {
    expect(matchesFilter(order, { $and: [{ status: 'APPROVED' }, { 'buyerInfo.memberId': 'm-1' }] })).toBe(true);
    expect(matchesFilter(order, { $or: [{ status: 'CANCELED' }, { 'buyerInfo.memberId': 'm-1' }] })).toBe(true);
    expect(matchesFilter(order, { $or: [{ status: 'CANCELED' }, { 'buyerInfo.memberId': 'm-2' }] })).toBe(false);
    expect(matchesFilter(order, { $nor: [{ status: 'CANCELED' }] })).toBe(true);
    expect(matchesFilter(order, { $not: { 'buyerInfo.memberId': 'm-1' } })).toBe(false);
    // Wix Data's query builder sends not(q) as an array: not all of them
    expect(matchesFilter(order, { $not: [{ 'buyerInfo.memberId': 'm-1' }] })).toBe(false);
    expect(matchesFilter(order, { $not: [{ 'buyerInfo.memberId': 'm-1' }, { status: 'CANCELED' }] })).toBe(true);
    // a top-level $or next to a field condition is AND-ed with it
    expect(matchesFilter(order, { status: 'APPROVED', $or: [{ id: 'o-2' }, { id: 'o-1' }] })).toBe(true);
  });

  it('object values without operators compare deeply', () => {
    expect(matchesFilter(order, { buyerInfo: { memberId: 'm-1', email: 'ada@example.com' } })).toBe(true);
    expect(matchesFilter(order, { buyerInfo: { memberId: 'm-1' } })).toBe(false);
  });

  it('rejects malformed filters with FilterError', () => {
    expect(() => validateFilter({ id: { $regex: 'x' } })).toThrow(FilterError);
    expect(() => validateFilter({ $where: '1' })).toThrow(/unknown operator \$where/);
    expect(() => validateFilter({ id: { $in: 'o-1' } })).toThrow(/expects an array/);
    expect(() => validateFilter({ id: { $eq: 'o-1', other: 1 } })).toThrow(/mix/);
    expect(() => validateFilter({ $and: {} })).toThrow(FilterError);
    expect(() => validateFilter('visible')).toThrow(FilterError);
    expect(() => validateFilter({ id: { $exists: 'yes' } })).toThrow(FilterError);
    // an invalid branch is reported even when an earlier branch matched
    expect(() => matchesFilter(order, { $or: [{ id: 'o-1' }, { id: { $bogus: 1 } }] })).toThrow(FilterError);
  });
});

describe('sort', () => {
  const items = [
    { id: 'a', n: 2, d: '2025-01-02' },
    { id: 'b', n: 1 },
    { id: 'c', n: 2, d: '2025-01-01' },
  ];

  it('sorts by several fields, stable, missing last in ASC', () => {
    expect(sortItems(items, normalizeSort([{ fieldName: 'n' }, { fieldName: 'd', order: 'DESC' }])).map((i) => i.id)).toEqual(['b', 'a', 'c']);
    expect(sortItems(items, normalizeSort([{ fieldName: 'd' }])).map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect(sortItems(items, []).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('validates the spec', () => {
    expect(() => normalizeSort({ fieldName: 'n' })).toThrow(FilterError);
    expect(() => normalizeSort([{ fieldName: 'n', order: 'UP' }])).toThrow(FilterError);
    expect(() => normalizeSort([{}])).toThrow(FilterError);
  });
});
