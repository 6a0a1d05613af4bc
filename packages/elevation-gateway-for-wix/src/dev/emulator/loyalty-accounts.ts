/**
 * The Loyalty Accounts v1 routes (`@wix/loyalty` `accounts` → `@wix/auto_sdk_loyalty_accounts` 1.0.45): getAccount,
 * getAccountBySecondaryId and queryLoyaltyAccounts. Accounts are admin data (`LOYALTY.READ_ACCOUNTS`): APP and USER
 * callers read them, visitors and members get 403 PERMISSION_DENIED (a member's own account is
 * `getCurrentMemberAccount`, GET …/accounts/my-account, which is not emulated).
 * The SDK declares no application errors for these methods; a missing account is 404 ACCOUNT_NOT_FOUND here.
 */
import { requireAdminCaller, type Caller } from './caller.ts';
import { WixHttpError } from './errors.ts';
import { matchesFilter, sortItems } from './filter.ts';
import { asFilterError, cursorPage, pageQuery, parseLimit } from './paging.ts';
import { checkQuerySpec, validationErrors, type QuerySpec } from './query-spec.ts';
import type { WixLoyaltyAccount } from './seed.ts';
import { clone, isPlainObject } from './json.ts';

export interface LoyaltyAccountsContext {
  loyaltyAccounts: WixLoyaltyAccount[];
  caller: Caller;
  /** a misbehaving Wix: query filters are ignored; permissions still apply */
  ignoreFilters: boolean;
}

const PERMISSION = 'LOYALTY.READ_ACCOUNTS';
/** `LoyaltyAccountQuerySpec` in REST names: every operator, every field sortable (`sort: 'BOTH'`), at most 5 sorts. */
const LOYALTY_FIELDS = [
  'createdDate',
  'id',
  'contactId',
  'lastActivityDate',
  'memberId',
  'points.adjusted',
  'points.balance',
  'points.earned',
  'points.expired',
  'points.redeemed',
  'pointsExpiration.expirationDate',
  'pointsExpiration.expiringPointsAmount',
  'tier.id',
];
const LOYALTY_QUERY_SPEC: QuerySpec = { filter: Object.fromEntries(LOYALTY_FIELDS.map((f) => [f, '*'])), sort: LOYALTY_FIELDS, maxSort: 5 };
/** The SDK's builder documents limit 50 by default; `CursorPaging.limit` is `@max 100`. */
const QUERY_DEFAULT_LIMIT = 50;
const QUERY_MAX_LIMIT = 100;

function accountNotFound(description: string, data: Record<string, unknown>): WixHttpError {
  return WixHttpError.notFound('ACCOUNT_NOT_FOUND', description, data);
}

/** GET /loyalty-accounts/v1/accounts/{id}?id={id} → { account } */
export function getLoyaltyAccount(ctx: LoyaltyAccountsContext, id: string): [number, unknown] {
  requireAdminCaller(ctx.caller, PERMISSION);
  const account = ctx.loyaltyAccounts.find((a) => a.id === id);
  if (!account) throw accountNotFound(`Loyalty account with id ${id} not found`, { accountId: id });
  return [200, { account: clone(account) }];
}

/** GET /loyalty-accounts/v1/accounts/fetch-by?contactId=… | ?memberId=… (exactly one) → { account } */
export function getLoyaltyAccountBySecondaryId(ctx: LoyaltyAccountsContext, params: Record<string, string | string[]>): [number, unknown] {
  requireAdminCaller(ctx.caller, PERMISSION);
  const given = (['contactId', 'memberId'] as const).filter((k) => params[k] !== undefined);
  if (given.length === 0) throw WixHttpError.validation('contactId', 'one of contactId or memberId is required', 'REQUIRED_FIELD');
  if (given.length > 1) throw WixHttpError.validation('memberId', 'cannot be combined with contactId', 'ONE_OF');
  const key = given[0]!;
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw WixHttpError.validation(key, 'must be a single non-empty string', 'TYPE');
  const account = ctx.loyaltyAccounts.find((a) => a[key] === value);
  if (!account) throw accountNotFound(`No loyalty account for ${key} ${value}`, { [key]: value });
  return [200, { account: clone(account) }];
}

/**
 * POST /loyalty-accounts/v1/accounts/query { query: { filter, sort, cursorPaging: { limit, cursor } } }
 *   → { loyaltyAccounts, pagingMetadata: { count, cursors, hasNext } }
 * (cursor paging only, as `LoyaltyAccountQuerySpec` says; default sort createdDate DESC, limit 50, at most 100.)
 */
export function queryLoyaltyAccounts(ctx: LoyaltyAccountsContext, body: unknown): [number, unknown] {
  requireAdminCaller(ctx.caller, PERMISSION);
  if (body !== undefined && !isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
  const query = body?.query ?? {};
  if (!isPlainObject(query)) throw WixHttpError.validation('query', 'must be an object', 'TYPE');
  const paging = query.cursorPaging ?? {};
  if (!isPlainObject(paging)) throw WixHttpError.validation('query.cursorPaging', 'must be an object', 'TYPE');
  const limit = parseLimit(paging.limit, 'query.cursorPaging.limit', QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT);
  const { filter, sort, sortSpec, offset } = pageQuery(
    { filter: query.filter, sort: query.sort, cursor: paging.cursor, offset: 0 },
    'query',
    'query.cursorPaging.cursor',
    ctx.ignoreFilters,
  );
  const applied = ctx.ignoreFilters ? undefined : filter;
  let accounts: WixLoyaltyAccount[] = [];
  try {
    checkQuerySpec(LOYALTY_QUERY_SPEC, applied, sort, 'query.sort', validationErrors('query.filter'));
    accounts = ctx.loyaltyAccounts.filter((a) => matchesFilter(a, applied));
  } catch (e) {
    asFilterError(e, 'query');
  }
  const sorted = sortItems(accounts, sort.length > 0 ? sort : [{ fieldName: 'createdDate', order: 'DESC' }]);
  const { page, metadata } = cursorPage(sorted, offset, limit, { filter, sort: sortSpec });
  return [200, { loyaltyAccounts: clone(page), pagingMetadata: metadata }];
}
