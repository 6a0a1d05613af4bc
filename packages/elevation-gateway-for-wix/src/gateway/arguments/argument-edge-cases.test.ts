// Edge cases of argument schemas on SDK methods beyond the fixture's, found by a red-team review:
// free-text search over hidden fields, specs without sortable fields, nested filters
// ($matchItems), filters written as strings, caps above the SDK's maximum, fields the SDK types as
// nothing, lists whose query is not the first argument, counts of restricted lists.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../../dev/testing/test-bed.ts';
import { policyFromYaml } from '../../dev/testing/policy-fixture.ts';
import { devTokens } from '../../dev/emulator/index.ts';

const user = devTokens.user;
const visitor = devTokens.visitor;
const policy = (rules: string) =>
  policyFromYaml(`version: 1
roles: { wix-user: { subjects: [USER] }, visitor: { subjects: [VISITOR] } }
rules:
${rules}`);
const compileErrors = async (rules: string) => {
  try {
    await policy(rules);
    return '';
  } catch (e) {
    return String(e);
  }
};

describe('a free-text search is a question about the fields it searches', () => {
  const rules = `  - id: abandoned
    description: test
    roles: [wix-user]
    allow: ecom.abandonedCheckouts.searchAbandonedCheckouts
    fields: { deny: [buyerInfo.email] }
    cap: 10
`;
  it.each([
    ['over every searchable field (no fields named)', { expression: 'alice@example.com' }],
    ['over the hidden field', { expression: 'alice@example.com', fields: ['buyerInfo.email'] }],
    ['over a readable and the hidden field', { expression: 'alice', fields: ['contactDetails.firstName', 'buyerInfo.email'] }],
  ])('%s is 403 and nothing reaches Wix', async (_name, search) => {
    const bed = createTestBed({ policy: await policy(rules) });
    const reply = await bed.call(user, 'ecom.abandonedCheckouts', 'searchAbandonedCheckouts', [{ search }]);
    expect(reply.status).toBe(403);
    expect(bed.upstream()).toEqual([]);
  });

  it('over readable fields only, it is sent', async () => {
    const bed = createTestBed({ policy: await policy(rules) });
    await bed.call(user, 'ecom.abandonedCheckouts', 'searchAbandonedCheckouts', [{ search: { expression: 'alice', fields: ['contactDetails.firstName'] } }]);
    expect(bed.upstream()).toHaveLength(1);
  });
});

