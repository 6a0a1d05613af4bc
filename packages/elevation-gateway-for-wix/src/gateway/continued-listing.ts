// A request that continues a listing: the query holds a cursor. It carries that cursor and, at
// most, a page size; the filter, the sort and the options are the first page's, which the cursor
// holds (signed), so a client cannot change the query half-way through: Wix would otherwise read
// the cursor's query and still apply what was sent beside it, and its counts would answer
// questions about objects the rules keep out. The call is then decided on the first page's
// arguments, and enforced under the rules the cursor names, or refused.
import type { MethodInfo } from '../sdk/method-info.ts';
import { isPlainObject, strictEqual } from '../conditions/json-value.ts';
import type { Caller } from '../contract/caller.ts';
import { invalid } from './errors.ts';
import type { CursorSigner, OpenedCursor } from './obligations/signed-cursor.ts';

export interface ContinuedListing {
  opened: OpenedCursor;
  /** The page size the continuing request asked for (none: the first page's, or the cap). */
  limit?: number;
  /**
   * What the call is decided and enforced on: the first page's arguments, with this page's
   * cursor and page size in its `cursorPaging`, so a rule's `when` on either holds page by page.
   */
  args: unknown[];
}

export const CURSOR_RULES_CHANGED = 'cursorPaging.cursor was issued under rules that have changed since: start the listing again without a cursor';

const only = (queryArg: number) =>
  `a continued listing carries only args.${queryArg}.cursorPaging.cursor and, at most, a page size (cursorPaging.limit): the filter, the sort and the options are the first page's`;

/** The listing a request continues, or undefined when it starts one (or is not a list call). */
export async function continuedListing(info: MethodInfo, args: unknown[], caller: Caller, cursors: CursorSigner): Promise<ContinuedListing | undefined> {
  if (info.kind !== 'list' || !info.list) return undefined;
  const { queryArg } = info.list;
  const query = args[queryArg];
  if (!isPlainObject(query) || !isPlainObject(query.cursorPaging)) return undefined;
  const cursor = query.cursorPaging.cursor;
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  if (typeof cursor !== 'string') throw invalid(`args.${queryArg}.cursorPaging.cursor must be a string`);
  const extra = Object.keys(query).find((k) => k !== 'cursorPaging') ?? Object.keys(query.cursorPaging).find((k) => k !== 'cursor' && k !== 'limit');
  if (extra !== undefined || args.length !== queryArg + 1) throw invalid(`${only(queryArg)}; start a new listing to change them`);
  const limit = query.cursorPaging.limit;
  if (limit !== undefined && limit !== null && !(typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0)) {
    throw invalid(`args.${queryArg}.cursorPaging.limit must be a non-negative whole number`);
  }
  const opened = await cursors.open(cursor, caller, info.call);
  // Arguments before the query (Wix Data's collection) may be repeated, exactly as on the first page.
  if (args.slice(0, queryArg).some((a, i) => a !== undefined && a !== null && !strictEqual(a, opened.firstArgs[i]))) {
    throw invalid(`${only(queryArg)}; start a new listing to change them`);
  }
  const size = typeof limit === 'number' && limit > 0 ? limit : undefined;
  const first = structuredClone(opened.firstArgs);
  while (first.length <= queryArg) first.push({});
  const firstQuery = isPlainObject(first[queryArg]) ? first[queryArg] : {};
  const firstPaging = isPlainObject(firstQuery.cursorPaging) ? firstQuery.cursorPaging : {};
  first[queryArg] = { ...firstQuery, cursorPaging: { ...firstPaging, cursor, ...(size !== undefined ? { limit: size } : {}) } };
  return { opened, args: first, ...(size !== undefined ? { limit: size } : {}) };
}
