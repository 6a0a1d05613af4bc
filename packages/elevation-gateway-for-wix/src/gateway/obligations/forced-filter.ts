// The forced filter of a restricted list: the allowing rules' conditions as one Wix filter (see
// conditions/wix-filter.ts), joined to the client's with `$and`, so the client's filter can only
// narrow the result. Every returned item is checked again against the real conditions: the filter
// is an optimisation, the item check the guarantee.
import { isPlainObject } from '../../conditions/json-value.ts';
import { combinedFilter, UnresolvedPlaceholder, type Pushed } from '../../conditions/wix-filter.ts';
import type { Conditions } from '../../conditions/strict-matcher.ts';
import type { QueryShape } from '../../sdk/query-shape.ts';
import type { Caller } from '../../contract/caller.ts';
import { forbidden } from '../errors.ts';

type Filter = Record<string, unknown>;

/** The rules' filter for this caller; a placeholder without a value refuses the call (never a match-all filter). */
export function forcedFilter(resources: (Conditions | undefined)[], caller: Caller, filterable: QueryShape['filter'], pushed: Pushed): Filter | undefined {
  try {
    return combinedFilter(resources, caller as unknown as Record<string, unknown>, filterable, pushed);
  } catch (e) {
    if (e instanceof UnresolvedPlaceholder) throw forbidden(e.message);
    throw e;
  }
}

/** Joins the forced filter to the client's (already checked) one: never wider than the forced one. */
export function narrowFilter(query: Record<string, unknown>, forced: Filter): void {
  const client = query.filter;
  query.filter = client === undefined || client === null || (isPlainObject(client) && Object.keys(client).length === 0) ? forced : { $and: [client, forced] };
}
