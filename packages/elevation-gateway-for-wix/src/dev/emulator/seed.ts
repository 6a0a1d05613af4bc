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
 *
 * MEMBERS, CONTACTS, LOYALTY ACCOUNTS (tables at `seedMembers()`, `seedContacts()`, `seedLoyaltyAccounts()`):
 *
 *   member  privacyStatus  contact  name               loyalty account  points balance
 *   m-1     PUBLIC         c-1      Ada Lovelace       la-1             1250 (tier-gold)
 *   m-2     PUBLIC         c-2      Grace Hopper       la-2             300 (base tier)
 *   m-3     PRIVATE        c-3      Alan Turing        la-3             80 (tier-silver)
 *   —                      c-guest  Gus Guest          —                (the guest buyer of o-9, visitor v-1)
 *   —                      c-4      Katherine Johnson  la-4             500 (base tier; a contact who is no member)
 */

import { mulberry32 } from '../prng.ts';
import { clone } from './json.ts';

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

/** A fresh deep copy of the 9 seeded orders (o-1 … o-9). */
export function seedOrders(): WixOrder[] {
  return clone(built.orders);
}

/** A fresh deep copy of the 100 seeded V3 products (p-001 … p-100), merchant data included. */
export function seedProducts(): WixProductV3[] {
  return clone(built.products);
}

// ---------------------------------------------------------------------------------------------------------------
// members, contacts, loyalty accounts (Wix's CRM APIs; REST shapes read off @wix/auto_sdk_members_members 1.0.135,
// @wix/auto_sdk_crm_contacts 1.0.1375 and @wix/auto_sdk_loyalty_accounts 1.0.45: `id`, not `_id`; dates as ISO strings)

/** An image as the Members API carries it (`profile.photo`, `profile.cover`). */
export interface WixMemberImage {
  id: string;
  url: string;
  height: number;
  width: number;
  offsetX?: number;
  offsetY?: number;
}

/** A street address inside a member's `contact` (REST: `addressLine`; the SDK keeps the name). */
export interface WixMemberAddress {
  id: string;
  addressLine: string;
  city: string;
  subdivision: string;
  country: string;
  postalCode: string;
}

/**
 * A site member as Wix's REST API stores it, every fieldset included (`GET /members/v1/members/{id}` with
 * `fieldsets=FULL`); what a request sees of it is `memberView` in members.ts.
 */
export interface WixMember {
  id: string;
  loginEmail: string;
  loginEmailVerified: boolean;
  contactId: string;
  status: 'APPROVED' | 'PENDING' | 'BLOCKED' | 'OFFLINE' | 'UNKNOWN';
  privacyStatus: 'PUBLIC' | 'PRIVATE' | 'UNKNOWN';
  activityStatus: 'ACTIVE' | 'MUTED' | 'UNKNOWN';
  contact: {
    firstName: string;
    lastName: string;
    phones: string[];
    emails: string[];
    addresses: WixMemberAddress[];
    company?: string;
    jobTitle?: string;
    customFields: Record<string, unknown>;
  };
  profile: { nickname: string; slug: string; photo?: WixMemberImage; title?: string };
  createdDate: string;
  updatedDate: string;
  lastLoginDate: string;
}

/** The member table (see the header of `seedMembers`), machine-readable. */
export const SEED_MEMBER_TABLE = [
  { id: 'm-1', contactId: 'c-1', loginEmail: 'member1@example.com', privacyStatus: 'PUBLIC', nickname: 'Member 1', buyer: 'm-1' },
  { id: 'm-2', contactId: 'c-2', loginEmail: 'member2@example.com', privacyStatus: 'PUBLIC', nickname: 'Member 2', buyer: 'm-2' },
  { id: 'm-3', contactId: 'c-3', loginEmail: 'member3@example.com', privacyStatus: 'PRIVATE', nickname: 'Member 3', buyer: 'm-3' },
] as const;

