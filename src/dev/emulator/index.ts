/**
 * Dev-only emulator of Wix's API host (www.wixapis.com) for tests and local runs. See wix-emulator.ts for the
 * endpoints and their rules, seed.ts for the data table, tokens.ts for the dev identities.
 */
export {
  createWixEmulator,
  matchRoute,
  productView,
  WIX_API_HOST,
  type FaultAction,
  type RecordedRequest,
  type RouteName,
  type WixEmulator,
  type WixEmulatorData,
  type WixEmulatorOptions,
} from './wix-emulator';
export {
  APP_ID,
  DEV_APP_SECRET,
  INSTANCE_ID,
  SITE_ID,
  bareToken,
  devTokenIdentities,
  devTokens,
  tokenInfoFor,
  type DevMemberId,
  type DevTokenIdentity,
  type SubjectType,
  type TokenInfo,
} from './tokens';
export {
  HIDDEN_PRODUCT_IDS,
  SEED_CURRENCY,
  SEED_MEMBER_IDS,
  SEED_ORDER_TABLE,
  STORES_APP_ID,
  productId,
  seedOrders,
  seedProducts,
  type Money,
  type SeedMemberId,
  type WixOrder,
  type WixOrderLineItem,
  type WixProductV3,
  type WixProductVariant,
} from './seed';
export {
  FilterError,
  compareValues,
  matchesFilter,
  normalizeSort,
  sortItems,
  validateFilter,
  valuesAtPath,
  type WixFilter,
  type WixSort,
} from './filter';
export { WixHttpError, applicationErrorBody, validationErrorBody, type WixErrorBody } from './errors';
export { base64UrlDecode, base64UrlEncode } from './paging';
export { wixHandlers } from './msw-handlers';
