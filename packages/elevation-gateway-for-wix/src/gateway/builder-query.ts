// A query method that only returns a query builder (`items.query(collectionId)` of
// `@wix/wix-data-items-sdk` before 1.0.512) takes the gateway's JSON form of the query instead:
// `{ filter, sort, paging: { limit, offset }, fields }`, checked like any argument, narrowed by the
// forced filter and capped like any query. Here it is mapped onto the builder's documented methods
// (eq, ne, gt, ge, lt, le, hasSome, hasAll, startsWith, isEmpty, isNotEmpty, and, or, not,
// ascending, descending, limit, skip, fields) and run; the result becomes plain data
// (`{ items, pagingMetadata }`), so the items are re-checked and masked as in any list.
import { isPlainObject } from '../conditions/json-value.ts';
import { internal, invalid } from './errors.ts';

/** The builder methods the mapping uses (Wix Data's `WixDataQuery`). */
interface QueryBuilder {
  eq(field: string, value: unknown): QueryBuilder;
  ne(field: string, value: unknown): QueryBuilder;
  gt(field: string, value: unknown): QueryBuilder;
  ge(field: string, value: unknown): QueryBuilder;
  lt(field: string, value: unknown): QueryBuilder;
  le(field: string, value: unknown): QueryBuilder;
  hasSome(field: string, values: unknown[]): QueryBuilder;
  hasAll(field: string, values: unknown[]): QueryBuilder;
  startsWith(field: string, value: string): QueryBuilder;
  isEmpty(field: string): QueryBuilder;
  isNotEmpty(field: string): QueryBuilder;
  and(query: QueryBuilder): QueryBuilder;
  or(query: QueryBuilder): QueryBuilder;
  not(query: QueryBuilder): QueryBuilder;
  ascending(...fields: string[]): QueryBuilder;
  descending(...fields: string[]): QueryBuilder;
  limit(n: number): QueryBuilder;
  skip(n: number): QueryBuilder;
  fields(...fields: string[]): QueryBuilder;
  find(): Promise<{ items: unknown[]; totalCount?: number; hasNext?: () => boolean }>;
}

const REQUIRED = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'hasSome',
  'hasAll',
  'startsWith',
  'isEmpty',
  'isNotEmpty',
  'and',
  'or',
  'not',
  'ascending',
  'descending',
  'limit',
  'skip',
  'fields',
  'find',
] as const;

function asBuilder(value: unknown): QueryBuilder {
  if (value === null || typeof value !== 'object') throw internal('the SDK did not return a query builder');
  for (const m of REQUIRED) if (typeof (value as Record<string, unknown>)[m] !== 'function') throw internal(`the SDK's query builder has no ${m}()`);
  return value as QueryBuilder;
}

async function condition(b: QueryBuilder, field: string, value: unknown, fresh: () => Promise<QueryBuilder>): Promise<QueryBuilder> {
  if (!isPlainObject(value)) return b.eq(field, value);
  for (const [op, operand] of Object.entries(value)) {
    switch (op) {
      case '$eq':
        b = b.eq(field, operand);
        break;
      case '$ne':
        b = b.ne(field, operand);
        break;
      case '$gt':
        b = b.gt(field, operand);
        break;
      case '$gte':
        b = b.ge(field, operand);
        break;
      case '$lt':
        b = b.lt(field, operand);
        break;
      case '$lte':
        b = b.le(field, operand);
        break;
      case '$in':
      case '$hasSome':
        b = b.hasSome(field, operand as unknown[]);
        break;
      case '$nin':
        b = b.not((await fresh()).hasSome(field, operand as unknown[]));
        break;
      case '$hasAll':
        b = b.hasAll(field, operand as unknown[]);
        break;
      case '$startsWith':
        b = b.startsWith(field, operand as string);
        break;
      case '$exists':
      case '$isEmpty':
        b = (op === '$exists') === (operand === true) ? b.isNotEmpty(field) : b.isEmpty(field);
        break;
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
      b = b.and(arms.reduce((x, y) => x.or(y)));
    } else if (key === '$not') {
      b = b.not(await filtered(await fresh(), value as Record<string, unknown>, fresh));
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
  for (const s of query.sort ?? []) b = s.order === 'DESC' ? b.descending(s.fieldName) : b.ascending(s.fieldName);
  if (query.paging?.limit !== undefined) b = b.limit(query.paging.limit);
  if (query.paging?.offset) b = b.skip(query.paging.offset);
  if (query.fields?.length) b = b.fields(...query.fields);
  const result = await b.find();
  if (!result || !Array.isArray(result.items)) throw internal('the query builder returned no items');
  const pagingMetadata: Record<string, unknown> = { count: result.items.length, offset: query.paging?.offset ?? 0 };
  if (typeof result.totalCount === 'number') pagingMetadata.total = result.totalCount;
  if (typeof result.hasNext === 'function') pagingMetadata.hasNext = result.hasNext() === true;
  return { items: [...result.items], pagingMetadata };
}
