// Random policies and random (often hostile) requests for the property tests: policies over the
// five calls of the example policy, requests that are sometimes well-formed and often not.
import fc from 'fast-check';
import type { PolicySpec, RuleSpec, SubjectType } from './gateway.property.reference.ts';

export const CALLS = {
  'ecom.orders.getOrder': 'read-one',
  'ecom.orders.searchOrders': 'list',
  'ecom.orders.cancelOrder': 'write-one',
  'stores.productsV3.getProduct': 'read-one',
  'stores.productsV3.queryProducts': 'list',
} as const;
export type Call = keyof typeof CALLS;
const CALL_NAMES = Object.keys(CALLS) as Call[];
const isOrders = (call: string) => call.startsWith('ecom.');

const ORDER_IDS = Array.from({ length: 10 }, (_, i) => `o-${i + 1}`);
const PRODUCT_IDS = ['p-001', 'p-002', 'p-003', 'p-009', 'p-010', 'p-017', 'p-018', 'p-100', 'p-101'];

// ---------------------------------------------------------------------------------------------
// Policies

/** `when` conditions on `{ args }` from a small grammar, per call. */
function whenFor(call: Call): fc.Arbitrary<Record<string, unknown>> {
  const ids = isOrders(call) ? ORDER_IDS : PRODUCT_IDS;
  const atoms: fc.Arbitrary<Record<string, unknown>>[] =
    CALLS[call] === 'list'
      ? [
          fc.integer({ min: 1, max: 60 }).map((n) => ({ 'args.0.cursorPaging.limit': { $lte: n } })),
          fc.integer({ min: 1, max: 20 }).map((n) => ({ 'args.0.cursorPaging.limit': { $gte: n, $lte: n + 30 } })),
          fc.constant({ 'args.0.cursorPaging.cursor': { $exists: false } }),
          fc.constant({ 'args.0.filter': { $exists: true } }),
          fc.constant({ 'args.0.filter': { $type: 'object' } }),
          fc.constant(isOrders(call) ? { 'args.0.filter.fulfillmentStatus': 'NOT_FULFILLED' } : { 'args.0.filter.visible': true }),
          // Only queryProducts has a second (options) argument.
          ...(isOrders(call)
            ? []
            : [fc.constant({ 'args.1.fields': { $not: { $elemMatch: { $eq: 'MERCHANT_DATA' } } } }), fc.constant({ 'args.1': { $exists: false } })]),
        ]
      : [
          fc.subarray(ids, { minLength: 1 }).map((xs) => ({ 'args.0': { $in: xs } })),
          fc.constantFrom(...ids).map((id) => ({ 'args.0': id })),
          fc.constant({ 'args.0': { $type: 'string' } }),
          fc.constant({ 'args.0': { $not: { $in: ids.slice(0, 3) } } }),
          ...(call === 'ecom.orders.cancelOrder'
            ? [
                fc.constant({ 'args.1.sendOrderCanceledEmail': { $eq: false } }),
                fc.constant({ 'args.1.customMessage': { $type: 'string' } }),
                fc.constant({ 'args.1.restockAllItems': { $exists: false } }),
              ]
            : []),
          ...(call === 'stores.productsV3.getProduct'
            ? [fc.constant({ 'args.1.fields': { $not: { $elemMatch: { $eq: 'MERCHANT_DATA' } } } }), fc.constant({ 'args.1': { $exists: false } })]
            : []),
        ];
  const atom = fc.oneof(...atoms);
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ $or: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ ...a, ...b })) },
  );
}

/** Resource conditions on fields that field rules never remove (so results can be re-checked). */
function resourceFor(call: Call): fc.Arbitrary<Record<string, unknown>> {
  const atom = isOrders(call)
    ? fc.constantFrom<Record<string, unknown>>(
        { 'buyerInfo.memberId': '${caller.id}' },
        { fulfillmentStatus: 'NOT_FULFILLED' },
        { paymentStatus: { $in: ['PAID'] } },
        { 'buyerInfo.memberId': { $exists: true } },
        { fulfillmentStatus: { $not: { $eq: 'FULFILLED' } } },
      )
    : fc.constantFrom<Record<string, unknown>>(
        { visible: true },
        { productType: 'PHYSICAL' },
        { visible: { $not: { $eq: false } } },
        { productType: { $in: ['PHYSICAL', 'DIGITAL'] } },
      );
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ $or: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ ...a, ...b })) },
  );
}

