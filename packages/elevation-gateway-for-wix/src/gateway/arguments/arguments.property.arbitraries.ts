// Argument lists for every call of the fixture policy test/fixtures/every-kind-of-call.yaml: valid ones
// written from the SDK's own types and query specs (by hand, from the .d.ts files), then, in most
// cases, one mutation that the SDK's types do not allow: an extra position, an unknown key at some
// depth, a value of the wrong type, a paging form or page size the method does not take, an option
// that would override the query, a field spelled another way, a field the rule does not let the
// caller write. A case knows whether it must be refused and how.
import fc from 'fast-check';

export type Call =
  | 'ecom.orders.getOrder'
  | 'ecom.orders.searchOrders'
  | 'ecom.orders.cancelOrder'
  | 'stores.productsV3.getProduct'
  | 'stores.productsV3.queryProducts'
  | 'stores.productsV3.updateProduct';

export type Who = 'visitor' | 'm-1' | 'user';
export const CALLER_OF: Record<Call, Who> = {
  'ecom.orders.getOrder': 'm-1',
  'ecom.orders.searchOrders': 'm-1',
  'ecom.orders.cancelOrder': 'm-1',
  'stores.productsV3.getProduct': 'visitor',
  'stores.productsV3.queryProducts': 'visitor',
  'stores.productsV3.updateProduct': 'user',
};

export interface Case {
  call: Call;
  args: unknown[];
  /** What was done to valid arguments (undefined: none, they are valid). */
  mutation?: string;
  /** Valid, but names a field the rule hides: refused by the field rules (403). */
  hidden?: boolean;
}

const ORDER_IDS = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-9', 'o-404'];
const PRODUCT_IDS = ['p-001', 'p-002', 'p-003', 'p-010', 'p-999'];
const ORDER_STATUS = ['APPROVED', 'CANCELED', 'INITIALIZED', 'PENDING', 'REJECTED'];
const FULFILLMENT = ['FULFILLED', 'NOT_FULFILLED', 'PARTIALLY_FULFILLED'];
const PRODUCT_FIELDS = ['URL', 'CURRENCY', 'MERCHANT_DATA', 'PLAIN_DESCRIPTION', 'MEDIA_ITEMS_INFO'];

const word = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
const iso = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((t) => new Date(t).toISOString());

/** Conditions of a string field whose spec group allows every string operator. */
const stringOps = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    value,
    fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$startsWith').chain((op) => value.map((v) => ({ [op]: v }))),
    fc.constantFrom('$in', '$nin').chain((op) => fc.array(value, { minLength: 1, maxLength: 3 }).map((v) => ({ [op]: v }))),
    fc.constantFrom('$exists', '$isEmpty').chain((op) => fc.boolean().map((v) => ({ [op]: v }))),
  );
/** Conditions of a field whose spec group allows $eq, $in, $ne, $nin only. */
const equalityOps = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    value,
    fc.constantFrom('$eq', '$ne').chain((op) => value.map((v) => ({ [op]: v }))),
    fc.constantFrom('$in', '$nin').chain((op) => fc.array(value, { minLength: 1, maxLength: 3 }).map((v) => ({ [op]: v }))),
  );
const dateOps = fc.oneof(
  iso,
  fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte').chain((op) => iso.map((v) => ({ [op]: v }))),
  fc.boolean().map((v) => ({ $exists: v })),
);
const booleanOps = fc.oneof(
  fc.boolean(),
  fc.constantFrom('$eq', '$ne', '$exists').chain((op) => fc.boolean().map((v) => ({ [op]: v }))),
  fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }).map((v) => ({ $in: v })),
);

