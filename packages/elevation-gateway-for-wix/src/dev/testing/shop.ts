// Where the product's own fixture app lives: test/fixtures/shop/, a minimal Wix CLI for Apps app
// with a shop policy (orders and products). The package's tests, the bench, the workerd harness and
// the dev server use it, never an example app. Paths are relative to the package folder, which is
// the working directory of the tests and of `elevate` run from the package (elevate.config.json
// points its defaults here), so diagnostics print them as written; `SHOP_ABSOLUTE` holds the same
// paths resolved, for what must not depend on the working directory.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = 'test/fixtures/shop';

export const SHOP = {
  /** The app's folder (its wix.config.json and package.json). */
  root: ROOT,
  /** The policy folder. */
  policies: `${ROOT}/policies`,
  /** The policy tests. */
  tests: `${ROOT}/policies/tests`,
  /** The committed generated policy module. */
  generated: `${ROOT}/src/generated/policy.ts`,
  /** The app's elevation endpoint. */
  api: `${ROOT}/src/backend/api/elevate/api.ts`,
  /** The approved permitted-call inventory. */
  approved: `${ROOT}/policies/permitted-calls.approved.json`,
} as const;

/** The package folder (the one that holds test/), wherever the working directory is. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

export const SHOP_ABSOLUTE = Object.fromEntries(Object.entries(SHOP).map(([k, v]) => [k, `${PACKAGE_ROOT}/${v}`])) as { [K in keyof typeof SHOP]: string };

/** The shop policy's rule granting members their own order, up to the blank line after it (tests remove it). */
export const OWN_ORDER_RULE = /\n  - id: member-reads-own-order\n[\s\S]*?\n\n/;

/**
 * A temporary copy of the shop's policy folder, for a local server whose policy a test edits or
 * saves (never the tree's): the folder, its policy.yaml and that file's text.
 */
export function copyShopPolicies(prefix: string): { dir: string; file: string; original: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(SHOP_ABSOLUTE.policies, dir, { recursive: true });
  const file = join(dir, 'policy.yaml');
  return { dir, file, original: readFileSync(file, 'utf8') };
}
