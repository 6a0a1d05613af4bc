/**
 * Dev-only emulator of Wix's API host (www.wixapis.com) for tests and local runs. See wix-emulator.ts for the
 * endpoints and their rules, seed.ts for the data table, tokens.ts for the dev identities; module-emulation.ts
 * for SDK modules emulated from their `meta`, project-modules.ts and seed-file.ts for a project's own.
 */
export {
  MODELLED_MODULES,
  createWixEmulator,
  type FaultAction,
  type RecordedRequest,
  type RouteName,
  type WixEmulator,
  type WixEmulatorOptions,
} from './wix-emulator.ts';
export { APP_ID, DEV_APP_SECRET, INSTANCE_ID, bareToken, devTokens, type SubjectType } from './tokens.ts';
export { HIDDEN_PRODUCT_IDS, SEED_CONTACT_TABLE, SEED_LOYALTY_ACCOUNT_TABLE, SEED_ORDER_TABLE, productId } from './seed.ts';
export { wixHandlers } from './msw-handlers.ts';
export { DEFAULT_SEED_FILE } from './seed-file.ts';
export { emulatedModulesFor } from './project-modules.ts';
export { formatEmulatorDiagnostic } from './emulator-diagnostic.ts';