function fieldsFor(call: Call): fc.Arbitrary<{ allow?: string[]; deny?: string[] }> {
  const deny = isOrders(call)
    ? ['buyerInfo.email', 'buyerInfo.contactId', 'priceSummary', 'billingInfo', 'lineItems', 'shippingInfo', 'number']
    : [
        'costRange',
        'variantsInfo.variants.revenueDetails',
        'variantSummary.minPriceVariant.revenueDetails',
        'slug',
        'media',
        'description',
        'actualPriceRange',
      ];
  const allow = isOrders(call)
    ? ['_id', 'number', 'buyerInfo.memberId', 'fulfillmentStatus', 'paymentStatus', 'status', 'priceSummary.total']
    : ['_id', 'name', 'visible', 'productType', 'slug', 'actualPriceRange.minValue'];
  // A write's field rule is on what it returns: cancelOrder answers `{ order }`.
  const at = call === 'ecom.orders.cancelOrder' ? (p: string) => `order.${p}` : (p: string) => p;
  return fc.oneof(
    { weight: 3, arbitrary: fc.subarray(deny, { minLength: 1 }).map((d) => ({ deny: d.map(at) })) },
    // `_id` always stays, so tests can tell which object came back.
    { weight: 1, arbitrary: fc.subarray(allow.slice(1), { minLength: 1 }).map((a) => ({ allow: ['_id', ...a].map(at) })) },
  );
}

const ROLE_NAMES = ['visitor', 'member', 'wix-user'] as const;

function allowRule(call: Call, id: string): fc.Arbitrary<RuleSpec> {
  const kind = CALLS[call];
  return fc
    .record({
      roles: fc.subarray([...ROLE_NAMES], { minLength: 1 }),
      when: fc.option(whenFor(call), { nil: undefined, freq: 2 }),
      resource: fc.option(resourceFor(call), { nil: undefined, freq: 3 }),
      fields: fc.option(fieldsFor(call), { nil: undefined, freq: 2 }),
      cap: kind === 'list' ? fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) : fc.constant(undefined),
      writable:
        call === 'ecom.orders.cancelOrder'
          ? fc.option(fc.subarray(['args.1.sendOrderCanceledEmail', 'args.1.customMessage'], { minLength: 1 }), { nil: undefined })
          : fc.constant(undefined),
    })
    .map((r) => {
      const rule: RuleSpec = { id, description: 'generated', roles: r.roles, allow: call };
      if (r.when) rule.when = r.when;
      if (r.resource) {
        rule.resource = r.resource;
        if (kind === 'write-one') rule.preload = 'ecom.orders.getOrder';
      }
      if (r.fields) rule.fields = r.fields;
      if (r.cap !== undefined) rule.cap = r.cap;
      if (r.writable) rule.writable = r.writable;
      return rule;
    });
}

function denyRule(id: string): fc.Arbitrary<RuleSpec> {
  return fc
    .record({
      roles: fc.subarray([...ROLE_NAMES], { minLength: 1 }),
      deny: fc.constantFrom<string>(...CALL_NAMES, 'ecom.orders.*', 'stores.productsV3.*', 'ecom.*', 'stores.*', '*'),
      call: fc.constantFrom(...CALL_NAMES),
    })
    .chain(({ roles, deny, call }) =>
      // A deny without `when` that covers an allow rule makes the policy fail to compile (unreachable
      // rule); give most deny rules a condition, taken from a call the pattern covers.
      fc.option(whenFor(call), { nil: undefined, freq: 4 }).map((when) => {
        const rule: RuleSpec = { id, description: 'generated deny', roles, deny };
        if (when) rule.when = when;
        return rule;
      }),
    );
}

