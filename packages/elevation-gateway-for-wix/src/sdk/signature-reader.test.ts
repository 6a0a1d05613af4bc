// The argument schemas read from type declarations: every type form on a made-up module
// (testdata/exotic-sdk.d.ts), and the WQL spec of real SDK methods.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { signaturesOf, type MethodRef } from './signature-reader.ts';
import type { Signature } from './argument-schema.ts';
import { parseArguments } from '../gateway/arguments/parse-arguments.ts';

const EXOTIC = join(__dirname, 'testdata', 'exotic-sdk');
const exotic = (method: string): MethodRef => ({ call: `exotic.things.${method}`, package: EXOTIC, method });
function signature(ref: MethodRef): Signature {
  const result = signaturesOf([ref]).get(ref.call)!;
  if (!result.ok) throw new Error(result.message);
  return result.signature;
}

describe('type forms', () => {
  const list = signature(exotic('listThings'));
  const options = list.defs.Options as any;

  it('takes the parameters of the overload that returns data, with the required count', () => {
    expect(list.names).toEqual(['query', 'options']);
    expect(list.required).toBe(1);
    expect(list.params).toEqual([{ $ref: 'Query' }, { $ref: 'Options' }]);
  });

  it('Date is an ISO-8601 string; functions, tuples and type-only markers accept nothing or are left out', () => {
    expect(options.properties.when).toEqual({ type: 'string', format: 'date-time' });
    expect(options.properties).not.toHaveProperty('onDone');
    expect(options.properties).not.toHaveProperty('__marker');
    expect(options.properties.pair).toEqual({ type: 'never', reason: 'tuples are not supported' });
  });

  it('literals, records, any, doc-tag bounds', () => {
    expect(options.properties.count).toEqual({
      anyOf: [
        { type: 'number', const: 1 },
        { type: 'number', const: 2 },
      ],
    });
    expect(options.properties.flag).toEqual({ type: 'boolean', const: true });
    expect(options.properties.note).toEqual({ type: 'string', minLength: 2, maxLength: 10 });
    expect(options.properties.meta).toEqual({ type: 'object', properties: {}, additionalProperties: { type: 'number' } });
    expect(options.properties.anything).toEqual({ type: 'json' });
  });

  it('recursive types become shared definitions', () => {
    expect(options.properties.tree).toEqual({ $ref: 'TreeNode' });
    expect(list.defs.TreeNode).toEqual({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: 'TreeNode' } } },
    });
  });

  it('a query: @oneof paging forms, integer page sizes, an open filter, sort entries of exactly fieldName and order', () => {
    const query = list.defs.Query as any;
    expect(query.oneOf).toEqual([['cursorPaging', 'paging']]);
    expect(list.defs.CursorPaging).toEqual({
      type: 'object',
      properties: { limit: { type: 'number', integer: true, minimum: 0, maximum: 100, nullable: true }, cursor: { type: 'string', nullable: true } },
    });
    expect((list.defs.OffsetPaging as any).properties.offset).toEqual({ type: 'number', integer: true, minimum: 0, nullable: true });
    expect(query.properties.filter).toEqual({ type: 'filter', nullable: true });
    expect(query.properties.sort).toEqual({
      type: 'array',
      maxItems: 3,
      items: { type: 'object', properties: { fieldName: { type: 'string', field: true }, order: { type: 'string', enum: ['ASC', 'DESC'] } } },
    });
  });

  it('a method without a data overload, or with a rest parameter, has no signature', () => {
    const results = signaturesOf([exotic('builderOnly'), exotic('restIds')]);
    expect(results.get('exotic.things.builderOnly')).toEqual({ ok: false, message: 'exotic.things.builderOnly has no overload that returns data' });
    expect(results.get('exotic.things.restIds')).toEqual({
      ok: false,
      message: 'exotic.things.restIds takes a rest parameter, which the gateway cannot check',
    });
  });

  it('a filter typed as any record, or as `object`, is an open filter whose field names are checked', () => {
    const record = signature(exotic('recordFilter'));
    expect((record.defs.TypedRecordQuery as any).properties.filter).toEqual({ type: 'filter' });
  });

  it('a filter or sort written as a JSON string accepts nothing: the gateway could not check it', () => {
    const strings = signature(exotic('stringFilter'));
    const props = (strings.defs.StringFilterQuery as any).properties;
    expect(props.filter).toEqual({ type: 'never', reason: 'a filter or sort written as a JSON string cannot be checked' });
    expect(props.sort).toEqual({ type: 'never', reason: 'a filter or sort written as a JSON string cannot be checked' });
  });

  it('a recursive union (JsonValue) takes JSON values at any depth; a branded id is its primitive', () => {
    const b = signature(exotic('branded'));
    expect(b.params[0]).toEqual({ type: 'string' });
    expect(parseArguments(b, ['t-1', { a: [1, { b: null, c: ['x', true] }] }]).args).toEqual(['t-1', { a: [1, { b: null, c: ['x', true] }] }]);
    expect(parseArguments(b, ['t-1', 'plain']).args).toEqual(['t-1', 'plain']);
  });

  it("the result's arrays are recorded, so a list knows where its items come back", () => {
    expect(signature(exotic('listThings')).resultLists).toEqual(['things']);
    expect(signature(exotic('getThing')).resultLists).toEqual([]);
  });

  it('a package without declarations is reported, not guessed', () => {
    const result = signaturesOf([{ call: 'nope.things.x', package: '@wix/no-such-package', method: 'x' }]).get('nope.things.x')!;
    expect(result.ok).toBe(false);
  });
});

