/**
 * The Members API routes (`@wix/members` → `@wix/auto_sdk_members_members` 1.0.135): getMember and queryMembers,
 * with Wix's fieldsets and its privacy rule.
 *
 * Fieldsets (the SDK's `Set` enum; default PUBLIC, several are united, at most 3):
 *   PUBLIC    id, contactId, createdDate, updatedDate, profile; status, privacyStatus, activityStatus are "UNKNOWN"
 *   EXTENDED  PUBLIC's fields + loginEmail and the real status, privacyStatus, activityStatus
 *   FULL      everything (adds contact, loginEmailVerified, lastLoginDate)
 * Privacy (the SDK: "PRIVATE: Member is hidden from site visitors and other site members. Member is returned
 * only to Wix users"; Wix's agent skill: getMember / queryMembers withhold PRIVATE members from visitors and
 * members): APP and USER callers see every member in the fieldsets they ask for; a VISITOR or MEMBER does not
 * see PRIVATE members other than themselves (getMember answers 404 as for a missing id, a query leaves them out)
 * and gets another member's record in PUBLIC whatever fieldsets were asked (an emulator choice: the SDK does not
 * say; a member's own record honours the fieldsets asked).
 */
import { callerMemberId, isAdminCaller, type Caller } from './caller.ts';
import { parseEnumList } from './enum-list.ts';
import { WixHttpError } from './errors.ts';
import { matchesFilter, normalizeSort, sortItems, validateFilter, valuesAtPath } from './filter.ts';
import { asFilterError, offsetPage, parseLimit, parseOffset } from './paging.ts';
import { checkQuerySpec, validationErrors, type QuerySpec } from './query-spec.ts';
import type { WixMember } from './seed.ts';
import { clone, isPlainObject } from './json.ts';

export interface MembersContext {
  members: WixMember[];
  caller: Caller;
  /** a misbehaving Wix: query filters (and the search expression) are ignored; privacy still applies */
  ignoreFilters: boolean;
}

const FIELDSETS = ['PUBLIC', 'EXTENDED', 'FULL'] as const;
type Fieldset = (typeof FIELDSETS)[number];

/**
 * `MemberQuerySpec` (every operator on these fields), and the sortable fields the SDK's queryMembers docs list
 * (`MemberQuerySpec` itself says `sort: 'NONE'`; the REST request sorts in `query.sorting`).
 */
const MEMBER_QUERY_SPEC: QuerySpec = {
  filter: Object.fromEntries(
    ['id', 'contact.firstName', 'contact.lastName', 'contactId', 'loginEmail', 'privacyStatus', 'profile.nickname', 'profile.slug', 'status'].map((f) => [
      f,
      '*',
    ]),
  ),
  sort: ['profile.nickname', 'contact.firstName', 'contact.lastName', 'createdDate', 'updatedDate', 'lastLoginDate'],
};
/** `Search.fields`: the fields a plain-text search may look in (default `profile.nickname`, at most 4). */
const SEARCH_FIELDS = ['loginEmail', 'contact.firstName', 'contact.lastName', 'profile.title', 'profile.nickname', 'profile.slug'];
/** The SDK's query builder sends limit 50 by default; the docs say "up to 100 members" per call. */
const QUERY_DEFAULT_LIMIT = 50;
const QUERY_MAX_LIMIT = 100;

/** Whether the caller may see this member at all. */
function mayRead(caller: Caller, member: WixMember): boolean {
  return member.privacyStatus !== 'PRIVATE' || isAdminCaller(caller) || callerMemberId(caller) === member.id;
}

/** The member as a caller who asked for `fieldsets` sees it (see the header). */
function memberView(member: WixMember, fieldsets: readonly string[], caller: Caller): Partial<WixMember> {
  const honoured = isAdminCaller(caller) || callerMemberId(caller) === member.id;
  const sets = new Set<string>(honoured && fieldsets.length > 0 ? fieldsets : ['PUBLIC']);
  if (sets.has('FULL')) return clone(member);
  const view: Partial<WixMember> = {
    id: member.id,
    contactId: member.contactId,
    status: 'UNKNOWN',
    privacyStatus: 'UNKNOWN',
    activityStatus: 'UNKNOWN',
    profile: clone(member.profile),
    createdDate: member.createdDate,
    updatedDate: member.updatedDate,
  };
  if (sets.has('EXTENDED')) {
    Object.assign(view, {
      loginEmail: member.loginEmail,
      status: member.status,
      privacyStatus: member.privacyStatus,
      activityStatus: member.activityStatus,
    });
  }
  return view;
}