export const policySpec: fc.Arbitrary<PolicySpec> = fc
  .record({
    memberInheritsVisitor: fc.boolean(),
    allows: fc.array(fc.constantFrom(...CALL_NAMES), { minLength: 2, maxLength: 8 }),
    denies: fc.integer({ min: 0, max: 2 }),
  })
  .chain(({ memberInheritsVisitor, allows, denies }) =>
    fc
      .tuple(
        fc.tuple(...allows.map((call, i) => allowRule(call, `allow-${i + 1}`))),
        denies ? fc.tuple(...Array.from({ length: denies }, (_, i) => denyRule(`deny-${i + 1}`))) : fc.constant([] as RuleSpec[]),
      )
      .map(([a, d]): PolicySpec => ({
        version: 1,
        roles: {
          visitor: { subjects: ['VISITOR' as SubjectType], inherits: [] },
          member: { subjects: ['MEMBER' as SubjectType], inherits: memberInheritsVisitor ? ['visitor'] : [] },
          'wix-user': { subjects: ['USER' as SubjectType], inherits: [] },
        },
        rules: [...a, ...d],
      })),
  );

// ---------------------------------------------------------------------------------------------
// Requests

export type Who = 'visitor' | 'm-1' | 'm-2' | 'm-3' | 'user' | 'inactive' | 'unknown' | 'none';

/** An object with an own key that shadows Object.prototype (JSON.stringify keeps own `__proto__`). */
function withKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: deep(depth - 1) });