const MEMBER_EXTRAS: Record<string, { photo?: WixMemberImage; title?: string; company?: string; jobTitle?: string }> = {
  'm-1': {
    photo: { id: 'member-1-photo', url: 'https://static.wixstatic.com/media/member-1-photo.jpg', height: 400, width: 400, offsetX: 0, offsetY: 0 },
    jobTitle: 'Mathematician',
  },
  'm-2': { title: 'Rear Admiral', company: 'US Navy', jobTitle: 'Rear Admiral' },
  'm-3': { company: 'Bletchley Park', jobTitle: 'Cryptanalyst' },
};

/**
 * A fresh copy of the 3 seeded members (the dev tokens' members), in the Members REST shape:
 *
 *   id   contactId  loginEmail           privacyStatus  nickname / slug      contact (first last, email)
 *   m-1  c-1        member1@example.com  PUBLIC         Member 1 / member-1  Ada Lovelace, ada@example.com (profile photo)
 *   m-2  c-2        member2@example.com  PUBLIC         Member 2 / member-2  Grace Hopper, grace@example.com (title "Rear Admiral")
 *   m-3  c-3        member3@example.com  PRIVATE        Member 3 / member-3  Alan Turing, alan@example.com
 *
 * All APPROVED and ACTIVE, `loginEmailVerified: true`; createdDate 2026-0<n>-01T10:00:00.000Z, updatedDate
 * 2026-0<n>-15T10:00:00.000Z, lastLoginDate 2026-05-0<n>T08:00:00.000Z for m-<n>. `contact` holds the same
 * name, phone and address as the member's orders' billing details.
 */
export function seedMembers(): WixMember[] {
  return SEED_MEMBER_TABLE.map((row, i) => {
    const buyer = BUYERS[row.buyer]!;
    const extras = MEMBER_EXTRAS[row.id] ?? {};
    const n = i + 1;
    const contact: WixMember['contact'] = {
      firstName: buyer.firstName,
      lastName: buyer.lastName,
      phones: [buyer.phone],
      emails: [buyer.email],
      addresses: [
        {
          id: `${row.id}-address-1`,
          addressLine: buyer.address.addressLine1,
          city: buyer.address.city,
          subdivision: buyer.address.subdivision,
          country: buyer.address.country,
          postalCode: buyer.address.postalCode,
        },
      ],
      customFields: {},
    };
    if (extras.company) contact.company = extras.company;
    if (extras.jobTitle) contact.jobTitle = extras.jobTitle;
    const profile: WixMember['profile'] = { nickname: row.nickname, slug: `member-${n}` };
    if (extras.photo) profile.photo = { ...extras.photo };
    if (extras.title) profile.title = extras.title;
    return {
      id: row.id,
      loginEmail: row.loginEmail,
      loginEmailVerified: true,
      contactId: row.contactId,
      status: 'APPROVED',
      privacyStatus: row.privacyStatus,
      activityStatus: 'ACTIVE',
      contact,
      profile,
      createdDate: `2026-0${n}-01T10:00:00.000Z`,
      updatedDate: `2026-0${n}-15T10:00:00.000Z`,
      lastLoginDate: `2026-05-0${n}T08:00:00.000Z`,
    };
  });
}

/** A contact as the Contacts v4 REST API stores it (`GET /contacts/v4/contacts/{id}`, fieldset FULL). */
export interface WixContact {
  id: string;
  revision: number;
  source: { sourceType: 'WIX_SITE_MEMBERS' | 'WIX_STORES' | 'ADMIN' | string; appId?: string };
  createdDate: string;
  updatedDate: string;
  lastActivity: { activityDate: string; activityType: 'MEMBER_LOGIN' | 'ECOM_CHECKOUT_BUYER' | 'CONTACT_CREATED' | string };
  primaryInfo: { email?: string; phone?: string };
  info: {
    name: { first: string; last: string };
    emails: { items: { id: string; tag: 'MAIN' | 'HOME' | 'WORK' | 'UNTAGGED'; email: string; primary: boolean }[] };
    phones: {
      items: { id: string; tag: 'MOBILE' | 'HOME' | 'WORK' | 'MAIN' | 'UNTAGGED'; countryCode: string; phone: string; e164Phone: string; primary: boolean }[];
    };
    addresses: { items: { id: string; tag: 'HOME' | 'BILLING' | 'SHIPPING' | 'WORK' | 'UNTAGGED'; address: Record<string, string> }[] };
    company?: string;
    jobTitle?: string;
    locale?: string;
    labelKeys: { items: string[] };
    extendedFields: { items: Record<string, unknown> };
  };
  primaryEmail: { email: string; subscriptionStatus: 'NOT_SET' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | string; deliverabilityStatus: 'VALID' | string };
  primaryPhone: { countryCode: string; e164Phone: string; formattedPhone: string; phone: string; subscriptionStatus: 'NOT_SET' | string };
}

