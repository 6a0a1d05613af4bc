/**
 * The Contacts v4 routes (`@wix/crm` `contacts` → `@wix/auto_sdk_crm_contacts` 1.0.1375): getContact and
 * queryContacts. Contacts are admin data (`CONTACTS.VIEW`): APP and USER callers read them, visitors and members
 * get 403 PERMISSION_DENIED.
 *
 * Projection (the SDK's GetContactRequest / Query docs): `fields` and `fieldsets` are united; `id` and `revision`
 * are always returned; neither given → FULL.
 *   BASIC                  primaryInfo, info.name
 *   COMMUNICATION_DETAILS  primaryInfo, info.name, info.emails, info.phones, info.addresses
 *   EXTENDED               primaryInfo, info.name, info.extendedFields
 *   FULL                   everything
 * (The `ContactFieldSet` enum's own comment says BASIC is "name, primaryEmail, primaryPhone"; the request docs,
 * followed here, say primaryInfo and info.name.)
 */
import { requireAdminCaller, type Caller } from './caller.ts';
import { parseEnumList } from './enum-list.ts';
import { WixHttpError } from './errors.ts';
import { FilterError, matchesFilter, normalizeSort, sortItems, validateFilter, type WixSort } from './filter.ts';
import { asFilterError, offsetPage, parseLimit, parseOffset } from './paging.ts';
import { checkQuerySpec, type QuerySpec, type QuerySpecErrors } from './query-spec.ts';
import type { WixContact } from './seed.ts';
import { clone, isPlainObject } from './json.ts';

export interface ContactsContext {
  contacts: WixContact[];
  caller: Caller;
  /** a misbehaving Wix: query filters are ignored; permissions still apply */
  ignoreFilters: boolean;
}

const PERMISSION = 'CONTACTS.VIEW';
const FIELDSETS = ['BASIC', 'COMMUNICATION_DETAILS', 'EXTENDED', 'FULL'] as const;
const FIELDSET_PATHS: Record<string, readonly string[]> = {
  BASIC: ['primaryInfo', 'info.name'],
  COMMUNICATION_DETAILS: ['primaryInfo', 'info.name', 'info.emails', 'info.phones', 'info.addresses'],
  EXTENDED: ['primaryInfo', 'info.name', 'info.extendedFields'],
};
/** The projectable fields the SDK lists for `fields` (at most 100 of them, fieldsets at most 10). */
const FIELDS = [
  'source',
  'createdDate',
  'updatedDate',
  'lastActivity',
  'primaryInfo',
  'info.name',
  'info.emails',
  'info.phones',
  'info.addresses',
  'info.company',
  'info.jobTitle',
  'info.picture',
  'info.birthdate',
  'info.locale',
  'info.labelKeys',
  'info.locations',
  'info.extendedFields',
];

const EQ_IN = ['$eq', '$exists', '$in', '$ne'];
const RANGE = ['$eq', '$gt', '$gte', '$lt', '$lte', '$ne'];
const TEXT = ['$eq', '$exists', '$in', '$ne', '$startsWith'];
/** `ContactQuerySpec`, field by field (REST names); sortable: the groups the spec marks `sort: 'BOTH'`; one sort at most. */
const CONTACT_QUERY_SPEC: QuerySpec = {
  filter: {
    id: EQ_IN,
    'info.locale': EQ_IN,
    createdDate: RANGE,
    'info.birthdate': RANGE,
    'lastActivity.activityDate': RANGE,
    updatedDate: RANGE,
    'info.company': TEXT,
    'info.jobTitle': TEXT,
    'info.name.first': TEXT,
    'info.name.last': TEXT,
    'primaryInfo.email': TEXT,
    'primaryInfo.phone': TEXT,
    'info.labelKeys': ['$hasAll', '$hasSome'],
  },
  sort: [
    'createdDate',
    'info.birthdate',
    'lastActivity.activityDate',
    'info.company',
    'info.jobTitle',
    'info.name.first',
    'info.name.last',
    'primaryInfo.email',
  ],
  maxSort: 1,
};
/** `Paging.limit`: default 50, `@max 1000`. */
const QUERY_DEFAULT_LIMIT = 50;
const QUERY_MAX_LIMIT = 1000;

/** The application error codes `QueryContactsApplicationErrors` declares (all 400). */
const CONTACT_QUERY_ERRORS: QuerySpecErrors = {
  unknownField: (c) =>
    WixHttpError.application(400, 'UNSUPPORTED_FILTER_FIELD_UNKNOWN', 'unsupported filter field', `field ${c.field} cannot be filtered on`, { field: c.field }),
  unsupportedOperator: (c) =>
    WixHttpError.application(400, 'UNSUPPORTED_FILTER_OPERATOR', 'unsupported filter operator', `operator ${c.operator} is not supported on field ${c.field}`, {
      field: c.field,
      operator: c.operator,
    }),
  unsortableField: (field) =>
    WixHttpError.application(400, 'UNSUPPORTED_SORT_FIELD', 'unsupported sort field', `field ${field} cannot be sorted on`, { field }),
};