/** Values of the wrong type, operator-shaped, prototype-keyed, huge or deep. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1e21, '', [], {}, ['o-1'], { $ne: null }, { $gt: '' }, { $where: 'sleep(1)' }, { $regex: '.*' }),
  fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty').chain((k) => fc.jsonValue({ maxDepth: 1 }).map((v) => withKey({}, k, v))),
  fc.integer({ min: 4_000, max: 6_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 10, max: 16 }).map(deep),
  fc.integer({ min: 150, max: 260 }).map((n) => Array(n).fill('o-1')),
  fc.jsonValue({ maxDepth: 3 }),
);

const idArg = (ids: string[], h: boolean) =>
  !h
    ? fc.constantFrom(...ids)
    : fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ids) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'o-1/../o-4',
            '../../v2/other',
            'o-1/cancel',
            'o-1?x=1',
            'o-1#f',
            '%2e%2e',
            'o-1%2F..%2Fo-4',
            ' o-1',
            'o-1\n',
            'p-001/..',
            '..',
            '.',
            'o-1;',
            'ｏ-1',
            'o\u200b-1',
            'O-1',
          ),
        },
        { weight: 2, arbitrary: hostile },
      );

const limit = (h: boolean) =>
  !h
    ? fc.integer({ min: 1, max: 100 })
    : fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 120 }) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1e9, 2.5, '10', [1, 1000], { $gt: 0 }, null, true) },
      );
const paging = (h: boolean) =>
  !h ? fc.record({ limit: limit(h) }, { requiredKeys: [] }) : fc.oneof(fc.record({ limit: limit(h) }, { requiredKeys: [] }), hostile);

function filterFor(orders: boolean, h: boolean): fc.Arbitrary<unknown> {
  const field = orders
    ? fc.constantFrom('buyerInfo.memberId', 'fulfillmentStatus', 'paymentStatus', 'status', 'id', 'number', 'buyerInfo.email')
    : fc.constantFrom('visible', 'productType', 'name', 'id', 'slug', 'costRange.minValue.amount', 'variantsInfo.variants.revenueDetails');
  const value = fc.oneof(
    fc.constantFrom<unknown>('m-1', 'm-2', 'NOT_FULFILLED', 'FULFILLED', 'PAID', true, false, 'PHYSICAL', 'o-1', 'p-001', 10),
    fc
      .constantFrom('$eq', '$ne', '$in', '$nin', '$gt', '$lt', '$exists')
      .chain((op) => fc.constantFrom<unknown>('m-1', true, false, ['m-1', 'm-2'], 5, null).map((v) => ({ [op]: v }))),
    ...(h ? [hostile] : []),
  );
  const clause = fc.dictionary(field, value, { minKeys: 1, maxKeys: 3 });
  return fc.oneof(
    { weight: 5, arbitrary: clause },
    { weight: 1, arbitrary: fc.array(clause, { minLength: 1, maxLength: 2 }).map((cs) => ({ $or: cs })) },
    { weight: 1, arbitrary: fc.array(clause, { minLength: 1, maxLength: 2 }).map((cs) => ({ $and: cs })) },
    { weight: h ? 1 : 0, arbitrary: hostile },
  );
}

function queryFor(orders: boolean, h: boolean): fc.Arbitrary<unknown> {
  const sortField = orders ? fc.constantFrom('number', '_createdDate', 'buyerInfo.email') : fc.constantFrom('name', 'costRange.minValue.amount', 'visible');
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record(
        {
          filter: filterFor(orders, h),
          cursorPaging: paging(h),
          ...(h ? { paging: paging(h) } : {}),
          sort: h
            ? fc.oneof(fc.array(fc.record({ fieldName: sortField, order: fc.constantFrom('ASC', 'DESC') }), { maxLength: 2 }), hostile)
            : fc.array(fc.record({ fieldName: sortField, order: fc.constantFrom('ASC', 'DESC') }), { maxLength: 1 }),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: h ? 1 : 0, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const productOptions = (h: boolean) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ fields: fc.subarray(['MERCHANT_DATA', 'URL', 'CURRENCY', 'INFO_SECTION']) }) },
    {
      weight: h ? 1 : 0,
      arbitrary: fc.constantFrom<unknown>({ fields: 'MERCHANT_DATA' }, { fields: [['MERCHANT_DATA']] }, { fields: { 0: 'MERCHANT_DATA' } }),
    },
    { weight: h ? 1 : 0, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const cancelOptions = (h: boolean) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        { sendOrderCanceledEmail: fc.boolean(), customMessage: fc.string({ maxLength: 20 }), ...(h ? { restockAllItems: fc.boolean() } : {}) },
        { requiredKeys: [] },
      ),
    },
    { weight: h ? 1 : 0, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

/** Arguments shaped for the method (often with hostile parts), with a stray extra argument now and then. */
function argsFor(call: string, h: boolean): fc.Arbitrary<unknown[]> {
  const base: fc.Arbitrary<unknown[]> = (() => {
    switch (call) {
      case 'ecom.orders.getOrder':
        return fc.tuple(idArg(ORDER_IDS, h));
      case 'ecom.orders.cancelOrder':
        return fc.tuple(idArg(ORDER_IDS, h), cancelOptions(h));
      case 'stores.productsV3.getProduct':
        return fc.tuple(idArg(PRODUCT_IDS, h), productOptions(h));
      case 'ecom.orders.searchOrders':
        return fc.tuple(queryFor(true, h));
      case 'stores.productsV3.queryProducts':
        return fc.tuple(queryFor(false, h), productOptions(h));
      default:
        return fc.array(hostile, { maxLength: 3 });
    }
  })();
  // Trailing undefined arguments become null in JSON; drop them as a client would.
  const trimmed = base.map((args) => {
    const a = [...args];
    while (a.length && a[a.length - 1] === undefined) a.pop();
    return a;
  });
  return h ? fc.oneof({ weight: 4, arbitrary: trimmed }, { weight: 1, arbitrary: fc.tuple(trimmed, hostile).map(([a, extra]) => [...a, extra]) }) : trimmed;
}

