// Caps the page size of a list call. The query has been checked against the method's signature, so
// it holds at most one paging form and only forms the method declares: a size there that is
// missing, zero or larger than the cap becomes the cap; without any, the method's own form gets
// one. A size of 0 is "missing" too: Wix reads 0 as "use the method's default page size", which may
// be larger than the cap (queryProducts: 100).
import { isPlainObject } from '../../conditions/json-value.ts';
import type { PagingForm } from '../../sdk/query-shape.ts';

/** The cap, and the paging forms whose size the gateway set or cut (never the sizes asked for: argument values stay out of the log). */
export interface CapApplied {
  cap: number;
  enforced: string[];
}

export function applyPageCap(query: Record<string, unknown>, cap: number, forms: readonly PagingForm[]): CapApplied {
  const enforced: string[] = [];
  const given = forms.filter((f) => query[f] !== undefined && query[f] !== null);
  if (given.length === 0) {
    if (forms[0]) {
      query[forms[0]] = { limit: cap };
      enforced.push(forms[0]);
    }
    return { cap, enforced };
  }
  for (const form of given) {
    const paging = query[form];
    if (!isPlainObject(paging)) continue; // the signature admits objects only
    const limit = paging.limit;
    if (typeof limit !== 'number' || limit === 0 || limit > cap) {
      paging.limit = cap;
      enforced.push(form);
    }
  }
  return { cap, enforced };
}