function memberNotFound(id: string): WixHttpError {
  // The SDK declares no not-found code for getMember (only MEMBER_TO_MEMBER_BLOCKED); this one is the emulator's.
  return WixHttpError.notFound('MEMBER_NOT_FOUND', `Member with id ${id} not found`, { memberId: id });
}

function fieldsetsOf(raw: unknown, field: string): Fieldset[] {
  return parseEnumList(raw, field, FIELDSETS, 3) as Fieldset[];
}

/** GET /members/v1/members/{id}?id={id}&fieldsets=…&fieldsets=… → { member } */
export function getMember(ctx: MembersContext, id: string, params: Record<string, string | string[]>): [number, unknown] {
  const fieldsets = fieldsetsOf(params.fieldsets, 'fieldsets');
  const member = ctx.members.find((m) => m.id === id);
  if (!member || !mayRead(ctx.caller, member)) throw memberNotFound(id);
  return [200, { member: memberView(member, fieldsets, ctx.caller) }];
}

/** `_id` / `_createdDate` / `_updatedDate` segments as REST names (the SDK renames filter keys, not `sorting` values). */
function restFieldName(field: string): string {
  return field
    .split('.')
    .map((part) => (part === '_id' || part === '_createdDate' || part === '_updatedDate' ? part.slice(1) : part))
    .join('.');
}

function searchMatches(member: WixMember, expression: string, fields: readonly string[]): boolean {
  const needle = expression.toLowerCase();
  return fields.some((f) => valuesAtPath(member, f).some((v) => typeof v === 'string' && v.toLowerCase().includes(needle)));
}

function parseSearch(raw: unknown): { expression: string; fields: string[] } | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) throw WixHttpError.validation('search', 'must be an object', 'TYPE');
  const { expression } = raw;
  if (expression === undefined || expression === null) return undefined;
  if (typeof expression !== 'string' || expression.length < 1 || expression.length > 100) {
    throw WixHttpError.validation('search.expression', 'must be a string of 1 to 100 characters', 'LENGTH');
  }
  const fields = parseEnumList(raw.fields, 'search.fields', SEARCH_FIELDS, 4);
  return { expression, fields: fields.length > 0 ? fields : ['profile.nickname'] };
}

/**
 * POST /members/v1/members/query { query: { filter, sorting, paging: { limit, offset } }, fieldsets, search }
 *   → { members, metadata: { count, offset, total, tooManyToCount } }
 * (offset paging only, as `MemberQuerySpec` says; limit default 50, at most 100; filters see the stored record.)
 */
export function queryMembers(ctx: MembersContext, body: unknown): [number, unknown] {
  if (body !== undefined && !isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
  const fieldsets = fieldsetsOf(body?.fieldsets, 'fieldsets');
  const query = body?.query ?? {};
  if (!isPlainObject(query)) throw WixHttpError.validation('query', 'must be an object', 'TYPE');
  const paging = query.paging ?? {};
  if (!isPlainObject(paging)) throw WixHttpError.validation('query.paging', 'must be an object', 'TYPE');
  const limit = parseLimit(paging.limit, 'query.paging.limit', QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT);
  const offset = parseOffset(paging.offset, 'query.paging.offset');

  let members: WixMember[] = [];
  try {
    const sort = normalizeSort(query.sorting, 'sorting').map((s) => ({ ...s, fieldName: restFieldName(s.fieldName) }));
    const filter = ctx.ignoreFilters ? undefined : query.filter;
    validateFilter(filter, 'filter');
    checkQuerySpec(MEMBER_QUERY_SPEC, filter, sort, 'query.sorting', validationErrors('query.filter'));
    const search = ctx.ignoreFilters ? undefined : parseSearch(body?.search);
    members = ctx.members.filter((m) => mayRead(ctx.caller, m) && matchesFilter(m, filter));
    if (search) members = members.filter((m) => searchMatches(m, search.expression, search.fields));
    members = sortItems(members, sort);
  } catch (e) {
    asFilterError(e, 'query');
  }
  const { page, metadata } = offsetPage(members, offset, limit);
  return [
    200,
    {
      members: page.map((m) => memberView(m, fieldsets, ctx.caller)),
      metadata: { count: metadata.count, offset: metadata.offset, total: metadata.total, tooManyToCount: false },
    },
  ];
}