/** The contact table (see the header of `seedContacts`), machine-readable. */
export const SEED_CONTACT_TABLE = [
  { id: 'c-1', memberId: 'm-1', first: 'Ada', last: 'Lovelace', email: 'ada@example.com', createdDate: '2025-01-10T10:00:00.000Z', labels: ['custom.vip'] },
  {
    id: 'c-2',
    memberId: 'm-2',
    first: 'Grace',
    last: 'Hopper',
    email: 'grace@example.com',
    createdDate: '2025-01-20T10:00:00.000Z',
    labels: ['custom.vip', 'custom.newsletter'],
  },
  { id: 'c-3', memberId: 'm-3', first: 'Alan', last: 'Turing', email: 'alan@example.com', createdDate: '2025-01-30T10:00:00.000Z', labels: [] },
  { id: 'c-guest', memberId: undefined, first: 'Gus', last: 'Guest', email: 'guest@example.com', createdDate: '2025-03-09T09:00:00.000Z', labels: [] },
  {
    id: 'c-4',
    memberId: undefined,
    first: 'Katherine',
    last: 'Johnson',
    email: 'katherine@example.com',
    createdDate: '2025-06-01T10:00:00.000Z',
    labels: ['custom.newsletter'],
  },
] as const;

const NO_MEMBER_CONTACTS: Record<string, Omit<Buyer, 'contactId' | 'email' | 'firstName' | 'lastName'> & { company?: string; jobTitle?: string }> = {
  'c-4': {
    phone: '+1-555-0104',
    address: { country: 'US', subdivision: 'US-VA', city: 'Hampton', postalCode: '23666', addressLine1: '4 Langley Boulevard' },
    company: 'Langley Research',
    jobTitle: 'Mathematician',
  },
};

/** Country calling code and e164 form of the seed's phone numbers ('+1-555-0101' → US, '+15550101'). */
function phoneParts(phone: string): { countryCode: string; e164Phone: string } {
  return { countryCode: phone.startsWith('+44') ? 'GB' : 'US', e164Phone: phone.replace(/[^+\d]/g, '') };
}

/**
 * A fresh copy of the 5 seeded contacts, in the Contacts v4 REST shape (`info.name`, `info.emails.items`, …,
 * `primaryInfo`, `primaryEmail`, `primaryPhone`; the Contact type has no `memberInfo`, members point at their
 * contact with `contactId`):
 *
 *   id       member  name               primaryInfo.email      source            labelKeys                        createdDate
 *   c-1      m-1     Ada Lovelace       ada@example.com        WIX_SITE_MEMBERS  custom.vip                       2025-01-10T10:00:00.000Z
 *   c-2      m-2     Grace Hopper       grace@example.com      WIX_SITE_MEMBERS  custom.vip, custom.newsletter    2025-01-20T10:00:00.000Z
 *   c-3      m-3     Alan Turing        alan@example.com       WIX_SITE_MEMBERS  —                                2025-01-30T10:00:00.000Z
 *   c-guest  —       Gus Guest          guest@example.com      WIX_STORES        —                                2025-03-09T09:00:00.000Z
 *            (the guest buyer of order o-9, visitor v-1)
 *   c-4      —       Katherine Johnson  katherine@example.com  ADMIN             custom.newsletter                2025-06-01T10:00:00.000Z
 *
 * Members' contacts also list the login e-mail (member<n>@example.com, tag UNTAGGED) after the MAIN one; phones
 * and addresses are the orders' billing details. Companies: c-2 US Navy, c-3 Bletchley Park, c-4 Langley
 * Research. Newest first (the default sort, createdDate DESC): c-4, c-guest, c-3, c-2, c-1.
 */
