// Field rules applied to results: allow lists and deny lists, paths through arrays, the union of
// several rules, the paths removed, and which paths a caller may filter on.
import { describe, expect, it } from 'vitest';
import { fieldMask } from './field-mask.ts';

const product = {
  _id: 'p-1',
  name: 'Tote',
  costRange: { minValue: { amount: '1' } },
  variantsInfo: {
    variants: [
      { _id: 'v-1', price: 5, revenueDetails: { cost: 1 } },
      { _id: 'v-2', price: 6, revenueDetails: { cost: 2 } },
    ],
  },
};

describe('fieldMask', () => {
  it('a deny list removes the paths it names, through arrays', () => {
    const mask = fieldMask([{ deny: ['costRange', 'variantsInfo.variants.revenueDetails'] }]);
    expect(mask.apply(product)).toEqual({
      value: {
        _id: 'p-1',
        name: 'Tote',
        variantsInfo: {
          variants: [
            { _id: 'v-1', price: 5 },
            { _id: 'v-2', price: 6 },
          ],
        },
      },
      removed: ['costRange', 'variantsInfo.variants.revenueDetails'],
    });
  });

  it('an allow list keeps only the paths it names and what is below them', () => {
    const mask = fieldMask([{ allow: ['_id', 'variantsInfo.variants.price'] }]);
    expect(mask.apply(product)).toEqual({
      value: { _id: 'p-1', variantsInfo: { variants: [{ price: 5 }, { price: 6 }] } },
      removed: ['costRange', 'name', 'variantsInfo.variants._id', 'variantsInfo.variants.revenueDetails'],
    });
  });

  it('several rules: a field is returned when any of them returns it; removed are the paths all remove', () => {
    const mask = fieldMask([{ allow: ['_id'] }, { deny: ['costRange'] }]);
    const { value, removed } = mask.apply(product);
    expect(value).toEqual({ _id: 'p-1', name: 'Tote', variantsInfo: product.variantsInfo });
    expect(removed).toEqual(['costRange']);
  });

  it('a non-object result becomes an empty object under an allow list (nothing it names is there)', () => {
    expect(fieldMask([{ allow: ['_id'] }]).apply(null)).toEqual({ value: {}, removed: [] });
  });

  it('permits filtering on what it returns, compared loosely (id and _id, case, blanks, array indexes), never on a parent of a removed field', () => {
    const deny = fieldMask([{ deny: ['variantsInfo.variants.revenueDetails'] }]);
    expect(deny.permits('name')).toBe(true);
    expect(deny.permits('variantsInfo.variants.price')).toBe(true);
    expect(deny.permits('variantsInfo.variants.revenueDetails.cost')).toBe(false);
    expect(deny.permits('variantsInfo.variants.0.RevenueDetails')).toBe(false);
    expect(deny.permits('variantsInfo')).toBe(false);
    const allow = fieldMask([{ allow: ['_id', 'name'] }]);
    expect(allow.permits('id')).toBe(true);
    expect(allow.permits(' Name ')).toBe(true);
    expect(allow.permits('costRange.minValue')).toBe(false);
  });
});
