// Turns resource conditions into a Wix filter and joins it to the client's filter with `$and`, so
// the client's filter can only narrow the result. Wix filters are MongoDB-like; operators Wix has
// no equivalent for are left out of the pushed filter (which only makes it wider) — every
// returned item is checked again against the real conditions, so the filter is an optimisation
// and the item check is the guarantee.
import type { Conditions } from '../../policy/conditions/strict-matcher';
import { isPlainObject } from '../../policy/conditions/strict-matcher';
import { interpolate } from '../../policy/conditions/placeholders';
import type { Caller } from '../caller';
import { forbidden, invalid } from '../errors';

const PUSHABLE = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
type Filter = Record<string, unknown>;

/** SDK field names → REST names (the SDK renames `id` to `_id` and so on in results). */
const restField = (path: string) => path.split('.').map((s) => (s === '_id' ? 'id' : s.startsWith('_') ? s.slice(1) : s)).join('.');

function fieldFilter(spec: unknown): Filter | undefined {
  if (!isPlainObject(spec) || !Object.keys(spec).every((k) => k.startsWith('$'))) return { $eq: spec };
  const out: Filter = {};
  for (const [op, arg] of Object.entries(spec)) if (PUSHABLE.has(op)) out[op] = arg;
  return Object.keys(out).length ? out : undefined;
}

/** True when a value holds `undefined` anywhere (what a placeholder without a value becomes). */
function holdsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsUndefined);
  return false;
}

/** A Wix filter no narrower than the conditions (undefined: nothing could be pushed down). */
export function conditionsToFilter(conditions: Conditions | undefined, caller: Caller): Filter | undefined {
  if (!conditions) return undefined;
  const resolved = interpolate(conditions, caller as unknown as Record<string, unknown>) as Conditions;
  // A placeholder the caller has no value for must not turn into an empty (match-all) filter.
  if (holdsUndefined(resolved)) throw forbidden('a resource placeholder has no value for this caller');
  return resolvedToFilter(resolved);
}

function resolvedToFilter(resolved: Conditions): Filter | undefined {
  const parts: Filter[] = [];
  for (const [key, spec] of Object.entries(resolved)) {
    if (key === '$and' || key === '$or') {
      const subs = (spec as Conditions[]).map(resolvedToFilter);
      if (key === '$and') subs.forEach((s) => s && parts.push(s));
      else if (subs.every((s) => s !== undefined)) parts.push({ $or: subs });
      continue;
    }
    const f = fieldFilter(spec);
    if (f) parts.push({ [restField(key)]: f });
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { $and: parts };
}

/** The rules' filters OR'd: an item may come back when any allowing rule would let it. */
export function combinedFilter(resources: (Conditions | undefined)[], caller: Caller): Filter | undefined {
  if (resources.some((r) => r === undefined)) return undefined; // one rule is unrestricted
  const filters = resources.map((r) => conditionsToFilter(r, caller));
  if (filters.some((f) => f === undefined)) return undefined;
  return filters.length === 1 ? filters[0] : { $or: filters };
}

/** Joins the forced filter to the client's: the result is never wider than the forced one. */
export function narrowFilter(query: Record<string, unknown>, forced: Filter, queryPath: string): void {
  const client = query.filter;
  if (client === undefined || client === null) { query.filter = forced; return; }
  if (!isPlainObject(client)) throw invalid(`${queryPath}.filter must be an object`);
  query.filter = Object.keys(client).length === 0 ? forced : { $and: [client, forced] };
}

/** Every field path a Wix filter or sort mentions (operators and their operands left out). */
export function fieldsMentioned(query: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown, base: string) => {
    if (Array.isArray(node)) { node.forEach((n) => walk(n, base)); return; }
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('$')) { walk(value, base); continue; }
      const path = base ? `${base}.${key}` : key;
      out.push(path);
      // `{ a: { b: 1 } }` is a path only through operators; nested plain objects are values.
      if (isPlainObject(value) && Object.keys(value).every((k) => k.startsWith('$'))) {
        for (const [op, arg] of Object.entries(value)) if (op === '$elemMatch' || op === '$not') walk(arg, path);
      }
    }
  };
  walk(query.filter, '');
  if (Array.isArray(query.sort)) {
    for (const s of query.sort) if (isPlainObject(s) && typeof s.fieldName === 'string') out.push(s.fieldName);
  }
  return out;
}