export function seedContacts(): WixContact[] {
  return SEED_CONTACT_TABLE.map((row) => {
    const member = row.memberId ? SEED_MEMBER_TABLE.find((m) => m.id === row.memberId) : undefined;
    const buyer = member ? BUYERS[member.buyer]! : row.id === 'c-guest' ? BUYERS.guest! : undefined;
    const details = buyer ?? { ...NO_MEMBER_CONTACTS[row.id]! };
    const extras = member ? (MEMBER_EXTRAS[member.id] ?? {}) : (NO_MEMBER_CONTACTS[row.id] ?? {});
    const { countryCode, e164Phone } = phoneParts(details.phone);
    const emails: WixContact['info']['emails']['items'] = [{ id: `${row.id}-email-1`, tag: 'MAIN', email: row.email, primary: true }];
    if (member) emails.push({ id: `${row.id}-email-2`, tag: 'UNTAGGED', email: member.loginEmail, primary: false });
    const lastActivity: WixContact['lastActivity'] = member
      ? { activityDate: `2026-05-0${member.id.slice(2)}T08:00:00.000Z`, activityType: 'MEMBER_LOGIN' }
      : row.id === 'c-guest'
        ? { activityDate: row.createdDate, activityType: 'ECOM_CHECKOUT_BUYER' }
        : { activityDate: row.createdDate, activityType: 'CONTACT_CREATED' };
    const info: WixContact['info'] = {
      name: { first: row.first, last: row.last },
      emails: { items: emails },
      phones: { items: [{ id: `${row.id}-phone-1`, tag: 'MOBILE', countryCode, phone: details.phone, e164Phone, primary: true }] },
      addresses: {
        items: [
          {
            id: `${row.id}-address-1`,
            tag: 'BILLING',
            address: {
              addressLine: details.address.addressLine1,
              city: details.address.city,
              subdivision: details.address.subdivision,
              country: details.address.country,
              postalCode: details.address.postalCode,
            },
          },
        ],
      },
      labelKeys: { items: [...row.labels] },
      extendedFields: {
        items: { 'contacts.displayByFirstName': `${row.first} ${row.last}`, 'contacts.displayByLastName': `${row.last} ${row.first}` },
      },
    };
    if (extras.company) info.company = extras.company;
    if (extras.jobTitle) info.jobTitle = extras.jobTitle;
    if (row.id !== 'c-4') info.locale = countryCode === 'GB' ? 'en-gb' : 'en-us';
    const revision = member ? 2 : 1;
    return {
      id: row.id,
      revision,
      source: member ? { sourceType: 'WIX_SITE_MEMBERS' } : row.id === 'c-guest' ? { sourceType: 'WIX_STORES', appId: STORES_APP_ID } : { sourceType: 'ADMIN' },
      createdDate: row.createdDate,
      updatedDate: member ? `2026-0${member.id.slice(2)}-15T10:00:00.000Z` : row.createdDate,
      lastActivity,
      primaryInfo: { email: row.email, phone: details.phone },
      info,
      primaryEmail: {
        email: row.email,
        subscriptionStatus: (row.labels as readonly string[]).includes('custom.newsletter') ? 'SUBSCRIBED' : 'NOT_SET',
        deliverabilityStatus: 'VALID',
      },
      primaryPhone: { countryCode, e164Phone, formattedPhone: details.phone, phone: details.phone, subscriptionStatus: 'NOT_SET' },
    };
  });
}

/** A loyalty account as the Loyalty Accounts REST API stores it (`GET /loyalty-accounts/v1/accounts/{id}`). */
export interface WixLoyaltyAccount {
  id: string;
  contactId: string;
  /** absent for a contact who is not a member */
  memberId?: string;
  points: { balance: number; earned: number; adjusted: number; redeemed: number; expired: number };
  rewardAvailable: boolean;
  createdDate: string;
  updatedDate: string;
  lastActivityDate: string;
  revision: string;
  /** `tier.id` is absent on the base tier (as on Wix) */
  tier: { id?: string; updatedDate: string; points: number };
  contact: { id: string; name: string; email: string; displayName: string };
  pointsExpiration?: { expirationDate: string; expiringPointsAmount: number };
}

