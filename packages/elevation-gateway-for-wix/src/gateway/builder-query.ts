// A query method that only returns a query builder (`items.query(collectionId)` of
// `@wix/wix-data-items-sdk` before 1.0.512) takes the gateway's JSON form of the query instead:
// `{ filter, sort, paging: { limit, offset }, fields }`, checked like any argument, narrowed by the
// forced filter and capped like any query. Here it is mapped onto the builder's documented methods
// (eq, ne, gt, ge, lt, le, hasSome or in, hasAll, startsWith, isEmpty/isNotEmpty or exists, and,
// or, not, ascending, descending, limit, skip, fields: those the builder has) and run; the result becomes plain data
// (`{ items, pagingMetadata }`), so the items are re-checked and masked as in any list.
import { isPlainObject } from '../conditions/json-value.ts';
import { internal, invalid } from './errors.ts';

/**
 * The builder methods the mapping may use. Builders differ: Wix Data's `WixDataQuery` has them all;
 * `members.queryMembers`' builder has eq, ne, gt, ge, lt, le, startsWith, in, exists, limit, skip
 * and find. A query that needs a method its builder lacks is refused (400), never approximated.
 */
interface QueryBuilder {
  eq?(field: string, value: unknown): QueryBuilder;
  ne?(field: string, value: unknown): QueryBuilder;
  gt?(field: string, value: unknown): QueryBuilder;
  ge?(field: string, value: unknown): QueryBuilder;
  lt?(field: string, value: unknown): QueryBuilder;
  le?(field: string, value: unknown): QueryBuilder;
  hasSome?(field: string, values: unknown[]): QueryBuilder;
  in?(field: string, values: unknown[]): QueryBuilder;
  hasAll?(field: string, values: unknown[]): QueryBuilder;
  startsWith?(field: string, value: string): QueryBuilder;
  isEmpty?(field: string): QueryBuilder;
  isNotEmpty?(field: string): QueryBuilder;
  exists?(field: string, value: boolean): QueryBuilder;
  and?(query: QueryBuilder): QueryBuilder;
  or?(query: QueryBuilder): QueryBuilder;
  not?(query: QueryBuilder): QueryBuilder;
  ascending?(...fields: string[]): QueryBuilder;
  descending?(...fields: string[]): QueryBuilder;
  limit?(n: number): QueryBuilder;
  skip?(n: number): QueryBuilder;
  fields?(...fields: string[]): QueryBuilder;
  find(): Promise<{ items: unknown[]; totalCount?: number; hasNext?: () => boolean }>;
}
type Method = Exclude<keyof QueryBuilder, 'find'>;

function asBuilder(value: unknown): QueryBuilder {
  if (value === null || typeof value !== 'object' || typeof (value as { find?: unknown }).find !== 'function') {
    throw internal('the SDK did not return a query builder');
  }
  return value as QueryBuilder;
}

/** The builder's method, or a 400 naming what the query asked for that this builder cannot express. */
function method<M extends Method>(b: QueryBuilder, name: M, what: string): NonNullable<QueryBuilder[M]> {
  const fn = b[name];
  if (typeof fn !== 'function') throw invalid(`this query cannot express ${what}: the SDK's query builder has no ${name}()`);
  return (fn as (...a: unknown[]) => QueryBuilder).bind(b) as NonNullable<QueryBuilder[M]>;
}

const has = (b: QueryBuilder, name: Method) => typeof b[name] === 'function';

