// Resource conditions as a Wix filter, no narrower than the conditions: written in the SDK's
// spelling (`_id`; the SDK renames it for REST, as it does the client's), within what the method's
// query accepts. Wix filters are MongoDB-like; operators Wix has no equivalent for, and fields or
// operators the method's query spec does not declare filterable, are left out (which only makes the
// filter wider, and says so through `Pushed`). Shared by the gateway (the forced filter) and the
// reviewer tools (explain, the risk lint).
import type { Conditions } from './strict-matcher.ts';
import { isPlainObject } from './json-value.ts';
import { interpolate } from './placeholders.ts';
import type { QueryShape } from '../sdk/query-shape.ts';

/** A placeholder the caller has no value for: the conditions cannot be written as a filter. */
export class UnresolvedPlaceholder extends Error {
  constructor() {
    super('a resource placeholder has no value for this caller');
    this.name = 'UnresolvedPlaceholder';
  }
}

const PUSHABLE = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
type Filter = Record<string, unknown>;
/** Which operators may be pushed for a field (undefined: any of PUSHABLE, the filter is open). */
type Spec = Map<string, Set<string>> | undefined;

/** Whether everything the conditions say went into the pushed filter (else it is only wider). */
export interface Pushed {
  complete: boolean;
}

function fieldFilter(field: string, spec: unknown, filterable: Spec, pushed: Pushed): Filter | undefined {
  const allowed = filterable ? filterable.get(field) : PUSHABLE;
  if (!allowed) {
    pushed.complete = false;
    return undefined;
  }
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
export function conditionsToFilter(
  conditions: Conditions | undefined,
  caller: Record<string, unknown>,
  filterable: QueryShape['filter'] = 'open',
  pushed: Pushed = { complete: true },
): Filter | undefined {
  if (!conditions) {
    pushed.complete = false;
    return undefined;
  }
  const resolved = interpolate(conditions, caller) as Conditions;
  // A placeholder the caller has no value for must not turn into an empty (match-all) filter.
  if (holdsUndefined(resolved)) throw new UnresolvedPlaceholder();
  if (filterable === undefined) {
    pushed.complete = false;
    return undefined;
  }
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
export function combinedFilter(
  resources: (Conditions | undefined)[],
  caller: Record<string, unknown>,
  filterable: QueryShape['filter'] = 'open',
  pushed: Pushed = { complete: true },
): Filter | undefined {
  if (resources.some((r) => r === undefined)) {
    pushed.complete = false;
    return undefined;
  } // one rule is unrestricted
  const filters = resources.map((r) => conditionsToFilter(r, caller, filterable, pushed));
  if (filters.some((f) => f === undefined)) {
    pushed.complete = false;
    return undefined;
  }
  return filters.length === 1 ? filters[0] : { $or: filters };
}
