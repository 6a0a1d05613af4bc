// Turns resource conditions into a Wix filter and joins it to the client's filter with `$and`, so
// the client's filter can only narrow the result. The filter is written in the SDK's spelling
// (`_id`; the SDK renames it for REST, as it does the client's). Wix filters are MongoDB-like;
// operators Wix has no equivalent for, and fields or operators the method's query spec does not
// declare filterable, are left out of the pushed filter (which only makes it wider) — every
// returned item is checked again against the real conditions, so the filter is an optimisation
// and the item check is the guarantee.
import type { Conditions } from '../../policy/conditions/strict-matcher';
import { isPlainObject } from '../../policy/conditions/strict-matcher';
import { interpolate } from '../../policy/conditions/placeholders';
import type { Caller } from '../caller';
import type { QueryShape } from '../arguments/query-shape';
import { forbidden } from '../errors';

const PUSHABLE = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
type Filter = Record<string, unknown>;
/** Which operators may be pushed for a field (undefined: any of PUSHABLE, the filter is open). */
type Spec = Map<string, Set<string>> | undefined;

/** Whether everything the conditions say went into the pushed filter (else it is only wider). */
export interface Pushed { complete: boolean }

function fieldFilter(field: string, spec: unknown, filterable: Spec, pushed: Pushed): Filter | undefined {
  const allowed = filterable ? filterable.get(field) : PUSHABLE;
  if (!allowed) { pushed.complete = false; return undefined; }
  if (!isPlainObject(spec) || !Object.keys(spec).every((k) => k.startsWith('$'))) {
    if (allowed.has('$eq')) return { $eq: spec };
    pushed.complete = false;
    return undefined;
  }
  const out: Filter = {};
  for (const [op, arg] of Object.entries(spec)) {
    if (PUSHABLE.has(op) && allowed.has(op)) out[op] = arg;
    else pushed.complete = false;
  }
  return Object.keys(out).length ? out : undefined;
}

/** True when a value holds `undefined` anywhere (what a placeholder without a value becomes). */
function holdsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsUndefined);
  return false;
}

/**
 * A Wix filter no narrower than the conditions (undefined: nothing could be pushed down), within
 * what the method's query accepts.
 */
export function conditionsToFilter(conditions: Conditions | undefined, caller: Caller, filterable: QueryShape['filter'] = 'open', pushed: Pushed = { complete: true }): Filter | undefined {
  if (!conditions) { pushed.complete = false; return undefined; }
  const resolved = interpolate(conditions, caller as unknown as Record<string, unknown>) as Conditions;
  // A placeholder the caller has no value for must not turn into an empty (match-all) filter.
  if (holdsUndefined(resolved)) throw forbidden('a resource placeholder has no value for this caller');
  if (filterable === undefined) { pushed.complete = false; return undefined; }
  return resolvedToFilter(resolved, filterable === 'open' ? undefined : filterable, pushed);
}

function resolvedToFilter(resolved: Conditions, filterable: Spec, pushed: Pushed): Filter | undefined {
  const parts: Filter[] = [];
  for (const [key, spec] of Object.entries(resolved)) {
    if (key === '$and' || key === '$or') {
      const subs = (spec as Conditions[]).map((c) => resolvedToFilter(c, filterable, pushed));
      if (key === '$and') subs.forEach((s) => s && parts.push(s));
      else if (subs.every((s) => s !== undefined)) parts.push({ $or: subs });
      else pushed.complete = false;
      continue;
    }
    const f = fieldFilter(key, spec, filterable, pushed);
    if (f) parts.push({ [key]: f });
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { $and: parts };
}

/** The rules' filters OR'd: an item may come back when any allowing rule would let it. */
export function combinedFilter(resources: (Conditions | undefined)[], caller: Caller, filterable: QueryShape['filter'] = 'open', pushed: Pushed = { complete: true }): Filter | undefined {
  if (resources.some((r) => r === undefined)) { pushed.complete = false; return undefined; } // one rule is unrestricted
  const filters = resources.map((r) => conditionsToFilter(r, caller, filterable, pushed));
  if (filters.some((f) => f === undefined)) { pushed.complete = false; return undefined; }
  return filters.length === 1 ? filters[0] : { $or: filters };
}

/** Joins the forced filter to the client's (already checked) one: never wider than the forced one. */
export function narrowFilter(query: Record<string, unknown>, forced: Filter): void {
  const client = query.filter;
  query.filter = client === undefined || client === null || (isPlainObject(client) && Object.keys(client).length === 0)
    ? forced
    : { $and: [client, forced] };
}
