/**
 * Paging as Wix does it for Query/Search methods.
 *
 * - `cursorPaging: { limit?, cursor? }`: the first page is asked with filter/sort and a limit; the response's
 *   `cursors.next` is an opaque string that carries filter, sort and position. A request that passes a cursor
 *   is answered from the cursor's filter/sort (the request's own filter/sort are ignored, as on Wix).
 * - `paging: { limit?, offset? }`: classic offset paging (products accept both; the runtime doc notes the SDK
 *   forwards both forms).
 * - `pageQuery` settles where a page starts and what it queries (a cursor's own filter/sort, or the request's,
 *   validated) for the routes that take a cursor.
 * - limit: missing or 0 → the method's default; negative, fractional, non-numeric (arrays, objects…) or above
 *   the method's maximum → 400 validation error on the exact field path.
 */
import { WixHttpError } from './errors.ts';
import { FilterError, normalizeSort, validateFilter, type WixSort } from './filter.ts';

/** UTF-8 safe base64url, web APIs only (no Buffer) so it runs in workers too. */
export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

export function base64UrlDecode(encoded: string): string {
  const b64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export interface CursorState {
  /** offset of the first item of the page the cursor points to */
  offset: number;
  filter?: unknown;
  sort?: unknown;
}

const CURSOR_PREFIX = 'emu1.';

export function encodeCursor(state: CursorState): string {
  return CURSOR_PREFIX + base64UrlEncode(JSON.stringify({ o: state.offset, f: state.filter, s: state.sort }));
}

/** Throws a 400 validation error for anything this emulator did not issue. */
export function decodeCursor(cursor: string, field: string): CursorState {
  try {
    if (!cursor.startsWith(CURSOR_PREFIX)) throw new Error('foreign cursor');
    const raw = JSON.parse(base64UrlDecode(cursor.slice(CURSOR_PREFIX.length))) as { o?: unknown; f?: unknown; s?: unknown };
    if (typeof raw.o !== 'number' || !Number.isInteger(raw.o) || raw.o < 0) throw new Error('bad offset');
    return { offset: raw.o, filter: raw.f, sort: raw.s };
  } catch {
    throw WixHttpError.validation(field, 'is not a valid cursor', 'INVALID_CURSOR');
  }
}

/** Parses a limit (number or numeric string from plain query params). */
export function parseLimit(raw: unknown, field: string, def: number, max: number): number {
  if (raw === undefined || raw === null || raw === '') return def;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw WixHttpError.validation(field, 'must be an integer', 'TYPE');
  }
  if (n < 0) throw WixHttpError.validation(field, 'must be at least 0', 'MIN', { threshold: 0 });
  if (n > max) throw WixHttpError.validation(field, `must be at most ${max}`, 'MAX', { threshold: max });
  return n === 0 ? def : n;
}

export function parseOffset(raw: unknown, field: string): number {
  if (raw === undefined || raw === null || raw === '') return 0;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw WixHttpError.validation(field, 'must be an integer', 'TYPE');
  if (n < 0) throw WixHttpError.validation(field, 'must be at least 0', 'MIN', { threshold: 0 });
  return n;
}

export interface CursorPagingMetadata {
  count: number;
  cursors: { next?: string; prev?: string };
  hasNext: boolean;
}

export interface OffsetPagingMetadata {
  count: number;
  offset: number;
  total: number;
  hasNext: boolean;
}

/** Slices one page of cursor paging and builds its metadata. */
export function cursorPage<T>(
  items: readonly T[],
  offset: number,
  limit: number,
  query: { filter?: unknown; sort?: unknown },
): { page: T[]; metadata: CursorPagingMetadata } {
  const page = items.slice(offset, offset + limit);
  const hasNext = offset + limit < items.length;
  const cursors: CursorPagingMetadata['cursors'] = {};
  if (hasNext) cursors.next = encodeCursor({ offset: offset + limit, filter: query.filter, sort: query.sort });
  if (offset > 0) cursors.prev = encodeCursor({ offset: Math.max(0, offset - limit), filter: query.filter, sort: query.sort });
  return { page, metadata: { count: page.length, cursors, hasNext } };
}

export function offsetPage<T>(items: readonly T[], offset: number, limit: number): { page: T[]; metadata: OffsetPagingMetadata } {
  const page = items.slice(offset, offset + limit);
  return { page, metadata: { count: page.length, offset, total: items.length, hasNext: offset + limit < items.length } };
}

/** A FilterError as Wix's 400 validation error on `prefix` + its path; anything else is rethrown. */
export function asFilterError(e: unknown, prefix: string): never {
  if (e instanceof FilterError) {
    const field = e.path ? `${prefix}.${e.path}` : prefix;
    throw WixHttpError.validation(field, e.message, 'INVALID_QUERY');
  }
  throw e;
}

/**
 * Where a page starts and what it queries: a cursor carries the query it continues (its filter and
 * sort replace the request's), otherwise the request's own filter and sort; both are validated.
 */
export function pageQuery(
  request: { filter: unknown; sort: unknown; cursor: unknown; offset: number },
  prefix: string,
  cursorField: string,
  ignoreFilters: boolean,
): { filter: unknown; sort: WixSort[]; sortSpec: unknown; offset: number } {
  let { filter, sort: sortSpec, offset } = request;
  if (typeof request.cursor === 'string' && request.cursor !== '') {
    ({ filter, sort: sortSpec, offset } = decodeCursor(request.cursor, cursorField));
  } else if (request.cursor !== undefined && request.cursor !== null && request.cursor !== '') {
    throw WixHttpError.validation(cursorField, 'must be a string', 'TYPE');
  }
  let sort: WixSort[] = [];
  try {
    sort = normalizeSort(sortSpec, 'sort');
    if (!ignoreFilters) validateFilter(filter, 'filter');
  } catch (e) {
    asFilterError(e, prefix);
  }
  return { filter, sort, sortSpec, offset };
}
