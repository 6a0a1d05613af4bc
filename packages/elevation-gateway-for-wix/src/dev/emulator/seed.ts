/**
 * Deterministic seed data for the Wix emulator (no randomness: a fixed-seed PRNG for product prices).
 * Every call to `seedOrders()` / `seedProducts()` returns a fresh deep copy of the same data.
 *
 * ORDERS (ecom Orders v1 REST shape; `status` is APPROVED for all; default search order is createdDate DESC)
 *
 *   id   number  buyer                       fulfillmentStatus  paymentStatus  createdDate           line items
 *   o-1  10001   member m-1 (c-1, Ada)       NOT_FULFILLED      PAID           2025-03-01T09:00:00Z  p-001 ×1, p-003 ×2
 *   o-2  10002   member m-1 (c-1, Ada)       FULFILLED          PAID           2025-03-02T09:00:00Z  p-004 ×1
 *   o-3  10003   member m-1 (c-1, Ada)       NOT_FULFILLED      NOT_PAID       2025-03-03T09:00:00Z  p-005 ×3
 *   o-4  10004   member m-2 (c-2, Grace)     NOT_FULFILLED      PAID           2025-03-04T09:00:00Z  p-006 ×1
 *   o-5  10005   member m-2 (c-2, Grace)     FULFILLED          PAID           2025-03-05T09:00:00Z  p-007 ×1, p-002 ×1 (hidden product)
 *   o-6  10006   member m-2 (c-2, Grace)     FULFILLED          PAID           2025-03-06T09:00:00Z  p-008 ×2
 *   o-7  10007   member m-3 (c-3, Alan)      NOT_FULFILLED      PAID           2025-03-07T09:00:00Z  p-009 ×1
 *   o-8  10008   member m-3 (c-3, Alan)      FULFILLED          PAID           2025-03-08T09:00:00Z  p-011 ×1
 *   o-9  10009   guest, no memberId          NOT_FULFILLED      NOT_PAID       2025-03-09T09:00:00Z  p-012 ×1
 *                (contact c-guest, visitorId v-1 — the dev visitor token's subject)
 *
 *   So: m-1 → o-1 (NOT_FULFILLED), o-2 (FULFILLED), o-3 (NOT_FULFILLED)
 *       m-2 → o-4 (NOT_FULFILLED), o-5 (FULFILLED), o-6 (FULFILLED)
 *       m-3 → o-7 (NOT_FULFILLED), o-8 (FULFILLED)
 *       guest → o-9 (NOT_FULFILLED)
 *
 * PRODUCTS (Stores Catalog V3 REST shape): 100 products p-001 … p-100, all productType PHYSICAL.
 *   - HIDDEN (`visible: false`): every n with n % 8 === 2 → p-002, p-010, p-018, p-026, p-034, p-042, p-050,
 *     p-058, p-066, p-074, p-082, p-090, p-098 (13 of 100). p-001 is visible, p-002 is hidden.
 *   - names: "<adjective> <noun>" (p-001 "Linen Tote Bag", p-002 "Cedar Tote Bag", …), unique; slug = kebab name.
 *   - 1–3 variants (1 + n % 3), ids `p-001-v1`…, sku `SKU-001-1`…; prices in USD, amounts as decimal strings.
 *   - OUT_OF_STOCK when n % 10 === 7, else IN_STOCK.
 *   - merchant data (`costRange`, every variant's `revenueDetails`) is part of the stored product; the emulator
 *     strips it unless the request's `fields` include MERCHANT_DATA (see `productView` in wix-emulator.ts).
 *
 * WIX DATA COLLECTIONS: `reviews` (12 items rev-1 … rev-12, owned by m-1/m-2/m-3, some unpublished) and
 * `privateNotes` (ADMIN only, note-1 … note-4); the table is at `seedDataCollections()` below.
 */

import { mulberry32 } from '../prng.ts';

export const STORES_APP_ID = '215238eb-22a5-4c36-9e7b-e7c08025e04e';
export const SEED_CURRENCY = 'USD';

export interface Money {
  amount: string;
  formattedAmount: string;
}