describe('the WQL spec of real SDK methods', () => {
  const search = signature({ call: 'ecom.orders.searchOrders', package: '@wix/auto_sdk_ecom_orders', method: 'searchOrders' });
  const filter = search.defs.Filter as any;

  it("the filter holds exactly the spec's fields, in the SDK's spelling, plus $and/$or/$not", () => {
    expect(filter.filter).toBe(true);
    expect(Object.keys(filter.properties)).toEqual(expect.arrayContaining(['buyerInfo.memberId', '_id', '_createdDate', 'status', '$and', '$or', '$not']));
    expect(Object.keys(filter.properties)).not.toContain('id');
    expect(Object.keys(filter.properties)).not.toContain('buyerInfo');
  });

  it("each field takes the operators its spec group names, with the entity's value types", () => {
    const ops = (field: string) => {
      const schema = filter.properties[field];
      const object = (schema.anyOf ?? [schema]).find((s: any) => s.type === 'object');
      return Object.keys(object.properties).sort();
    };
    expect(ops('buyerInfo.memberId')).toEqual(['$eq', '$in', '$ne', '$nin']);
    expect(ops('lineItems.catalogReference.catalogItemId')).toEqual(['$hasAll', '$hasSome']);
    expect(filter.properties._createdDate.anyOf.find((s: any) => s.type === 'object').properties.$gt).toEqual({ type: 'string', format: 'date-time' });
    expect(filter.properties.status.anyOf).toContainEqual({ type: 'string', enum: ['APPROVED', 'CANCELED', 'INITIALIZED', 'PENDING', 'REJECTED'] });
  });

  it('the sort names only sortable fields, and the search pages by cursor only', () => {
    const query = search.defs.OrderSearch as any;
    const fieldName = query.properties.sort.items.properties.fieldName;
    expect(fieldName.field).toBe(true);
    expect(fieldName.enum).toContain('buyerInfo.email');
    expect(fieldName.enum).not.toContain('buyerInfo.memberId'); // sort: NONE in the spec
    expect(Object.keys(query.properties).sort()).toEqual(['cursorPaging', 'filter', 'sort']);
  });

  it('$matchItems, whose items name fields of their own, is not accepted; operands the SDK types as nothing become scalars', () => {
    const products = signature({ call: 'stores.productsV3.searchProducts', package: '@wix/auto_sdk_stores_products-v-3', method: 'searchProducts' });
    expect(JSON.stringify(products.defs)).not.toContain('$matchItems');
    // The spec declares these, but the SDK's entity types resolve them to nothing.
    const statuses = filter.properties['fulfillmentStatusesAggregate.statuses'];
    expect(statuses.properties.$hasSome).toEqual({ type: 'array', items: { anyOf: [{ type: 'boolean' }, { type: 'number' }, { type: 'string' }] } });
    expect(filter.properties.demo.anyOf).toContainEqual({ type: 'boolean' });
  });

  it('a query spec that declares no sortable field admits no sort entry', () => {
    const pickup = signature({
      call: 'ecom.pickupLocations.queryPickupLocation',
      package: '@wix/auto_sdk_ecom_pickup-locations',
      method: 'queryPickupLocation',
    });
    const query = Object.values(pickup.defs).find((d: any) => d.properties?.sort) as any;
    expect(query.properties.sort.items).toEqual({ type: 'never', reason: 'the query spec declares no sortable field' });
  });

  it('a free-text search marks its fields, and itself, so field rules can see what it searches', () => {
    const abandoned = signature({
      call: 'ecom.abandonedCheckouts.searchAbandonedCheckouts',
      package: '@wix/auto_sdk_ecom_abandoned-checkouts',
      method: 'searchAbandonedCheckouts',
    });
    const search = (abandoned.defs.AbandonedCheckoutSearch as any).properties.search;
    expect(search.freeText).toBe(true);
    expect(search.properties.fields.items).toMatchObject({ field: true, enum: expect.arrayContaining(['buyerInfo.email']) });
  });

  it('is the same whatever else is read in the same program (cached per method, stable order)', () => {
    const again = signaturesOf([
      { call: 'stores.productsV3.queryProducts', package: '@wix/auto_sdk_stores_products-v-3', method: 'queryProducts' },
      { call: 'ecom.orders.searchOrders', package: '@wix/auto_sdk_ecom_orders', method: 'searchOrders' },
    ]).get('ecom.orders.searchOrders')!;
    expect(again).toMatchObject({ ok: true, signature: search });
    // What it resolves to is read too (build time only, for the policy's field paths), never part of the signature.
    expect(again.ok && again.result?.name).toBe('SearchOrdersResponse');
  });
});