describe("shapes the SDK's types make unusable or unsafe", () => {
  it('a spec that declares no sortable field admits no sort entry, in any spelling', async () => {
    const bed = createTestBed({
      policy: await policy('  - { id: pickup, description: test, roles: [wix-user], allow: ecom.pickupLocations.queryPickupLocation, cap: 5 }\n'),
    });
    for (const fieldName of ['Rate_', 'area_name', 'name']) {
      const reply = await bed.call(user, 'ecom.pickupLocations', 'queryPickupLocation', [{ sort: [{ fieldName }] }]);
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toContain('the query spec declares no sortable field');
    }
    expect(bed.upstream()).toEqual([]);
  });

  it('a nested filter ($matchItems) is refused; the method still compiles', async () => {
    const bed = createTestBed({
      policy: await policy('  - { id: search, description: test, roles: [wix-user], allow: stores.productsV3.searchProducts, cap: 5 }\n'),
    });
    const reply = await bed.call(user, 'stores.productsV3', 'searchProducts', [
      { filter: { 'variantsInfo.variants': { $matchItems: [{ 'revenueDetails.profit.amount': { $gt: 1 } }] } } },
    ]);
    expect(reply.status).toBe(400);
    expect(bed.upstream()).toEqual([]);
  });

  it('a filter written as a JSON string is refused; a method whose query is not recognised is no list', async () => {
    const bed = createTestBed({
      policy: await policy('  - { id: inventory, description: test, roles: [wix-user], allow: stores.inventory.queryInventory }\n'),
    });
    const reply = await bed.call(user, 'stores.inventory', 'queryInventory', [{ query: { filter: '{"variants.quantity":{"$gt":2}}' } }]);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe('args.0.query.filter is not accepted (a filter or sort written as a JSON string cannot be checked)');
    expect(bed.upstream()).toEqual([]);
    expect(
      await compileErrors('  - { id: inventory, description: test, roles: [visitor], allow: stores.inventory.queryInventory, resource: { x: 1 }, cap: 5 }\n'),
    ).toMatch(/cap applies to list calls[\s\S]*a resource condition cannot be enforced on it/);
  });

  it('a list whose query is its second argument is found there, with its items where the SDK says', async () => {
    const { policy: compiled } = await policy(
      '  - { id: variants, description: test, roles: [wix-user], allow: stores.products.queryProductVariants, cap: 5 }\n',
    );
    expect(compiled.methods['stores.products.queryProductVariants']!.list).toEqual({ queryArg: 1, itemsKey: 'variants' });
    const { policy: inventory } = await policy(
      '  - { id: store-variants, description: test, roles: [wix-user], allow: stores.products.queryStoreVariants, cap: 5 }\n',
    );
    expect(inventory.methods['stores.products.queryStoreVariants']!.list).toEqual({ queryArg: 0, itemsKey: 'variants' });
  });

  it('a cap above the largest page the SDK takes is a compile error, not a Wix 400 on every call', async () => {
    expect(await compileErrors('  - { id: big, description: test, roles: [visitor], allow: stores.productsV3.queryProducts, cap: 500 }\n')).toContain(
      "cap 500 is above the largest page stores.productsV3.queryProducts takes (100, the SDK's own maximum)",
    );
  });

  it('fields the spec declares but the SDK types as nothing take scalar operands', async () => {
    const bed = createTestBed();
    for (const filter of [
      { 'fulfillmentStatusesAggregate.statuses': { $hasSome: ['FULFILLED'] } },
      { demo: false },
      { 'taxInfo.totalExempt.amount': { $gt: '1' } },
    ]) {
      bed.emulator.requests.length = 0;
      const reply = await bed.call(user, 'ecom.orders', 'searchOrders', [{ filter }]);
      expect(reply.status, JSON.stringify(filter)).not.toBe(400);
      expect(bed.upstream()).toHaveLength(1);
    }
  });
});

describe('what a refusal message carries', () => {
  it('a long record key is cut in the message and the decision log', async () => {
    const bed = createTestBed({
      policy: await policy('  - { id: rename, description: test, roles: [wix-user], allow: stores.productsV3.updateProduct, writable: [args.1.name] }\n'),
    });
    const secret = `card-4111111111111111-cvv-123-${'x'.repeat(300)}`;
    const reply = await bed.call(user, 'stores.productsV3', 'updateProduct', ['p-001', { extendedFields: { namespaces: { [secret]: 1 } } }]);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).not.toContain(secret.slice(0, 100));
    expect(JSON.stringify(bed.log.entries)).not.toContain(secret.slice(0, 100));
  });
});

describe('the counts of a restricted list', () => {
  it('the page count is what the caller receives; a total is dropped when Wix was not given every condition', async () => {
    const rules =
      '  - { id: physical, description: test, roles: [visitor], allow: stores.productsV3.queryProducts, resource: { productType: PHYSICAL }, cap: 5 }\n';
    const bed = createTestBed({
      policy: await policy(rules),
      emulator: {
        fault: (route) =>
          route === 'queryProducts'
            ? Response.json({
                products: [
                  { id: 'p-1', productType: 'PHYSICAL', visible: true },
                  { id: 'p-2', productType: 'DIGITAL', visible: true },
                ],
                pagingMetadata: { count: 2, total: 99, cursors: {}, hasNext: false },
              })
            : undefined,
      },
    });
    const reply = await bed.call(visitor, 'stores.productsV3', 'queryProducts', [{}]);
    expect(reply.status).toBe(200);
    expect(reply.body.result.products.map((p: any) => p._id)).toEqual(['p-1']);
    expect(reply.body.result.pagingMetadata).toEqual({ count: 1, cursors: {}, hasNext: false });
    // productType is not in the products query spec: the forced filter could not carry it.
    expect((bed.upstream()[0]!.payload as any).query.filter).toBeUndefined();
  });
});
