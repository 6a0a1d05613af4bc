// The first thing an allowed call's arguments meet: the method's signature, as the SDK's types
// state it. The arguments are checked and copied in one walk: the count, every key at every
// depth (only the SDK's exact spelling is known), exact JSON types, enums, bounds, filters and
// sorts. What the SDK later receives is this copy, never an object the client sent. A refusal
// names the path, never the value.
import {
  ALL_FIELDS,
  FILTER_LOGIC,
  OPEN_FIELD_PATH,
  OPEN_FILTER_OPERATORS,
  resolveSchema,
  type ArgumentSchema,
  type ObjectSchema,
  type Signature,
} from '../../sdk/argument-schema.ts';
import { invalid } from '../errors.ts';
import { jsonKind as kindOf, type JsonKind as Kind } from '../../conditions/json-value.ts';

/** A field of the entity a filter or sort names (checked against the field rules). */
export interface FieldMention {
  /** Where, e.g. `args.0.filter.$and.1.slug`. */
  path: string;
  /** The field, as the SDK spells it, e.g. `slug`. */
  field: string;
}

export interface ParsedArguments {
  args: unknown[];
  fields: FieldMention[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
const OPEN_OPERATORS = new Set<string>(OPEN_FILTER_OPERATORS);
const LOGIC = new Set<string>(FILTER_LOGIC);
const LISTED = 12;

/** A key as it appears in a message: cut, so a path never carries much of what a client sent. */
const cut = (key: string) => (key.length > 64 ? `${key.slice(0, 64)}…` : key);
const quote = (key: string) => JSON.stringify(cut(key));
const list = (names: string[]) => (names.length <= LISTED ? names.join(', ') : `${names.slice(0, LISTED).join(', ')}, …`);

function describe(schema: ArgumentSchema, defs: Record<string, ArgumentSchema>): string {
  const s = resolveSchema(schema, defs);
  if ('anyOf' in s) return [...new Set(s.anyOf.map((b) => describe(b, defs)))].join(' or ');
  switch (s.type) {
    case 'string':
      if (s.enum) return s.enum.length <= LISTED ? `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}` : 'one of the values the SDK declares';
      return s.format === 'date-time' ? 'an ISO-8601 date-time string' : 'a string';
    case 'number':
      return s.const !== undefined ? String(s.const) : s.integer ? 'a whole number' : 'a number';
    case 'boolean':
      return s.const !== undefined ? String(s.const) : 'a boolean';
    case 'array':
      return 'an array';
    case 'object':
    case 'filter':
      return 'an object';
    case 'json':
      return 'a JSON value';
    default:
      return 'nothing';
  }
}

const schemaKind = (schema: ArgumentSchema, defs: Record<string, ArgumentSchema>): Kind | undefined => {
  const s = resolveSchema(schema, defs);
  if ('anyOf' in s) return undefined;
  if (s.type === 'filter') return 'object';
  if (s.type === 'json' || s.type === 'never') return undefined;
  return s.type;
};

class Walk {
  readonly fields: FieldMention[] = [];
  constructor(private readonly defs: Record<string, ArgumentSchema>) {}

  value(schema: ArgumentSchema, value: unknown, path: string): unknown {
    if (value === null && 'nullable' in schema && schema.nullable) return null;
    const s = resolveSchema(schema, this.defs);
    if (value === null && 'nullable' in s && s.nullable) return null;
    if ('anyOf' in s) return this.anyOf(s.anyOf, value, path);
    const kind = kindOf(value);
    const expected = () => invalid(`${path} must be ${describe(s, this.defs)}`);
    switch (s.type) {
      case 'string': {
        if (kind !== 'string') throw expected();
        const text = value as string;
        if (s.enum && !s.enum.includes(text)) throw expected();
        if (s.format === 'date-time' && (!DATE_TIME.test(text) || Number.isNaN(Date.parse(text)))) throw expected();
        if (s.minLength !== undefined && text.length < s.minLength) throw invalid(`${path} must be at least ${s.minLength} character(s) long`);
        if (s.maxLength !== undefined && text.length > s.maxLength) throw invalid(`${path} must be at most ${s.maxLength} characters long`);
        if (s.field) {
          if (!s.enum && !OPEN_FIELD_PATH.test(text)) throw invalid(`${path} must name a field (dotted names)`);
          this.fields.push({ path, field: text });
        }
        return text;
      }
      case 'number': {
        if (kind !== 'number') throw expected();
        const n = value as number;
        if (s.const !== undefined && n !== s.const) throw expected();
        if (s.integer && !Number.isSafeInteger(n)) throw expected();
        if (s.minimum !== undefined && n < s.minimum) throw invalid(`${path} must be at least ${s.minimum}`);
        if (s.maximum !== undefined && n > s.maximum) throw invalid(`${path} must be at most ${s.maximum}`);
        return Object.is(n, -0) ? 0 : n;
      }
      case 'boolean':
        if (kind !== 'boolean' || (s.const !== undefined && value !== s.const)) throw expected();
        return value;
      case 'array': {
        if (kind !== 'array') throw expected();
        const items = value as unknown[];
        if (s.minItems !== undefined && items.length < s.minItems) throw invalid(`${path} must hold at least ${s.minItems} item(s)`);
        if (s.maxItems !== undefined && items.length > s.maxItems) throw invalid(`${path} must hold at most ${s.maxItems} item(s)`);
        return items.map((item, i) => this.value(s.items, item, `${path}.${i}`));
      }
      case 'object':
        if (kind !== 'object') throw expected();
        return this.object(s, value as Record<string, unknown>, path);
      case 'filter':
        if (kind !== 'object') throw expected();
        return this.openFilter(value as Record<string, unknown>, path);
      case 'json':
        if (kind === 'other') throw invalid(`${path} must be a JSON value`);
        return structuredClone(value);
      case 'never':
        throw invalid(`${path} is not accepted (${s.reason})`);
    }
  }

  /** The branch whose JSON kind matches the value decides; several of one kind are tried in turn. */
  private anyOf(branches: ArgumentSchema[], value: unknown, path: string): unknown {
    const kind = kindOf(value);
    const candidates = branches.filter((b) => {
      const k = schemaKind(b, this.defs);
      return k === undefined || k === kind;
    });
    if (candidates.length === 0) throw invalid(`${path} must be ${describe({ anyOf: branches }, this.defs)}`);
    let first: unknown;
    for (const branch of candidates) {
      const before = this.fields.length;
      try {
        return this.value(branch, value, path);
      } catch (e) {
        this.fields.length = before;
        first ??= e;
      }
    }
    throw first;
  }

  private object(s: ObjectSchema, value: Record<string, unknown>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (s.freeText && !(Array.isArray(value.fields) && value.fields.length > 0)) this.fields.push({ path, field: ALL_FIELDS });
    for (const key of Object.keys(value)) {
      const here = `${path}.${cut(key)}`;
      if (Object.hasOwn(s.properties, key)) {
        const field = value[key];
        if (s.filter && !LOGIC.has(key)) {
          // A field condition: a value, or a non-empty object of the spec's operators.
          if (kindOf(field) === 'object' && Object.keys(field as object).length === 0) throw invalid(`${here} needs an operator`);
          this.fields.push({ path: here, field: key });
        }
        out[key] = this.value(s.properties[key]!, field, here);
      } else if (s.additionalProperties && !PROTOTYPE_KEYS.has(key)) {
        out[key] = this.value(s.additionalProperties, value[key], here);
      } else if (s.filter) {
        throw invalid(`${path}: ${quote(key)} is not a filterable field of this method (the SDK's query spec names them, in its spelling)`);
      } else {
        const known = Object.keys(s.properties);
        throw invalid(`${path}: unknown field ${quote(key)}${known.length ? ` (accepted: ${list(known)})` : ''}`);
      }
    }
    for (const key of s.required ?? []) if (!Object.hasOwn(value, key)) throw invalid(`${path}.${key} is required`);
    for (const group of s.oneOf ?? []) {
      const present = group.filter((k) => Object.hasOwn(value, k));
      if (present.length > 1) throw invalid(`${path}: ${present.join(' and ')} cannot be used together`);
    }
    return out;
  }

  /** A filter without a query spec: dotted field names, comparisons over scalars, $and/$or/$not. */
  private openFilter(value: Record<string, unknown>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, condition] of Object.entries(value)) {
      const here = `${path}.${cut(key)}`;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(condition)) throw invalid(`${here} must be an array of filters`);
        out[key] = condition.map((c, i) => {
          if (kindOf(c) !== 'object') throw invalid(`${here}.${i} must be a filter object`);
          return this.openFilter(c as Record<string, unknown>, `${here}.${i}`);
        });
      } else if (key === '$not') {
        if (kindOf(condition) !== 'object') throw invalid(`${here} must be a filter object`);
        out[key] = this.openFilter(condition as Record<string, unknown>, here);
      } else if (!OPEN_FIELD_PATH.test(key) || PROTOTYPE_KEYS.has(key)) {
        throw invalid(`${path}: ${quote(key)} is not a field name (dotted names, or $and, $or, $not)`);
      } else {
        this.fields.push({ path: here, field: key });
        out[key] = this.openCondition(condition, here);
      }
    }
    return out;
  }

  private openCondition(condition: unknown, path: string): unknown {
    const kind = kindOf(condition);
    if (kind === 'string' || kind === 'number' || kind === 'boolean') return condition;
    if (kind !== 'object') throw invalid(`${path} must be a string, number, boolean or an object of operators`);
    const ops = Object.entries(condition as Record<string, unknown>);
    if (ops.length === 0) throw invalid(`${path} needs an operator`);
    const out: Record<string, unknown> = {};
    for (const [op, operand] of ops) {
      if (!OPEN_OPERATORS.has(op)) throw invalid(`${path}: operator ${quote(op)} is not accepted (accepted: ${OPEN_FILTER_OPERATORS.join(', ')})`);
      const k = kindOf(operand);
      if (op === '$exists' || op === '$isEmpty') {
        if (k !== 'boolean') throw invalid(`${path}.${op} must be a boolean`);
      } else if (op === '$in' || op === '$nin' || op === '$hasSome' || op === '$hasAll') {
        if (k !== 'array' || !(operand as unknown[]).every((x) => ['string', 'number', 'boolean'].includes(kindOf(x)))) {
          throw invalid(`${path}.${op} must be an array of strings, numbers or booleans`);
        }
        out[op] = [...(operand as unknown[])];
        continue;
      } else if (op === '$startsWith') {
        if (k !== 'string') throw invalid(`${path}.${op} must be a string`);
      } else if (k !== 'string' && k !== 'number' && k !== 'boolean') {
        throw invalid(`${path}.${op} must be a string, number or boolean`);
      }
      out[op] = operand;
    }
    return out;
  }
}

/**
 * The arguments as the gateway will pass them: checked against the signature and copied. Throws
 * INVALID_REQUEST naming the first path that is wrong.
 */
export function parseArguments(signature: Signature, args: unknown[]): ParsedArguments {
  const { params, required, names } = signature;
  const shape = () => `(${names.map((n, i) => (i < required ? n : `${n}?`)).join(', ')})`;
  if (args.length < required) throw invalid(`args: this method takes at least ${required} argument(s) ${shape()}`);
  if (args.length > params.length) throw invalid(`args: this method takes at most ${params.length} argument(s) ${shape()}`);
  const walk = new Walk(signature.defs);
  const copy = args.map((arg, i) => walk.value(params[i]!, arg, `args.${i}`));
  return { args: copy, fields: walk.fields };
}