/** The loyalty account table (see the header of `seedLoyaltyAccounts`), machine-readable. */
export const SEED_LOYALTY_ACCOUNT_TABLE = [
  {
    id: 'la-1',
    contactId: 'c-1',
    memberId: 'm-1',
    earned: 1500,
    adjusted: 0,
    redeemed: 250,
    tierId: 'tier-gold',
    revision: '4',
    createdDate: '2025-03-01T09:05:00.000Z',
  },
  {
    id: 'la-2',
    contactId: 'c-2',
    memberId: 'm-2',
    earned: 300,
    adjusted: 0,
    redeemed: 0,
    tierId: undefined,
    revision: '1',
    createdDate: '2025-03-04T09:05:00.000Z',
  },
  {
    id: 'la-3',
    contactId: 'c-3',
    memberId: 'm-3',
    earned: 120,
    adjusted: 10,
    redeemed: 50,
    tierId: 'tier-silver',
    revision: '3',
    createdDate: '2025-03-07T09:05:00.000Z',
  },
  {
    id: 'la-4',
    contactId: 'c-4',
    memberId: undefined,
    earned: 0,
    adjusted: 500,
    redeemed: 0,
    tierId: undefined,
    revision: '2',
    createdDate: '2025-06-02T10:00:00.000Z',
  },
] as const;

/** Points from which a reward can be redeemed in the dev program (sets `rewardAvailable`). */
const SEED_REWARD_THRESHOLD = 500;

/**
 * A fresh copy of the 4 seeded loyalty accounts (Loyalty Accounts v1 REST shape), one per member's contact and one
 * for c-4, who is no member (no `memberId`); c-guest has none:
 *
 *   id    contactId  memberId  balance  earned  adjusted  redeemed  tier               rewardAvailable  createdDate
 *   la-1  c-1        m-1       1250     1500    0         250       tier-gold          yes              2025-03-01T09:05:00.000Z
 *   la-2  c-2        m-2       300      300     0         0         base (no tier.id)  no               2025-03-04T09:05:00.000Z
 *   la-3  c-3        m-3       80       120     10        50        tier-silver        no               2025-03-07T09:05:00.000Z
 *   la-4  c-4        —         500      0       500       0         base (no tier.id)  yes              2025-06-02T10:00:00.000Z
 *
 * balance = earned + adjusted − redeemed; `expired` is 0; `tier.points` = earned + adjusted; only la-1 has a
 * `pointsExpiration` (250 points on 2026-03-01). `contact` is the account owner's `{ id, name, email, displayName }`.
 * Newest first (the default sort, createdDate DESC): la-4, la-3, la-2, la-1.
 */
export function seedLoyaltyAccounts(): WixLoyaltyAccount[] {
  return SEED_LOYALTY_ACCOUNT_TABLE.map((row) => {
    const owner = SEED_CONTACT_TABLE.find((c) => c.id === row.contactId)!;
    const balance = row.earned + row.adjusted - row.redeemed;
    const updatedDate = isoDay(row.createdDate.slice(0, 10), 30, 'T12:00:00.000Z');
    const account: WixLoyaltyAccount = {
      id: row.id,
      contactId: row.contactId,
      points: { balance, earned: row.earned, adjusted: row.adjusted, redeemed: row.redeemed, expired: 0 },
      rewardAvailable: balance >= SEED_REWARD_THRESHOLD,
      createdDate: row.createdDate,
      updatedDate,
      lastActivityDate: updatedDate,
      revision: row.revision,
      tier: { updatedDate, points: row.earned + row.adjusted },
      contact: { id: owner.id, name: `${owner.first} ${owner.last}`, email: owner.email, displayName: `${owner.first} ${owner.last}` },
    };
    if (row.memberId) account.memberId = row.memberId;
    if (row.tierId) account.tier = { id: row.tierId, ...account.tier };
    if (row.id === 'la-1') account.pointsExpiration = { expirationDate: '2026-03-01T00:00:00.000Z', expiringPointsAmount: 250 };
    return account;
  });
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
