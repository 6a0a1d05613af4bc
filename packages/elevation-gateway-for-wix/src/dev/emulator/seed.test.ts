import { describe, expect, it } from 'vitest';
import { HIDDEN_PRODUCT_IDS, SEED_ORDER_TABLE, seedOrders, seedProducts } from './seed.ts';

describe('seed data', () => {
  it('is deterministic and returns fresh copies', () => {
    const a = seedOrders();
    const b = seedOrders();
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    a[0]!.status = 'CANCELED';
    expect(seedOrders()[0]!.status).toBe('APPROVED');
    expect(seedProducts()).toEqual(seedProducts());
  });

  it('matches the documented order table', () => {
    const orders = seedOrders();
    expect(orders.map((o) => o.id)).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6', 'o-7', 'o-8', 'o-9']);
    for (const row of SEED_ORDER_TABLE) {
      const o = orders.find((x) => x.id === row.id)!;
      expect(o.buyerInfo.memberId).toBe(row.memberId);
      expect(o.fulfillmentStatus).toBe(row.fulfillmentStatus);
      expect(o.paymentStatus).toBe(row.paymentStatus);
      expect(o.status).toBe('APPROVED');
    }
    const byId = Object.fromEntries(orders.map((o) => [o.id, o]));
    expect(byId['o-1']).toMatchObject({ buyerInfo: { memberId: 'm-1' }, fulfillmentStatus: 'NOT_FULFILLED' });
    expect(byId['o-2']).toMatchObject({ buyerInfo: { memberId: 'm-1' }, fulfillmentStatus: 'FULFILLED' });
    expect(byId['o-4']).toMatchObject({ buyerInfo: { memberId: 'm-2' }, fulfillmentStatus: 'NOT_FULFILLED' });
    expect(byId['o-9']!.buyerInfo.memberId).toBeUndefined();
    expect(byId['o-9']!.buyerInfo.visitorId).toBe('v-1');
    for (const m of ['m-1', 'm-2', 'm-3']) {
      const mine = orders.filter((o) => o.buyerInfo.memberId === m);
      expect(mine.some((o) => o.fulfillmentStatus === 'FULFILLED')).toBe(true);
      expect(mine.some((o) => o.fulfillmentStatus === 'NOT_FULFILLED')).toBe(true);
    }
  });

  it('orders have the ecom v1 REST shape and consistent totals', () => {
    for (const o of seedOrders()) {
      expect(o.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(o.billingInfo.contactDetails.firstName).toBeTruthy();
      expect(o.lineItems.length).toBeGreaterThan(0);
      const subtotal = o.lineItems.reduce((s, li) => s + Number(li.price.amount) * li.quantity, 0);
      expect(Number(o.priceSummary.total.amount)).toBeCloseTo(subtotal + 5, 2);
      expect(o.priceSummary.total.formattedAmount).toBe(`$${o.priceSummary.total.amount}`);
    }
  });

  it('has 100 products, p-001 visible, p-002 hidden, about 1 in 8 hidden', () => {
    const products = seedProducts();
    expect(products).toHaveLength(100);
    expect(products[0]).toMatchObject({ id: 'p-001', visible: true, name: 'Linen Tote Bag' });
    expect(products[1]).toMatchObject({ id: 'p-002', visible: false });
    const hidden = products.filter((p) => !p.visible).map((p) => p.id);
    expect(hidden).toEqual(HIDDEN_PRODUCT_IDS);
    expect(hidden).toHaveLength(13);
    expect(new Set(products.map((p) => p.slug)).size).toBe(100);
  });

  it('products carry consistent merchant data', () => {
    for (const p of seedProducts()) {
      const variants = p.variantsInfo.variants;
      expect(variants).toHaveLength(p.variantSummary.variantCount);
      const prices = variants.map((v) => Number(v.price.actualPrice.amount));
      const costs = variants.map((v) => Number(v.revenueDetails!.cost.amount));
      expect(Number(p.actualPriceRange.minValue.amount)).toBe(Math.min(...prices));
      expect(Number(p.actualPriceRange.maxValue.amount)).toBe(Math.max(...prices));
      expect(Number(p.costRange!.minValue.amount)).toBe(Math.min(...costs));
      for (const v of variants) {
        const { cost, profit } = v.revenueDetails!;
        expect(Number(cost.amount) + Number(profit.amount)).toBeCloseTo(Number(v.price.actualPrice.amount), 2);
      }
    }
  });
});