type Fields = Record<string, fc.Arbitrary<unknown>>;
// V3ProductQuerySpec: _id, handle ('*'), options._id ($hasAll, $hasSome), _createdDate, _updatedDate, slug, visible ('*').
const PRODUCT_FILTER: Fields = {
  _id: stringOps(fc.constantFrom(...PRODUCT_IDS)),
  handle: stringOps(word),
  slug: stringOps(word),
  visible: booleanOps,
  _createdDate: dateOps,
  _updatedDate: dateOps,
  'options._id': fc.constantFrom('$hasAll', '$hasSome').chain((op) => fc.array(word, { minLength: 1, maxLength: 2 }).map((v) => ({ [op]: v }))),
};
// OrderSearchSpec (a part): status, fulfillmentStatus ($eq $in $ne $nin), buyerInfo.memberId, number, _createdDate.
const ORDER_FILTER: Fields = {
  status: equalityOps(fc.constantFrom(...ORDER_STATUS)),
  fulfillmentStatus: equalityOps(fc.constantFrom(...FULFILLMENT)),
  'buyerInfo.memberId': equalityOps(fc.constantFrom('m-1', 'm-2', 'm-3')),
  number: stringOps(fc.constantFrom('10001', '10002', '2')),
  _createdDate: dateOps,
};

function filterOf(fields: Fields): fc.Arbitrary<Record<string, unknown>> {
  const clause = fc
    .dictionary(fc.constantFrom(...Object.keys(fields)), fc.constant(null), { minKeys: 1, maxKeys: 3 })
    .chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, fields[k]!]))) as fc.Arbitrary<Record<string, unknown>>);
  return fc.oneof(
    { weight: 4, arbitrary: clause },
    { weight: 1, arbitrary: fc.tuple(clause, fc.array(clause, { minLength: 1, maxLength: 2 })).map(([c, or]) => ({ ...c, $or: or })) },
    { weight: 1, arbitrary: fc.array(clause, { minLength: 1, maxLength: 2 }).map((and) => ({ $and: and })) },
    { weight: 1, arbitrary: clause.map((c) => ({ $not: c })) },
  );
}

const sortOf = (fields: string[]) =>
  fc.array(fc.record({ fieldName: fc.constantFrom(...fields), order: fc.constantFrom('ASC', 'DESC') }, { requiredKeys: ['fieldName'] }), { maxLength: 2 });
const paging = fc.record({ limit: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(null)) }, { requiredKeys: [] });

const productQuery = fc.record(
  { filter: fc.oneof(filterOf(PRODUCT_FILTER), fc.constant(null)), sort: sortOf(['_createdDate', '_updatedDate', 'slug', 'visible']), cursorPaging: paging },
  { requiredKeys: [] },
);
const orderSearch = fc.record({ filter: filterOf(ORDER_FILTER), sort: sortOf(['number', '_createdDate']), cursorPaging: paging }, { requiredKeys: [] });
const productOptions = fc.record({ fields: fc.subarray(PRODUCT_FIELDS, { minLength: 1 }) }, { requiredKeys: [] });

/** Valid arguments, trailing optional ones sometimes left out. */
function validArgs(call: Call): fc.Arbitrary<unknown[]> {
  switch (call) {
    case 'ecom.orders.getOrder':
      return fc.tuple(fc.constantFrom(...ORDER_IDS));
    case 'stores.productsV3.getProduct':
      return fc.oneof(fc.tuple(fc.constantFrom(...PRODUCT_IDS)), fc.tuple(fc.constantFrom(...PRODUCT_IDS), productOptions));
    case 'stores.productsV3.queryProducts':
      return fc.oneof(fc.tuple(productQuery), fc.tuple(productQuery, productOptions));
    case 'ecom.orders.searchOrders':
      return fc.tuple(orderSearch);
    case 'ecom.orders.cancelOrder':
      return fc.oneof(
        fc.tuple(fc.constantFrom(...ORDER_IDS)),
        fc.tuple(fc.constantFrom(...ORDER_IDS), fc.record({ customMessage: fc.stringMatching(/^[A-Za-z ]{1,20}$/) }, { requiredKeys: [] })),
      );
    case 'stores.productsV3.updateProduct':
      return fc
        .tuple(
          fc.constantFrom(...PRODUCT_IDS),
          fc.record({ name: fc.stringMatching(/^[A-Za-z ]{1,20}$/), revision: fc.constantFrom('1', '2') }, { requiredKeys: [] }),
        )
        .chain((args) => fc.oneof(fc.constant<unknown[]>(args), fc.constant<unknown[]>([...args, {}])));
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations: each makes the arguments something the SDK's types do not allow (or the rule does not).

type Mutation = (args: unknown[]) => fc.Arbitrary<unknown[]>;
const clone = <T>(v: T): T => structuredClone(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Paths (as key lists) of every plain object and every leaf in the arguments. */
function nodes(
  value: unknown,
  path: (string | number)[] = [],
  out: { objects: (string | number)[][]; leaves: (string | number)[][] } = { objects: [], leaves: [] },
) {
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path, i], out));
  else if (isObject(value)) {
    out.objects.push(path);
    for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  } else if (value !== null) out.leaves.push(path);
  return out;
}
const at = (root: unknown, path: (string | number)[]) => path.reduce<any>((v, k) => v[k], root);
const set = (root: unknown, path: (string | number)[], value: unknown) => {
  at(root, path.slice(0, -1))[path[path.length - 1]!] = value;
};

