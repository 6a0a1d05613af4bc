/**
 * Dev-only emulator of Wix's API host (www.wixapis.com) for tests and local runs. See wix-emulator.ts for the
 * endpoints and their rules, seed.ts for the data table, tokens.ts for the dev identities.
 */
export { createWixEmulator, type FaultAction, type RecordedRequest, type RouteName, type WixEmulator, type WixEmulatorOptions } from './wix-emulator.ts';
export { APP_ID, DEV_APP_SECRET, INSTANCE_ID, bareToken, devTokens, type SubjectType } from './tokens.ts';
export { HIDDEN_PRODUCT_IDS, SEED_CONTACT_TABLE, SEED_LOYALTY_ACCOUNT_TABLE, SEED_ORDER_TABLE, productId } from './seed.ts';
export { wixHandlers } from './msw-handlers.ts';
