/**
 * A small evaluator of Wix's API query language (the `filter` / `sort` of Query and Search methods).
 *
 * Filter: a Mongo-like object.
 *   - `{ "field": value }`                 implicit `$eq`
 *   - `{ "field": { "$op": arg, ... } }`    field operators: $eq $ne $gt $gte $lt $lte $in $nin $exists
 *                                           $hasSome $hasAll $startsWith $isEmpty
 *   - `{ "$and": [f, …] }`, `{ "$or": [f, …] }`, `{ "$nor": [f, …] }`, `{ "$not": f }` (or `[f, …]`, as Wix Data's builder sends it)
 *   - several keys in one object are AND-ed.
 *   - dotted paths (`buyerInfo.memberId`); a path that crosses an array matches when any element matches
 *     (`lineItems.productName.original`).
 * Semantics chosen to match Wix / Mongo where they are observable:
 *   - `$ne` / `$nin` also match documents where the field is missing.
 *   - `null` as an equality target matches a missing field.
 *   - `$gt`… compare numbers numerically, decimal strings ("12.50") numerically, other strings by code unit
 *     (ISO-8601 dates therefore compare chronologically); mixed types never match.
 *   - `$startsWith` is case-insensitive (as in Wix).
 *   - `{ "$date": "…" }` values are unwrapped to their ISO string.
 * Anything else (unknown operator, wrong argument type) throws a FilterError, which the emulator answers with
 * a 400 validation error, like Wix does.
 *
 * Sort: `[{ fieldName, order?: "ASC" | "DESC" }]` (missing values sort last in ASC).
 */
import { isPlainObject } from './json.ts';

export class FilterError extends Error {
  /** where in the request the problem is (`filter`, `filter.$or[1]`, `sort[0].order`) */
  readonly path: string;
  constructor(message: string, at = '') {
    // field-level errors arrive as "<where>: <field>"; keep the field in the message, the position in `path`
    const sep = at.indexOf(': ');
    const path = sep >= 0 ? at.slice(0, sep) : at;
    const field = sep >= 0 ? at.slice(sep + 2) : '';
    super(field ? `${message} (field ${field})` : message);
    this.name = 'FilterError';
    this.path = path;
  }
}

export interface WixSort {
  fieldName: string;
  order?: 'ASC' | 'DESC' | string;
}

const FIELD_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$hasSome', '$hasAll', '$startsWith', '$isEmpty']);

/** Unwraps `{ $date: "…" }` and leaves everything else alone. */
function normalizeArg(value: unknown): unknown {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$date') return value.$date;
  }
  return value;
}