const extraPosition =
  (arity: number): Mutation =>
  (args) =>
    fc.jsonValue({ maxDepth: 2 }).map((extra) => {
      const a = clone(args);
      while (a.length < arity) a.push({});
      return [...a, extra];
    });

/** A key no SDK type of these methods has, anywhere, or a near miss of a real one. */
const unknownKey: Mutation = (args) => {
  const { objects } = nodes(args);
  if (objects.length === 0) return extraPosition(9)(args);
  return fc.tuple(fc.constantFrom(...objects), fc.constantFrom('zzUnknown', 'Cursor_paging', '__x', 'query_', 'Filter2')).map(([path, key]) => {
    const a = clone(args);
    const target = path.length ? at(a, path) : a;
    target[key] = 1;
    return a;
  });
};

/** A leaf replaced by a value of another JSON kind (the SDK's types name exactly one kind per leaf here). */
const wrongType: Mutation = (args) => {
  const { leaves } = nodes(args);
  if (leaves.length === 0) return extraPosition(9)(args);
  return fc.constantFrom(...leaves).map((path) => {
    const a = clone(args);
    const old = at(a, path);
    set(a, path, typeof old === 'string' ? 7 : typeof old === 'number' ? String(old) : typeof old === 'boolean' ? (old ? 1 : 0) : 'x');
    return a;
  });
};

const withQuery =
  (index: number, change: (q: Record<string, unknown>) => void): Mutation =>
  (args) =>
    fc.constant(null).map(() => {
      const a = clone(args);
      while (a.length <= index) a.push({});
      if (!isObject(a[index])) a[index] = {};
      change(a[index] as Record<string, unknown>);
      return a;
    });

const LIST_MUTATIONS = (fields: string): Record<string, Mutation> => ({
  'offset paging (the method pages by cursor)': withQuery(0, (q) => {
    q.paging = { limit: 1 };
  }),
  "a page size above the SDK's maximum": withQuery(0, (q) => {
    q.cursorPaging = { limit: 101 };
  }),
  'a fractional page size': withQuery(0, (q) => {
    q.cursorPaging = { limit: 2.5 };
  }),
  'a negative page size': withQuery(0, (q) => {
    q.cursorPaging = { limit: -1 };
  }),
  'a client-written cursor on a restricted list': withQuery(0, (q) => {
    q.cursorPaging = { cursor: 'gw1.forged.cursor' };
  }),
  'a sort entry with more than fieldName and order': withQuery(0, (q) => {
    q.sort = [{ fieldName: '_createdDate', order: 'ASC', selectItemsBy: [{ [fields]: 1 }] }];
  }),
  'a sort on a field the spec does not declare sortable': withQuery(0, (q) => {
    q.sort = [{ fieldName: fields }];
  }),
  'the REST spelling of _id in a filter': withQuery(0, (q) => {
    q.filter = { id: 'x' };
  }),
  'a proto-style field name': withQuery(0, (q) => {
    q.filter = { created_date: { $gt: '2025-01-01T00:00:00Z' } };
  }),
  'a field the spec does not declare': withQuery(0, (q) => {
    q.filter = { [fields]: { $exists: true } };
  }),
  'an operator the field does not take': withQuery(0, (q) => {
    q.filter = { _createdDate: { $startsWith: '2025' } };
  }),
  'a nested object for a dotted field': withQuery(0, (q) => {
    q.filter = { buyerInfo: { memberId: 'm-2' } };
  }),
  'no query at all': () => fc.constant([]),
});