async function condition(b: QueryBuilder, field: string, value: unknown, fresh: () => Promise<QueryBuilder>): Promise<QueryBuilder> {
  if (!isPlainObject(value)) return method(b, 'eq', 'equality')(field, value);
  for (const [op, operand] of Object.entries(value)) {
    switch (op) {
      case '$eq':
        b = method(b, 'eq', op)(field, operand);
        break;
      case '$ne':
        b = method(b, 'ne', op)(field, operand);
        break;
      case '$gt':
        b = method(b, 'gt', op)(field, operand);
        break;
      case '$gte':
        b = method(b, 'ge', op)(field, operand);
        break;
      case '$lt':
        b = method(b, 'lt', op)(field, operand);
        break;
      case '$lte':
        b = method(b, 'le', op)(field, operand);
        break;
      case '$in':
      case '$hasSome':
        b = has(b, 'hasSome') || op === '$hasSome' ? method(b, 'hasSome', op)(field, operand as unknown[]) : method(b, 'in', op)(field, operand as unknown[]);
        break;
      case '$nin': {
        const inner = await fresh();
        b = method(
          b,
          'not',
          op,
        )(has(inner, 'hasSome') ? method(inner, 'hasSome', op)(field, operand as unknown[]) : method(inner, 'in', op)(field, operand as unknown[]));
        break;
      }
      case '$hasAll':
        b = method(b, 'hasAll', op)(field, operand as unknown[]);
        break;
      case '$startsWith':
        b = method(b, 'startsWith', op)(field, operand as string);
        break;
      case '$exists':
      case '$isEmpty': {
        const present = (op === '$exists') === (operand === true);
        if (has(b, 'isNotEmpty') && has(b, 'isEmpty')) b = present ? method(b, 'isNotEmpty', op)(field) : method(b, 'isEmpty', op)(field);
        else b = method(b, 'exists', op)(field, present);
        break;
      }
      default:
        throw invalid(`a builder query cannot express the operator ${op}`);
    }
  }
  return b;
}

async function filtered(b: QueryBuilder, filter: Record<string, unknown>, fresh: () => Promise<QueryBuilder>): Promise<QueryBuilder> {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') {
      for (const f of value as Record<string, unknown>[]) b = await filtered(b, f, fresh);
    } else if (key === '$or') {
      const arms: QueryBuilder[] = [];
      for (const f of value as Record<string, unknown>[]) arms.push(await filtered(await fresh(), f, fresh));
      if (arms.length === 0) throw invalid('$or needs at least one filter');
      b =
        arms.length === 1
          ? await filtered(b, (value as Record<string, unknown>[])[0]!, fresh)
          : method(b, 'and', '$or')(arms.reduce((x, y) => method(x, 'or', '$or')(y)));
    } else if (key === '$not') {
      b = method(b, 'not', '$not')(await filtered(await fresh(), value as Record<string, unknown>, fresh));
    } else b = await condition(b, key, value, fresh);
  }
  return b;
}

interface JsonQuery {
  filter?: Record<string, unknown>;
  sort?: { fieldName: string; order?: 'ASC' | 'DESC' }[];
  paging?: { limit?: number; offset?: number };
  fields?: string[];
}

/**
 * Runs `query` (the admitted JSON form at `args[queryArg]`) on the builder that `call(...leading)`
 * returns (`call` is the elevated function: every builder it makes, and their `find`, run as the app).
 */
export async function runBuilderQuery(call: (...args: unknown[]) => unknown, args: unknown[], queryArg: number): Promise<Record<string, unknown>> {
  const leading = args.slice(0, queryArg);
  // A self-hosted elevation resolves the app's client first: the builder may come in a promise.
  const fresh = async () => asBuilder(await call(...leading));
  const query = (args[queryArg] ?? {}) as JsonQuery;
  let b = await fresh();
  if (query.filter) b = await filtered(b, query.filter, fresh);
  for (const s of query.sort ?? []) b = s.order === 'DESC' ? method(b, 'descending', 'a sort')(s.fieldName) : method(b, 'ascending', 'a sort')(s.fieldName);
  if (query.paging?.limit !== undefined) b = method(b, 'limit', 'a page size')(query.paging.limit);
  if (query.paging?.offset) b = method(b, 'skip', 'an offset')(query.paging.offset);
  if (query.fields?.length) b = method(b, 'fields', 'a field projection')(...query.fields);
  const result = await b.find();
  if (!result || !Array.isArray(result.items)) throw internal('the query builder returned no items');
  const pagingMetadata: Record<string, unknown> = { count: result.items.length, offset: query.paging?.offset ?? 0 };
  if (typeof result.totalCount === 'number') pagingMetadata.total = result.totalCount;
  if (typeof result.hasNext === 'function') pagingMetadata.hasNext = result.hasNext() === true;
  return { items: [...result.items], pagingMetadata };
}