export interface WixOrderLineItem {
  id: string;
  productName: { original: string; translated: string };
  catalogReference: { catalogItemId: string; appId: string; options?: Record<string, unknown> };
  quantity: number;
  price: Money;
  totalPriceBeforeTax: Money;
  totalPriceAfterTax: Money;
  itemType: { preset: 'PHYSICAL' };
  paymentOption: 'FULL_PAYMENT_ONLINE';
}

export interface WixOrderAddress {
  country: string;
  subdivision: string;
  city: string;
  postalCode: string;
  addressLine1: string;
}

export interface WixOrder {
  id: string;
  number: string;
  createdDate: string;
  updatedDate: string;
  purchasedDate: string;
  buyerInfo: { memberId?: string; contactId: string; email: string; visitorId?: string };
  status: 'APPROVED' | 'CANCELED' | string;
  paymentStatus: 'PAID' | 'NOT_PAID' | string;
  fulfillmentStatus: 'NOT_FULFILLED' | 'FULFILLED' | string;
  currency: string;
  weightUnit: 'KG';
  taxIncludedInPrices: boolean;
  billingInfo: {
    address: WixOrderAddress;
    contactDetails: { firstName: string; lastName: string; phone: string };
  };
  lineItems: WixOrderLineItem[];
  priceSummary: { subtotal: Money; shipping: Money; tax: Money; discount: Money; total: Money };
  channelInfo: { type: 'WEB' };
  activities: { id: string; type: string; createdDate: string }[];
  archived: boolean;
  seenByAHuman: boolean;
}

export interface WixProductVariant {
  id: string;
  visible: boolean;
  sku: string;
  choices: unknown[];
  price: { actualPrice: Money; compareAtPrice?: Money };
  /** merchant data */
  revenueDetails?: { cost: Money; profit: Money; profitMargin: number };
}

export interface WixPriceRange {
  minValue: Money;
  maxValue: Money;
}

export interface WixProductV3 {
  id: string;
  revision: string;
  createdDate: string;
  updatedDate: string;
  name: string;
  slug: string;
  visible: boolean;
  visibleInPos: boolean;
  /** returned only when `fields` include PLAIN_DESCRIPTION (as on Wix) */
  plainDescription?: string;
  productType: 'PHYSICAL';
  actualPriceRange: WixPriceRange;
  compareAtPriceRange: WixPriceRange;
  /** merchant data */
  costRange?: WixPriceRange;
  inventory: { availabilityStatus: 'IN_STOCK' | 'OUT_OF_STOCK' | 'PARTIALLY_OUT_OF_STOCK'; preorderStatus: 'DISABLED' };
  physicalProperties: Record<string, unknown>;
  options: unknown[];
  modifiers: unknown[];
  variantsInfo: { variants: WixProductVariant[] };
  variantSummary: { variantCount: number };
}

export const HIDDEN_PRODUCT_IDS: readonly string[] = Array.from({ length: 100 }, (_, i) => i + 1)
  .filter((n) => n % 8 === 2)
  .map(productId);

/** The order table above, machine-readable (useful for assertions). */
export const SEED_ORDER_TABLE = [
  { id: 'o-1', memberId: 'm-1', fulfillmentStatus: 'NOT_FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-2', memberId: 'm-1', fulfillmentStatus: 'FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-3', memberId: 'm-1', fulfillmentStatus: 'NOT_FULFILLED', paymentStatus: 'NOT_PAID' },
  { id: 'o-4', memberId: 'm-2', fulfillmentStatus: 'NOT_FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-5', memberId: 'm-2', fulfillmentStatus: 'FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-6', memberId: 'm-2', fulfillmentStatus: 'FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-7', memberId: 'm-3', fulfillmentStatus: 'NOT_FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-8', memberId: 'm-3', fulfillmentStatus: 'FULFILLED', paymentStatus: 'PAID' },
  { id: 'o-9', memberId: undefined, fulfillmentStatus: 'NOT_FULFILLED', paymentStatus: 'NOT_PAID' },
] as const;

// ---------------------------------------------------------------------------------------------------------------
// helpers

export function productId(n: number): string {
  return `p-${String(n).padStart(3, '0')}`;
}