/**
 * Values found at a dotted path. Arrays on the way are traversed (each element continues the path), so the
 * result may hold several values; a missing segment yields `undefined`.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const walk = (node: unknown, i: number): unknown[] => {
    if (i === parts.length) return [node];
    if (Array.isArray(node)) return node.length === 0 ? [undefined] : node.flatMap((el) => walk(el, i));
    if (isPlainObject(node)) {
      const key = parts[i]!;
      return walk(Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined, i + 1);
    }
    return [undefined];
  };
  return walk(doc, 0);
}

/** Leaf values with leaf arrays opened up (what `$eq 'x'` on an array field compares against). */
function flatValues(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** -1/0/1, or undefined when the two values are not comparable. */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'number' && DECIMAL.test(a)) return compareValues(Number(a), b);
  if (typeof a === 'number' && typeof b === 'string' && DECIMAL.test(b)) return compareValues(a, Number(b));
  if (typeof a === 'string' && typeof b === 'string') {
    if (DECIMAL.test(a) && DECIMAL.test(b)) return compareValues(Number(a), Number(b));
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return undefined;
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

function equalsAny(values: unknown[], target: unknown): boolean {
  const t = normalizeArg(target);
  if (t === null || t === undefined) return values.some(isMissing);
  return flatValues(values).some((v) => deepEqual(v, t) || compareValues(v, t) === 0);
}

function requireArray(op: string, arg: unknown, path: string): unknown[] {
  if (!Array.isArray(arg)) throw new FilterError(`${op} expects an array`, path);
  return arg.map(normalizeArg);
}

function applyOperator(values: unknown[], op: string, rawArg: unknown, path: string): boolean {
  const arg = normalizeArg(rawArg);
  switch (op) {
    case '$eq':
      return equalsAny(values, arg);
    case '$ne':
      return !equalsAny(values, arg);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (arg === null || typeof arg === 'object') throw new FilterError(`${op} expects a scalar`, path);
      return flatValues(values).some((v) => {
        const c = compareValues(v, arg);
        if (c === undefined) return false;
        return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0;
      });
    }
    case '$in':
      return requireArray(op, arg, path).some((t) => equalsAny(values, t));
    case '$nin':
      return !requireArray(op, arg, path).some((t) => equalsAny(values, t));
    case '$exists':
      if (typeof arg !== 'boolean') throw new FilterError('$exists expects a boolean', path);
      return values.some((v) => !isMissing(v)) === arg;
    case '$isEmpty': {
      if (typeof arg !== 'boolean') throw new FilterError('$isEmpty expects a boolean', path);
      const empty = values.every((v) => isMissing(v) || v === '' || (Array.isArray(v) && v.length === 0));
      return empty === arg;
    }
    case '$hasSome': {
      const wanted = requireArray(op, arg, path);
      const have = values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => !isMissing(v));
      return wanted.some((w) => have.some((h) => deepEqual(h, w)));
    }
    case '$hasAll': {
      const wanted = requireArray(op, arg, path);
      const have = values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => !isMissing(v));
      return wanted.every((w) => have.some((h) => deepEqual(h, w)));
    }
    case '$startsWith': {
      if (typeof arg !== 'string') throw new FilterError('$startsWith expects a string', path);
      const prefix = arg.toLowerCase();
      return flatValues(values).some((v) => typeof v === 'string' && v.toLowerCase().startsWith(prefix));
    }
    default:
      throw new FilterError(`unknown operator ${op}`, path);
  }
}

/** `field` is the dotted document path; `where` is the position in the filter (for error reports). */
function matchesField(doc: unknown, field: string, condition: unknown, where: string): boolean {
  if (field === '') throw new FilterError('empty field name', where);
  const path = `${where}: ${field}`;
  const values = valuesAtPath(doc, field);
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    const opKeys = keys.filter((k) => k.startsWith('$'));
    if (opKeys.length > 0 && !(keys.length === 1 && keys[0] === '$date')) {
      if (opKeys.length !== keys.length) throw new FilterError('cannot mix operators and values', path);
      for (const op of opKeys) {
        if (!FIELD_OPERATORS.has(op)) throw new FilterError(`unknown operator ${op}`, path);
      }
      return opKeys.every((op) => applyOperator(values, op, condition[op], path));
    }
  }
  return equalsAny(values, condition);
}

/** Whether `doc` satisfies `filter`. An undefined / empty filter matches everything. Throws FilterError. */
export function matchesFilter(doc: unknown, filter: unknown, path = 'filter'): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isPlainObject(filter)) throw new FilterError('filter must be an object', path);
  return Object.entries(filter).every(([key, condition]) => {
    switch (key) {
      case '$and':
        return requireArray(key, condition, path).every((f, i) => matchesFilter(doc, f, `${path}.$and[${i}]`));
      case '$or': {
        const list = requireArray(key, condition, path);
        // evaluate all branches so that an invalid one is reported even when an earlier one matched
        const results = list.map((f, i) => matchesFilter(doc, f, `${path}.$or[${i}]`));
        return results.some(Boolean);
      }
      case '$nor':
        return !requireArray(key, condition, path)
          .map((f, i) => matchesFilter(doc, f, `${path}.$nor[${i}]`))
          .some(Boolean);
      case '$not':
        // Wix Data's query builder sends `not(q)` as `{ $not: [filter] }`: not all of them.
        if (Array.isArray(condition)) return !condition.every((f, i) => matchesFilter(doc, f, `${path}.$not[${i}]`));
        return !matchesFilter(doc, condition, `${path}.$not`);
      default:
        if (key.startsWith('$')) throw new FilterError(`unknown operator ${key}`, path);
        return matchesField(doc, key, condition, path);
    }
  });
}

