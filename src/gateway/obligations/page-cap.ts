// Caps the page size of a list call in every paging form the method accepts (`cursorPaging`,
// `paging`); a missing size gets the cap, a larger one is cut to it, a malformed one is refused.
// A size of 0 (or -0) is "missing" too: Wix reads 0 as "use the method's default page size",
// which may be larger than the cap (queryProducts: 100).
import { isPlainObject } from '../../policy/conditions/strict-matcher';
import { invalid } from '../errors';

/** The cap, and the paging forms whose size the gateway set or cut (never the sizes asked for: argument values stay out of the log). */
export interface CapApplied { cap: number; enforced: string[] }

export function applyPageCap(query: Record<string, unknown>, cap: number, queryPath: string): CapApplied {
  const enforced: string[] = [];
  let anyForm = false;
  for (const form of ['cursorPaging', 'paging'] as const) {
    if (!Object.hasOwn(query, form)) continue;
    anyForm = true;
    const paging = query[form];
    if (!isPlainObject(paging)) throw invalid(`${queryPath}.${form} must be an object`);
    const limit = paging.limit;
    if (limit === undefined || limit === null) { paging.limit = cap; enforced.push(form); continue; }
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
      throw invalid(`${queryPath}.${form}.limit must be a non-negative integer`);
    }
    if (limit === 0 || limit > cap) { paging.limit = cap; enforced.push(form); }
  }
  if (!anyForm) { query.cursorPaging = { limit: cap }; enforced.push('cursorPaging'); }
  return { cap, enforced };
}