function money(cents: number): Money {
  const amount = (cents / 100).toFixed(2);
  return { amount, formattedAmount: `$${amount}` };
}

function kebab(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function isoDay(base: string, addDays: number, time = 'T10:00:00.000Z'): string {
  const d = new Date(`${base}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + addDays);
  return d.toISOString().slice(0, 10) + time;
}

// ---------------------------------------------------------------------------------------------------------------
// products

const ADJECTIVES = ['Linen', 'Cedar', 'Copper', 'Harbor', 'Meadow', 'Granite', 'Saffron', 'Willow', 'Indigo', 'Ember'];
const NOUNS = ['Tote Bag', 'Mug', 'Notebook', 'Candle', 'Scarf', 'Lamp', 'Backpack', 'Teapot', 'Blanket', 'Planter'];

interface ProductPricing {
  variantPrices: number[]; // cents
  variantCosts: number[]; // cents
}

function buildProducts(): { products: WixProductV3[]; pricing: Map<string, ProductPricing> } {
  const rand = mulberry32(20250301);
  const products: WixProductV3[] = [];
  const pricing = new Map<string, ProductPricing>();
  for (let n = 1; n <= 100; n++) {
    const i = n - 1;
    const id = productId(n);
    const name = `${ADJECTIVES[i % 10]} ${NOUNS[Math.floor(i / 10) % 10]}`;
    const visible = n % 8 !== 2;
    const variantCount = 1 + (n % 3);
    const basePrice = 500 + Math.round(rand() * 190) * 50; // $5.00 … $100.00 in 50¢ steps
    const variantPrices: number[] = [];
    const variantCosts: number[] = [];
    const variants: WixProductVariant[] = [];
    for (let v = 1; v <= variantCount; v++) {
      const price = basePrice + (v - 1) * 500;
      const cost = Math.round(price * (0.35 + rand() * 0.3));
      const profit = price - cost;
      variantPrices.push(price);
      variantCosts.push(cost);
      variants.push({
        id: `${id}-v${v}`,
        visible: true,
        sku: `SKU-${String(n).padStart(3, '0')}-${v}`,
        choices: [],
        price: { actualPrice: money(price) },
        revenueDetails: {
          cost: money(cost),
          profit: money(profit),
          profitMargin: Math.round((profit / price) * 100) / 100,
        },
      });
    }
    const minPrice = Math.min(...variantPrices);
    const maxPrice = Math.max(...variantPrices);
    const onSale = n % 4 === 0;
    const createdDate = isoDay('2024-01-01', i);
    products.push({
      id,
      revision: '1',
      createdDate,
      updatedDate: createdDate,
      name,
      slug: kebab(name),
      visible,
      visibleInPos: visible && n % 5 !== 0,
      plainDescription: `<p>${name}. Made in small batches; item ${n} of the dev catalog.</p>`,
      productType: 'PHYSICAL',
      actualPriceRange: { minValue: money(minPrice), maxValue: money(maxPrice) },
      compareAtPriceRange: onSale
        ? { minValue: money(Math.round(minPrice * 1.25)), maxValue: money(Math.round(maxPrice * 1.25)) }
        : { minValue: money(minPrice), maxValue: money(maxPrice) },
      costRange: { minValue: money(Math.min(...variantCosts)), maxValue: money(Math.max(...variantCosts)) },
      inventory: { availabilityStatus: n % 10 === 7 ? 'OUT_OF_STOCK' : 'IN_STOCK', preorderStatus: 'DISABLED' },
      physicalProperties: {},
      options: [],
      modifiers: [],
      variantsInfo: { variants },
      variantSummary: { variantCount },
    });
    pricing.set(id, { variantPrices, variantCosts });
  }
  return { products, pricing };
}

// ---------------------------------------------------------------------------------------------------------------
// orders

interface Buyer {
  memberId?: string;
  contactId: string;
  email: string;
  visitorId?: string;
  firstName: string;
  lastName: string;
  phone: string;
  address: WixOrderAddress;
}

const BUYERS: Record<string, Buyer> = {
  'm-1': {
    memberId: 'm-1',
    contactId: 'c-1',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+1-555-0101',
    address: { country: 'US', subdivision: 'US-NY', city: 'New York', postalCode: '10001', addressLine1: '1 Analytical Way' },
  },
  'm-2': {
    memberId: 'm-2',
    contactId: 'c-2',
    email: 'grace@example.com',
    firstName: 'Grace',
    lastName: 'Hopper',
    phone: '+1-555-0102',
    address: { country: 'US', subdivision: 'US-VA', city: 'Arlington', postalCode: '22201', addressLine1: '2 Compiler Road' },
  },
  'm-3': {
    memberId: 'm-3',
    contactId: 'c-3',
    email: 'alan@example.com',
    firstName: 'Alan',
    lastName: 'Turing',
    phone: '+44-20-5550-0103',
    address: { country: 'GB', subdivision: 'GB-ENG', city: 'London', postalCode: 'NW1 2DB', addressLine1: '3 Enigma Street' },
  },
  guest: {
    contactId: 'c-guest',
    visitorId: 'v-1',
    email: 'guest@example.com',
    firstName: 'Gus',
    lastName: 'Guest',
    phone: '+1-555-0109',
    address: { country: 'US', subdivision: 'US-CA', city: 'San Francisco', postalCode: '94105', addressLine1: '9 Visitor Lane' },
  },
};

const ORDER_LINES: Record<string, [string, number][]> = {
  'o-1': [
    ['p-001', 1],
    ['p-003', 2],
  ],
  'o-2': [['p-004', 1]],
  'o-3': [['p-005', 3]],
  'o-4': [['p-006', 1]],
  'o-5': [
    ['p-007', 1],
    ['p-002', 1],
  ],
  'o-6': [['p-008', 2]],
  'o-7': [['p-009', 1]],
  'o-8': [['p-011', 1]],
  'o-9': [['p-012', 1]],
};

function buildOrders(products: WixProductV3[], pricing: Map<string, ProductPricing>): WixOrder[] {
  return SEED_ORDER_TABLE.map((row, idx) => {
    const n = idx + 1;
    const buyer = BUYERS[row.memberId ?? 'guest']!;
    const createdDate = `2025-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;
    let subtotal = 0;
    const lineItems: WixOrderLineItem[] = (ORDER_LINES[row.id] ?? []).map(([pid, quantity], li) => {
      const product = products.find((p) => p.id === pid)!;
      const unit = pricing.get(pid)!.variantPrices[0]!;
      subtotal += unit * quantity;
      return {
        id: `${row.id}-li-${li + 1}`,
        productName: { original: product.name, translated: product.name },
        catalogReference: { catalogItemId: pid, appId: STORES_APP_ID, options: { variantId: `${pid}-v1` } },
        quantity,
        price: money(unit),
        totalPriceBeforeTax: money(unit * quantity),
        totalPriceAfterTax: money(unit * quantity),
        itemType: { preset: 'PHYSICAL' },
        paymentOption: 'FULL_PAYMENT_ONLINE',
      };
    });
    const shipping = 500;
    const buyerInfo: WixOrder['buyerInfo'] = { contactId: buyer.contactId, email: buyer.email };
    if (buyer.memberId) buyerInfo.memberId = buyer.memberId;
    if (buyer.visitorId) buyerInfo.visitorId = buyer.visitorId;
    return {
      id: row.id,
      number: String(10000 + n),
      createdDate,
      updatedDate: createdDate,
      purchasedDate: createdDate,
      buyerInfo,
      status: 'APPROVED',
      paymentStatus: row.paymentStatus,
      fulfillmentStatus: row.fulfillmentStatus,
      currency: SEED_CURRENCY,
      weightUnit: 'KG',
      taxIncludedInPrices: false,
      billingInfo: {
        address: { ...buyer.address },
        contactDetails: { firstName: buyer.firstName, lastName: buyer.lastName, phone: buyer.phone },
      },
      lineItems,
      priceSummary: {
        subtotal: money(subtotal),
        shipping: money(shipping),
        tax: money(0),
        discount: money(0),
        total: money(subtotal + shipping),
      },
      channelInfo: { type: 'WEB' },
      activities: [{ id: `${row.id}-act-1`, type: 'ORDER_PLACED', createdDate }],
      archived: false,
      seenByAHuman: true,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// public

const built = (() => {
  const { products, pricing } = buildProducts();
  const orders = buildOrders(products, pricing);
  return { products, orders };
})();

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A fresh deep copy of the 9 seeded orders (o-1 … o-9). */
export function seedOrders(): WixOrder[] {
  return clone(built.orders);
}

/** A fresh deep copy of the 100 seeded V3 products (p-001 … p-100), merchant data included. */
export function seedProducts(): WixProductV3[] {
  return clone(built.products);
}

/** A site member as Wix's REST API returns it (`GET /members/v1/members/{id}`): `id`, not `_id`. */
export interface WixMember {
  id: string;
  loginEmail: string;
  contactId: string;
  status: 'APPROVED' | 'PENDING' | 'BLOCKED';
  privacyStatus: 'PUBLIC' | 'PRIVATE';
  activityStatus: 'ACTIVE' | 'MUTED';
  profile: { nickname: string; slug: string };
  createdDate: string;
}

/** A fresh copy of the 3 seeded members (m-1 … m-3, the dev tokens' members). */
export function seedMembers(): WixMember[] {
  return ['m-1', 'm-2', 'm-3'].map((id, i) => ({
    id,
    loginEmail: `member${i + 1}@example.com`,
    contactId: `c-${i + 1}`,
    status: 'APPROVED',
    privacyStatus: i === 2 ? 'PRIVATE' : 'PUBLIC',
    activityStatus: 'ACTIVE',
    profile: { nickname: `Member ${i + 1}`, slug: `member-${i + 1}` },
    createdDate: `2026-0${i + 1}-01T10:00:00.000Z`,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Wix Data collections

/** Who may do an operation on a collection's items (Wix's collection permission levels). */
export type WixDataPermissionLevel = 'ANYONE' | 'SITE_MEMBER' | 'SITE_MEMBER_AUTHOR' | 'ADMIN';

export interface WixDataPermissions {
  read: WixDataPermissionLevel;
  insert: WixDataPermissionLevel;
  update: WixDataPermissionLevel;
  remove: WixDataPermissionLevel;
}

/** A date as Wix Data carries it inside an item's `data` on the wire (the SDK revives it to a `Date`). */
export interface WixDataDate {
  $date: string;
}

/**
 * A data item as stored, in its wire form (what travels as `dataItem.data`): the system fields plus the
 * collection's own fields; dates are `{ $date: iso }`.
 */
export interface WixDataItem {
  _id: string;
  _owner: string;
  _createdDate: WixDataDate;
  _updatedDate: WixDataDate;
  [field: string]: unknown;
}

export interface WixDataCollection {
  permissions: WixDataPermissions;
  items: WixDataItem[];
}

/** The `reviews` collection, machine-readable (useful for assertions). */
export const SEED_REVIEW_TABLE = [
  { id: 'rev-1', owner: 'm-1', productId: 'p-001', rating: 5, published: true },
  { id: 'rev-2', owner: 'm-2', productId: 'p-006', rating: 4, published: true },
  { id: 'rev-3', owner: 'm-3', productId: 'p-009', rating: 3, published: true },
  { id: 'rev-4', owner: 'm-1', productId: 'p-003', rating: 2, published: false },
  { id: 'rev-5', owner: 'm-2', productId: 'p-007', rating: 1, published: false },
  { id: 'rev-6', owner: 'm-3', productId: 'p-011', rating: 5, published: true },
  { id: 'rev-7', owner: 'm-1', productId: 'p-004', rating: 4, published: true },
  { id: 'rev-8', owner: 'm-2', productId: 'p-002', rating: 3, published: true },
  { id: 'rev-9', owner: 'm-3', productId: 'p-001', rating: 2, published: false },
  { id: 'rev-10', owner: 'm-1', productId: 'p-005', rating: 1, published: false },
  { id: 'rev-11', owner: 'm-2', productId: 'p-008', rating: 5, published: true },
  { id: 'rev-12', owner: 'm-3', productId: 'p-004', rating: 4, published: true },
] as const;

/** The `privateNotes` collection, machine-readable. */
export const SEED_PRIVATE_NOTE_TABLE = [
  { id: 'note-1', owner: 'm-1', title: 'Gift wrap request' },
  { id: 'note-2', owner: 'm-2', title: 'Allergy information' },
  { id: 'note-3', owner: 'm-3', title: 'Delivery instructions' },
  { id: 'note-4', owner: 'm-1', title: 'Size preferences' },
] as const;

export const REVIEWS_PERMISSIONS: Readonly<WixDataPermissions> = {
  read: 'ANYONE',
  insert: 'SITE_MEMBER',
  update: 'SITE_MEMBER_AUTHOR',
  remove: 'SITE_MEMBER_AUTHOR',
};

export const PRIVATE_NOTES_PERMISSIONS: Readonly<WixDataPermissions> = {
  read: 'ADMIN',
  insert: 'ADMIN',
  update: 'ADMIN',
  remove: 'ADMIN',
};

function wixDate(iso: string): WixDataDate {
  return { $date: iso };
}

/**
 * A fresh deep copy of the seeded Wix Data collections:
 *
 * REVIEWS (`reviews`; read ANYONE, insert SITE_MEMBER, update/remove SITE_MEMBER_AUTHOR), 12 items, fields
 * `_id`, `_owner`, `title`, `body`, `rating` (1–5), `published`, `productId` (a seeded product), and the system
 * dates (`_createdDate` = `_updatedDate` = 2025-04-<n>T12:00:00.000Z for rev-<n>; newest is rev-12):
 *
 *   id      owner  productId  rating  published
 *   rev-1   m-1    p-001      5       true
 *   rev-2   m-2    p-006      4       true
 *   rev-3   m-3    p-009      3       true
 *   rev-4   m-1    p-003      2       false
 *   rev-5   m-2    p-007      1       false
 *   rev-6   m-3    p-011      5       true
 *   rev-7   m-1    p-004      4       true
 *   rev-8   m-2    p-002      3       true      (p-002 is a hidden product)
 *   rev-9   m-3    p-001      2       false
 *   rev-10  m-1    p-005      1       false
 *   rev-11  m-2    p-008      5       true
 *   rev-12  m-3    p-004      4       true
 *
 *   So: m-1 → rev-1, rev-7 (published), rev-4, rev-10 (unpublished)
 *       m-2 → rev-2, rev-8, rev-11 (published), rev-5 (unpublished)
 *       m-3 → rev-3, rev-6, rev-12 (published), rev-9 (unpublished)
 *
 * PRIVATE NOTES (`privateNotes`; every permission ADMIN), fields `_id`, `_owner`, `title`, `body`:
 *   note-1 m-1, note-2 m-2, note-3 m-3, note-4 m-1 (created 2025-05-<n>T08:30:00.000Z).
 */
export function seedDataCollections(): Record<string, WixDataCollection> {
  const reviews: WixDataItem[] = SEED_REVIEW_TABLE.map((row, i) => {
    const at = wixDate(`2025-04-${String(i + 1).padStart(2, '0')}T12:00:00.000Z`);
    const product = built.products.find((p) => p.id === row.productId)!;
    return {
      _id: row.id,
      _owner: row.owner,
      _createdDate: { ...at },
      _updatedDate: { ...at },
      title: `${row.rating} stars for the ${product.name}`,
      body: `Review ${i + 1} of the dev reviews: ${product.name}, rated ${row.rating} of 5.`,
      rating: row.rating,
      published: row.published,
      productId: row.productId,
    };
  });
  const notes: WixDataItem[] = SEED_PRIVATE_NOTE_TABLE.map((row, i) => {
    const at = wixDate(`2025-05-${String(i + 1).padStart(2, '0')}T08:30:00.000Z`);
    return {
      _id: row.id,
      _owner: row.owner,
      _createdDate: { ...at },
      _updatedDate: { ...at },
      title: row.title,
      body: `Private note ${i + 1} of member ${row.owner}; only the site's admins and the app may read it.`,
    };
  });
  return clone({
    reviews: { permissions: { ...REVIEWS_PERMISSIONS }, items: reviews },
    privateNotes: { permissions: { ...PRIVATE_NOTES_PERMISSIONS }, items: notes },
  });
}