function malformedFilter(e: FilterError): WixHttpError {
  return WixHttpError.application(400, 'MALFORMED_FILTER', 'malformed filter', e.message, { path: e.path });
}

/** The contact as `fields` ∪ `fieldsets` project it (see the header). */
function contactView(contact: WixContact, fields: readonly string[], fieldsets: readonly string[]): Record<string, unknown> {
  if (fieldsets.includes('FULL') || (fields.length === 0 && fieldsets.length === 0)) return clone(contact) as unknown as Record<string, unknown>;
  const paths = new Set([...fields, ...fieldsets.flatMap((f) => FIELDSET_PATHS[f] ?? [])]);
  const source = contact as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { id: contact.id, revision: contact.revision };
  for (const path of paths) {
    const [head, sub] = path.split('.') as [string, string | undefined];
    const value = source[head];
    if (sub === undefined) {
      if (value !== undefined) view[head] = clone(value);
    } else if (isPlainObject(value) && value[sub] !== undefined) {
      const into = (view[head] ??= {}) as Record<string, unknown>;
      into[sub] = clone(value[sub]);
    }
  }
  return view;
}

/** What filters and sorts see: `info.labelKeys` is filtered as its list of keys (the stored form wraps it in `items`). */
function filterView(contact: WixContact): unknown {
  return { ...contact, info: { ...contact.info, labelKeys: contact.info.labelKeys.items } };
}

function projectionOf(rawFields: unknown, rawFieldsets: unknown, prefix: string): { fields: string[]; fieldsets: string[] } {
  return {
    fields: parseEnumList(rawFields, `${prefix}fields`, FIELDS, 100),
    fieldsets: parseEnumList(rawFieldsets, `${prefix}fieldsets`, FIELDSETS, 10),
  };
}

/** GET /contacts/v4/contacts/{id}?id={id}&fields=…&fieldsets=… → { contact, responseType: "REGULAR" } */
export function getContact(ctx: ContactsContext, id: string, params: Record<string, string | string[]>): [number, unknown] {
  requireAdminCaller(ctx.caller, PERMISSION);
  const { fields, fieldsets } = projectionOf(params.fields, params.fieldsets, '');
  const contact = ctx.contacts.find((c) => c.id === id);
  if (!contact) throw WixHttpError.notFound('CONTACT_NOT_FOUND', `Contact with id ${id} not found`, { contactId: id });
  return [200, { contact: contactView(contact, fields, fieldsets), responseType: 'REGULAR' }];
}

/**
 * POST /contacts/v4/contacts/query { query: { filter, sort, paging: { limit, offset }, fields, fieldsets } }
 *   → { contacts, pagingMetadata: { count, offset, total, tooManyToCount } }
 * (default sort createdDate DESC, as the SDK's builder documents; limit default 50, at most 1000.)
 */
export function queryContacts(ctx: ContactsContext, body: unknown): [number, unknown] {
  requireAdminCaller(ctx.caller, PERMISSION);
  if (body !== undefined && !isPlainObject(body)) throw WixHttpError.validation('body', 'must be an object', 'TYPE');
  const query = body?.query ?? {};
  if (!isPlainObject(query)) throw WixHttpError.validation('query', 'must be an object', 'TYPE');
  const { fields, fieldsets } = projectionOf(query.fields, query.fieldsets, 'query.');
  const paging = query.paging ?? {};
  if (!isPlainObject(paging)) throw WixHttpError.validation('query.paging', 'must be an object', 'TYPE');
  const limit = parseLimit(paging.limit, 'query.paging.limit', QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT);
  const offset = parseOffset(paging.offset, 'query.paging.offset');

  let sort: WixSort[] = [];
  try {
    sort = normalizeSort(query.sort, 'sort');
  } catch (e) {
    asFilterError(e, 'query');
  }
  const filter = ctx.ignoreFilters ? undefined : query.filter;
  let items = ctx.contacts.map((c) => ({ contact: c, view: filterView(c) }));
  try {
    validateFilter(filter, 'filter');
    checkQuerySpec(CONTACT_QUERY_SPEC, filter, sort, 'query.sort', CONTACT_QUERY_ERRORS);
    items = items.filter((e) => matchesFilter(e.view, filter));
  } catch (e) {
    if (e instanceof FilterError) throw malformedFilter(e);
    throw e;
  }
  const order = sort.length > 0 ? sort : [{ fieldName: 'createdDate', order: 'DESC' }];
  const byView = new Map(items.map((e) => [e.view, e.contact]));
  const sorted = sortItems(
    items.map((e) => e.view),
    order,
  ).map((v) => byView.get(v)!);
  const { page, metadata } = offsetPage(sorted, offset, limit);
  return [
    200,
    {
      contacts: page.map((c) => contactView(c, fields, fieldsets)),
      pagingMetadata: { count: metadata.count, offset: metadata.offset, total: metadata.total, tooManyToCount: false },
    },
  ];
}