const LOOKALIKES: [string, string][] = [
  ['ecom.Orders', 'getOrder'],
  ['ecom.orders', 'getorder'],
  ['ecom.orders', 'getOrder '],
  ['ecom.orders ', 'getOrder'],
  ['ecom.orders', 'getOrder\u200b'],
  ['ecom.orders', 'ｇetOrder'],
  ['ecom.orders.getOrder', ''],
  ['ecom', 'orders.getOrder'],
  ['ecom.orders', '__proto__'],
  ['ecom.orders', 'constructor'],
  ['ecom.orders', 'hasOwnProperty'],
  ['__proto__', 'getOrder'],
  ['ecom.__proto__', 'getOrder'],
  ['stores.productsv3', 'queryProducts'],
  ['stores.products', 'queryProducts'],
  ['ecom.orders', 'deleteOrder'],
  ['ecom.orders', 'updateOrder'],
  ['stores.productsV3', 'deleteProduct'],
  ['ecom.orders', 'onOrderCreated'],
  ['ecom.orders', 'searchOrders.call'],
  ['ecom.orders', 'cancelOrder/../getOrder'],
];

export interface SentRequest {
  who: Who;
  /** The request body as sent. */
  body: string;
  /** For reporting. */
  call: string;
}

const envelope = fc.record({
  hostile: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 2, arbitrary: fc.constant(true) }),
  known: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }).chain((k) =>
    k
      ? fc.constantFrom(...CALL_NAMES).map((c) => {
          const i = c.lastIndexOf('.');
          return [c.slice(0, i), c.slice(i + 1)] as [string, string];
        })
      : fc.constantFrom(...LOOKALIKES),
  ),
  shape: fc.oneof(
    { weight: 20, arbitrary: fc.constant('plain' as const) },
    { weight: 1, arbitrary: fc.constantFrom('extra-key', 'args-object', 'module-array', 'no-args', 'proto-key', 'not-object', 'duplicate-key') },
  ),
});

export interface Target {
  who: Who;
  call: string;
}

/**
 * Requests; with `targets` (a caller and a call some rule grants it), most of them aim at what the
 * policy allows, so allowed calls are exercised as often as refused ones.
 */
export function sentRequest(targets: Target[] = []): fc.Arbitrary<SentRequest> {
  const split = (call: string) => {
    const i = call.lastIndexOf('.');
    return [call.slice(0, i), call.slice(i + 1)] as [string, string];
  };
  const random = fc.record({
    who: fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom<Who>('visitor', 'm-1', 'm-2', 'm-3', 'user') },
      { weight: 1, arbitrary: fc.constantFrom<Who>('inactive', 'unknown', 'none') },
    ),
    env: envelope,
  });
  const aimed =
    targets.length === 0
      ? random
      : fc.oneof(
          { weight: 2, arbitrary: random },
          {
            weight: 3,
            arbitrary: fc
              .record({ target: fc.constantFrom(...targets), env: envelope })
              .map(({ target, env }) => ({ who: target.who, env: { ...env, known: split(target.call) } })),
          },
        );
  return aimed.chain(({ who, env }) => requestOf(who, env));
}

function requestOf(who: Who, env: { hostile: boolean; known: [string, string]; shape: string }): fc.Arbitrary<SentRequest> {
  return argsFor(`${env.known[0]}.${env.known[1]}`, env.hostile).map((args): SentRequest => {
    const [module, method] = env.known;
    const call = `${module}.${method}`;
    const plain = { module, method, args };
    let body: string;
    switch (env.shape) {
      case 'extra-key':
        body = JSON.stringify({ ...plain, elevate: true });
        break;
      case 'args-object':
        body = JSON.stringify({ module, method, args: { ...args } });
        break;
      case 'module-array':
        body = JSON.stringify({ module: [module], method, args });
        break;
      case 'no-args':
        body = JSON.stringify({ module, method });
        break;
      case 'proto-key':
        body = JSON.stringify(withKey(plain, '__proto__', { module: 'ecom.orders', method: 'searchOrders' }));
        break;
      case 'not-object':
        body = JSON.stringify([plain]);
        break;
      case 'duplicate-key':
        body = `{"module":${JSON.stringify(module)},"method":${JSON.stringify(method)},"args":${JSON.stringify(args)},"module":"ecom.orders"}`;
        break;
      default:
        body = JSON.stringify(plain);
    }
    return { who, body, call };
  });
}