/** Validates a filter once, without any document (throws FilterError on a malformed filter). */
export function validateFilter(filter: unknown, path = 'filter'): void {
  matchesFilter({}, filter, path);
}

/** One field condition of a filter: the dotted field and the operator applied to it (`$eq` when implicit). */
export interface FilterCondition {
  field: string;
  operator: string;
  /** position in the filter, as FilterError reports it (`filter.$or[1]`) */
  at: string;
}

/**
 * Every field condition in a filter, through `$and` / `$or` / `$nor` / `$not` (what a query method's WQL spec
 * is checked against). Call `validateFilter` first: a malformed filter throws FilterError here too.
 */
export function filterConditions(filter: unknown, path = 'filter'): FilterCondition[] {
  if (filter === undefined || filter === null) return [];
  if (!isPlainObject(filter)) throw new FilterError('filter must be an object', path);
  return Object.entries(filter).flatMap(([key, condition]): FilterCondition[] => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      return requireArray(key, condition, path).flatMap((f, i) => filterConditions(f, `${path}.${key}[${i}]`));
    }
    if (key === '$not') {
      const list = Array.isArray(condition) ? condition : [condition];
      return list.flatMap((f, i) => filterConditions(f, Array.isArray(condition) ? `${path}.$not[${i}]` : `${path}.$not`));
    }
    if (key.startsWith('$')) throw new FilterError(`unknown operator ${key}`, path);
    if (isPlainObject(condition)) {
      const ops = Object.keys(condition).filter((k) => k.startsWith('$'));
      if (ops.length > 0 && !(ops.length === 1 && ops[0] === '$date')) return ops.map((operator) => ({ field: key, operator, at: path }));
    }
    return [{ field: key, operator: '$eq', at: path }];
  });
}

/** Validates and normalises a Wix sort spec. Throws FilterError. */
export function normalizeSort(sort: unknown, path = 'sort'): WixSort[] {
  if (sort === undefined || sort === null) return [];
  if (!Array.isArray(sort)) throw new FilterError('sort must be an array', path);
  return sort.map((s, i) => {
    if (!isPlainObject(s) || typeof s.fieldName !== 'string' || s.fieldName === '') {
      throw new FilterError('sort entries need a fieldName', `${path}[${i}]`);
    }
    const order = s.order === undefined ? 'ASC' : s.order;
    if (order !== 'ASC' && order !== 'DESC') throw new FilterError('order must be ASC or DESC', `${path}[${i}].order`);
    return { fieldName: s.fieldName, order };
  });
}

/** A stable sort by the given spec (first value at each path; missing values last in ASC, first in DESC). */
export function sortItems<T>(items: readonly T[], sort: readonly WixSort[]): T[] {
  if (sort.length === 0) return [...items];
  const indexed = items.map((item, index) => ({ item, index }));
  indexed.sort((x, y) => {
    for (const { fieldName, order } of sort) {
      const a = valuesAtPath(x.item, fieldName)[0];
      const b = valuesAtPath(y.item, fieldName)[0];
      let c: number;
      if (isMissing(a) && isMissing(b)) c = 0;
      else if (isMissing(a)) c = 1;
      else if (isMissing(b)) c = -1;
      else c = compareValues(a, b) ?? String(a).localeCompare(String(b));
      if (order === 'DESC') c = -c;
      if (c !== 0) return c;
    }
    return x.index - y.index;
  });
  return indexed.map((e) => e.item);
}
