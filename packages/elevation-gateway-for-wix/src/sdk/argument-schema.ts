// What an SDK method accepts, as data: the parameter types of the overload the gateway calls, read
// from the SDK's own type declarations at build time (src/sdk/signature-reader.ts) and checked at
// run time (src/gateway/arguments/). Plain JSON, so it is digested with the policy, bundled without
// a filesystem and interpreted without generating code (workerd forbids `new Function`).

/**
 * One JSON value's accepted form. Objects accept exactly their `properties` (no other key, at any
 * depth); `nullable` adds `null`; a `$ref` names an entry of the signature's `defs`.
 */
export type ArgumentSchema =
  | StringSchema
  | NumberSchema
  | { type: 'boolean'; const?: boolean; nullable?: true }
  | { type: 'array'; items: ArgumentSchema; minItems?: number; maxItems?: number; nullable?: true }
  | ObjectSchema
  | { type: 'filter'; nullable?: true }
  | { type: 'json'; nullable?: true }
  | { type: 'never'; reason: string }
  | { anyOf: ArgumentSchema[]; nullable?: true }
  | { $ref: string; nullable?: true };

/** A schema that is not a reference. */
export type ConcreteSchema = Exclude<ArgumentSchema, { $ref: string }>;

export interface StringSchema {
  type: 'string';
  enum?: string[];
  /** `date-time`: an ISO-8601 timestamp (the SDK's `Date`). */
  format?: 'date-time';
  minLength?: number;
  maxLength?: number;
  /** The value names a field of the entity (a sort's `fieldName`): checked against the field rules. */
  field?: true;
  nullable?: true;
}

export interface NumberSchema {
  type: 'number';
  const?: number;
  /** Page sizes and offsets: whole numbers. */
  integer?: true;
  minimum?: number;
  maximum?: number;
  nullable?: true;
}

export interface ObjectSchema {
  type: 'object';
  properties: Record<string, ArgumentSchema>;
  required?: string[];
  /** Groups of keys of which at most one may be present (the SDK's `@oneof`). */
  oneOf?: string[][];
  /** Keys besides `properties` (a `Record<string, T>`): any name, values of this form. */
  additionalProperties?: ArgumentSchema;
  /**
   * A WQL filter from the method's query spec: the keys besides `$and`, `$or`, `$not` are the
   * filterable fields (the SDK's spelling), each with the operators the spec allows.
   */
  filter?: true;
  /**
   * A free-text search (`{ expression, fields }`): its `fields` name fields; without any it
   * searches every searchable field, which names them all.
   */
  freeText?: true;
  nullable?: true;
}

/** The overload the gateway calls: `required` leading parameters of `params`; `defs` for `$ref`. */
export interface Signature {
  /** Parameter names, as the SDK declares them (for messages). */
  names: string[];
  params: ArgumentSchema[];
  required: number;
  defs: Record<string, ArgumentSchema>;
  /** The result's top-level properties that are arrays (where a list call's items come back). */
  resultLists: string[];
  /**
   * A query method that only returns a query builder (older `@wix/wix-data-items-sdk`): its last
   * parameter is the gateway's JSON form of the query (builder-query.ts maps it onto the builder).
   */
  builder?: true;
}

/** The field a free-text search without `fields` names: every searchable one. */
export const ALL_FIELDS = '*';

/** Operators of a filter without a query spec (`filter: Record<string, any>`): comparisons over scalars. */
export const OPEN_FILTER_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$startsWith',
  '$isEmpty',
  '$hasSome',
  '$hasAll',
] as const;
/** Logical operators of every filter. */
export const FILTER_LOGIC = ['$and', '$or', '$not'] as const;
/** A field path in a filter or sort without a spec: dotted names, the SDK's spelling. */
export const OPEN_FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$/;

/** The schema a `$ref` names (a ref's own `nullable` is the caller's to read). */
export function resolveSchema(schema: ArgumentSchema, defs: Record<string, ArgumentSchema>): ConcreteSchema {
  if (!('$ref' in schema)) return schema;
  const target = Object.hasOwn(defs, schema.$ref) ? defs[schema.$ref] : undefined;
  return target && !('$ref' in target) ? target : { type: 'never', reason: `no definition ${schema.$ref}` };
}
