/**
 * A query method's WQL spec (the SDK's `…QuerySpec` type: which fields a filter may name, with which operators,
 * and which fields a sort may use), in REST field names (`id`, `createdDate`: the SDK renames `_id`,
 * `_createdDate`, `_updatedDate` on the way out), and the check that keeps a request inside it, as Wix refuses
 * a filter on a field its index does not serve.
 */
import { WixHttpError } from './errors.ts';
import { filterConditions, type FilterCondition, type WixSort } from './filter.ts';

export interface QuerySpec {
  /** REST field → the operators a filter may apply to it ('*': every operator the emulator knows) */
  filter: Readonly<Record<string, readonly string[] | '*'>>;
  /** REST fields a sort may name */
  sort: readonly string[];
  /** at most this many sort entries (the SDK's `@maxSize` on `sort`) */
  maxSort?: number;
}

/** How a method reports a request outside its spec (Contacts declares application error codes; others validate). */
export interface QuerySpecErrors {
  unknownField(condition: FilterCondition): WixHttpError;
  unsupportedOperator(condition: FilterCondition): WixHttpError;
  unsortableField(field: string, at: string): WixHttpError;
}

/** 400 validation errors on the offending field's position (Members, Loyalty Accounts). */
export function validationErrors(filterPrefix: string): QuerySpecErrors {
  return {
    unknownField: (c) =>
      WixHttpError.validation(`${filterPrefix}${c.at.slice('filter'.length)}`, `field ${c.field} cannot be filtered on`, 'UNSUPPORTED_FILTER_FIELD'),
    unsupportedOperator: (c) =>
      WixHttpError.validation(
        `${filterPrefix}${c.at.slice('filter'.length)}`,
        `operator ${c.operator} is not supported on field ${c.field}`,
        'UNSUPPORTED_FILTER_OPERATOR',
      ),
    unsortableField: (field, at) => WixHttpError.validation(at, `field ${field} cannot be sorted on`, 'UNSUPPORTED_SORT_FIELD'),
  };
}

/** Throws the method's error when `filter` or `sort` leaves `spec`. Call after the filter and sort are validated. */
export function checkQuerySpec(spec: QuerySpec, filter: unknown, sort: readonly WixSort[], sortPath: string, errors: QuerySpecErrors): void {
  for (const condition of filterConditions(filter)) {
    const allowed = Object.hasOwn(spec.filter, condition.field) ? spec.filter[condition.field] : undefined;
    if (allowed === undefined) throw errors.unknownField(condition);
    if (allowed !== '*' && !allowed.includes(condition.operator)) throw errors.unsupportedOperator(condition);
  }
  if (spec.maxSort !== undefined && sort.length > spec.maxSort) {
    throw WixHttpError.validation(sortPath, `must have at most ${spec.maxSort} entries`, 'MAX_SIZE', { threshold: spec.maxSort });
  }
  sort.forEach((s, i) => {
    if (!spec.sort.includes(s.fieldName)) throw errors.unsortableField(s.fieldName, `${sortPath}[${i}].fieldName`);
  });
}
