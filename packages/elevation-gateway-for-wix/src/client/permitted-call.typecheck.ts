// Type-level proof, checked by `tsc --noEmit -p .` (part of `npm test`): the client accepts exactly
// the calls the policy grants, with the SDK's own argument types, and returns the SDK's result types
// as they arrive over JSON. Never executed; every `@ts-expect-error` must stay an error.
import { createElevateClient, type ElevateClient } from './elevate-client.ts';
import type { CallResult, PermittedCall } from './permitted-call.ts';
// Generic over the app's generated types; proven here on the shop fixture's policy.
import type { PermittedCalls } from '../../test/fixtures/shop/src/generated/policy.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T): void => {};

export async function typeChecks(client: ElevateClient<PermittedCalls>): Promise<void> {
  // Granted calls type-check, with the SDK's argument and result types.
  const order = await client.call('ecom.orders.getOrder', 'o-1');
  const memberId: string | undefined = order.buyerInfo?.memberId;
  const number: string | undefined = order.number;
  const { orders } = await client.api.ecom.orders.searchOrders({ filter: { status: 'APPROVED' }, cursorPaging: { limit: 10 } });
  const first: string | null | undefined = orders?.[0]?._id;
  const { products } = await client.api.stores.productsV3.queryProducts({ cursorPaging: { limit: 5 } });
  const name = products?.[0]?.name;
  await client.call('ecom.orders.cancelOrder', 'o-1', { sendOrderCanceledEmail: false, customMessage: 'sorry' });
  await client.api.stores.productsV3.getProduct('p-001');
  void [memberId, number, first, name];

  // Dates cross JSON as ISO strings, and the types say so.
  assertType<Equal<CallResult<PermittedCalls, 'ecom.orders.getOrder'>['_createdDate'], string | null | undefined>>();
  const created: string | null | undefined = order._createdDate;
  // @ts-expect-error: a result date is a string, not a Date
  order._createdDate?.getTime();
  void created;

  // The permitted calls are exactly the policy's allow rules.
  assertType<
    Equal<
      PermittedCall<PermittedCalls>,
      'ecom.orders.cancelOrder' | 'ecom.orders.getOrder' | 'ecom.orders.searchOrders' | 'stores.productsV3.getProduct' | 'stores.productsV3.queryProducts'
    >
  >();

  // A call no rule grants does not compile, in either form.
  // @ts-expect-error: no rule grants ecom.orders.updateOrder
  await client.call('ecom.orders.updateOrder', 'o-1', {});
  // @ts-expect-error: no rule grants stores.productsV3.deleteProduct
  await client.api.stores.productsV3.deleteProduct('p-001');
  // @ts-expect-error: no rule grants anything in ecom.checkout
  await client.api.ecom.checkout.createCheckout({});

  // Wrong argument types do not compile either.
  // @ts-expect-error: getOrder takes an order id string
  await client.call('ecom.orders.getOrder', 42);
  // @ts-expect-error: getOrder needs its id
  await client.api.ecom.orders.getOrder();
  // @ts-expect-error: cursorPaging.limit is a number
  await client.call('ecom.orders.searchOrders', { cursorPaging: { limit: '10' } });
  // @ts-expect-error: the builder overload (no query) is not a data call and is not offered
  await client.api.stores.productsV3.queryProducts();

  // The argument types are what the gateway accepts (printed from the schemas it checks), so what
  // it would refuse with 400 for its shape does not compile either.
  await client.api.stores.productsV3.queryProducts(
    { filter: { slug: { $startsWith: 'tote' }, _createdDate: { $gt: new Date() } }, sort: [{ fieldName: 'slug', order: 'ASC' }] },
    { fields: ['URL'] },
  );
  // @ts-expect-error: options cannot carry a query of their own (the SDK would merge it over the checked one)
  await client.api.stores.productsV3.queryProducts({}, { query: { filter: {} } });
  // @ts-expect-error: queryProducts pages by cursor only
  await client.api.stores.productsV3.queryProducts({ paging: { limit: 5 } });
  // @ts-expect-error: a sort entry is exactly { fieldName, order }
  await client.api.stores.productsV3.queryProducts({ sort: [{ fieldName: 'slug', selectItemsBy: [] }] });
  // @ts-expect-error: name is not a sortable field of the products query spec
  await client.api.stores.productsV3.queryProducts({ sort: [{ fieldName: 'name' }] });
  // @ts-expect-error: costRange is not a filterable field of the spec
  await client.api.stores.productsV3.queryProducts({ filter: { 'costRange.minValue.amount': { $gt: '1' } } });
  // @ts-expect-error: the spec gives buyerInfo.memberId $eq, $in, $ne and $nin only
  await client.api.ecom.orders.searchOrders({ filter: { 'buyerInfo.memberId': { $exists: true } } });
  // @ts-expect-error: the REST spelling `id` is not the SDK's `_id`
  await client.api.ecom.orders.searchOrders({ filter: { id: 'o-1' } });
  // @ts-expect-error: getOrder takes one argument
  await client.call('ecom.orders.getOrder', 'o-1', { id: 'o-4' });
  // @ts-expect-error: searchOrders needs its search
  await client.api.ecom.orders.searchOrders();
  // @ts-expect-error: an enum value the SDK does not declare
  await client.api.stores.productsV3.getProduct('p-001', { fields: ['ALL'] });

  // Without the app's PermittedCalls, the client permits nothing.
  const untyped = createElevateClient({ baseUrl: 'https://example.invalid' });
  // @ts-expect-error: no PermittedCalls, no permitted call
  await untyped.call('ecom.orders.getOrder', 'o-1');
}