const MUTATIONS: Record<Call, Record<string, Mutation>> = {
  'ecom.orders.getOrder': {
    'no id': () => fc.constant([]),
    'an id that is not a plain id': (args) => fc.constantFrom('o-1/../o-4', 'o-1?x=1', '', 'o 1').map((id) => [id, ...args.slice(1)]),
  },
  'stores.productsV3.getProduct': {
    'options that would carry a query': (args) => fc.constant([args[0], { query: { filter: {} } }]),
    'a field set the SDK does not declare': (args) => fc.constant([args[0], { fields: ['ALL'] }]),
  },
  'stores.productsV3.queryProducts': {
    ...LIST_MUTATIONS('costRange.minValue.amount'),
    'options that would replace the query': (args) => fc.constant([args[0], { query: { filter: { visible: false } } }]),
    'options carrying paging': (args) => fc.constant([args[0], { cursorPaging: { limit: 100 } }]),
  },
  'ecom.orders.searchOrders': LIST_MUTATIONS('buyerInfo.visitorId'),
  'ecom.orders.cancelOrder': {
    'a field the rule does not let the caller write': (args) =>
      fc.constantFrom({ sendOrderCanceledEmail: true }, { restockAllItems: true }).map((o) => [args[0], { ...(isObject(args[1]) ? args[1] : {}), ...o }]),
    'an empty message (the SDK says at least 1 character)': (args) => fc.constant([args[0], { customMessage: '' }]),
  },
  'stores.productsV3.updateProduct': {
    'a product field the rule does not let the caller write': (args) => fc.constant([args[0], { ...(args[1] as object), visible: false }]),
    'options asking for merchant data (a position the rule never names)': (args) => fc.constant([args[0], args[1], { fields: ['MERCHANT_DATA'] }]),
    'no product': (args) => fc.constant([args[0]]),
  },
};

const ARITY: Record<Call, number> = {
  'ecom.orders.getOrder': 1,
  'stores.productsV3.getProduct': 2,
  'stores.productsV3.queryProducts': 2,
  'ecom.orders.searchOrders': 1,
  'ecom.orders.cancelOrder': 2,
  'stores.productsV3.updateProduct': 3,
};

export const CALLS = Object.keys(ARITY) as Call[];

function caseFor(call: Call): fc.Arbitrary<Case> {
  const named = Object.entries(MUTATIONS[call]);
  const mutations: [string, Mutation][] = [
    ['an extra position', extraPosition(ARITY[call])],
    ['an unknown key at some depth', unknownKey],
    ['a value of the wrong type', wrongType],
    ...named,
  ];
  return validArgs(call).chain((args) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant<Case>({ call, args }) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(...mutations).chain(([name, mutate]) => mutate(args).map((mutated): Case => ({ call, args: mutated, mutation: name }))),
      },
    ),
  );
}

/** A search that filters or sorts on buyerInfo.email: the spec declares it, the fixture's rule hides it. */
const hiddenCase: fc.Arbitrary<Case> = orderSearch
  .chain((search) =>
    fc.oneof(
      fc.constant({ ...search, filter: { ...(search.filter ?? {}), 'buyerInfo.email': { $eq: 'a@example.com' } } }),
      fc.constant({ ...search, sort: [{ fieldName: 'buyerInfo.email', order: 'ASC' }] }),
    ),
  )
  .map((search): Case => ({ call: 'ecom.orders.searchOrders', args: [search], hidden: true }));

export const argumentCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...CALLS).chain(caseFor) },
  { weight: 1, arbitrary: hiddenCase },
);
