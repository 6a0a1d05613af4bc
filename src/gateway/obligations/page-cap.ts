// Caps the page size of a list call in every paging form the method accepts (`cursorPaging`,
// `paging`); a missing size gets the cap, a larger one is cut to it, a malformed one is refused.
// A size of 0 (or -0) is "missing" too: Wix reads 0 as "use the method's default page size",
// which may be larger than the cap (queryProducts: 100).
import { isPlainObject } from '../../policy/conditions/strict-matcher';
import { invalid } from '../errors';

export interface CapApplied { cap: number; requested: Record<string, unknown> }

export function applyPageCap(query: Record<string, unknown>, cap: number, queryPath: string): CapApplied {
  const requested: Record<string, unknown> = {};
  let anyForm = false;
  for (const form of ['cursorPaging', 'paging'] as const) {
    if (!Object.hasOwn(query, form)) continue;
    anyForm = true;
    const paging = query[form];
    if (!isPlainObject(paging)) throw invalid(`${queryPath}.${form} must be an object`);
    const limit = paging.limit;
    requested[form] = limit;
    if (limit === undefined || limit === null) { paging.limit = cap; continue; }
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
      throw invalid(`${queryPath}.${form}.limit must be a non-negative integer`);
    }
    if (limit === 0 || limit > cap) paging.limit = cap;
  }
  if (!anyForm) query.cursorPaging = { limit: cap };
  return { cap, requested };
}
