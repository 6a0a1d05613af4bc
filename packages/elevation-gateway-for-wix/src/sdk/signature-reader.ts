// The argument schema of an SDK method, read from the SDK's own type declarations with the
// TypeScript compiler (build time only). The overload the gateway calls (the data overload of query
// methods) gives the parameters; each parameter's type becomes an ArgumentSchema:
//   - `Date` is an ISO-8601 string, enums are their literal values, functions are left out;
//   - a query's `filter` (the SDK's `Filter<Entity, Spec>`, derived from the method's WQL spec) is
//     an object of exactly the filterable fields, each with the operators the spec allows;
//   - a `sort` entry is exactly `{ fieldName, order }`, `fieldName` one of the sortable fields;
//   - doc tags give bounds (`@maxLength`, `@max`, `@maxSize`, …); `limit` and `offset` are
//     non-negative integers (Wix's page sizes);
//   - anything the gateway cannot check (tuples, functions as values) accepts nothing.
import ts from 'typescript';
import { join } from 'node:path';
import { OPEN_FILTER_OPERATORS, type ArgumentSchema, type ObjectSchema, type Signature } from './argument-schema.ts';

export interface MethodRef {
  call: string;
  /** The per-module package, e.g. `@wix/auto_sdk_ecom_orders`. */
  package: string;
  method: string;
}

/**
 * What a method resolves to, as a schema of its own definitions: build time only (the policy's
 * resource, field and attribute paths are checked against it), never part of the compiled policy.
 */
export interface ResultShape {
  schema: ArgumentSchema;
  defs: Record<string, ArgumentSchema>;
  /** The SDK's name for the result type (`Order` of `NonNullablePaths<Order, …>`), for messages. */
  name?: string;
}

export type SignatureResult = { ok: true; signature: Signature; result?: ResultShape } | { ok: false; message: string };

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

// Signatures are cached per method; the TypeScript program that read them is not kept (it holds
// some 200 MB, which a long-running `npm start` should not): a batch with a new method reads anew.
const cache = new Map<string, SignatureResult>();

/** After an install: read again every signature that could not be read (its package may be there now). */
export function forgetUnreadSignatures(): void {
  for (const [call, result] of [...cache]) if (!result.ok) cache.delete(call);
}

function programFor(entry: string, text: string, oldProgram?: ts.Program): ts.Program {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => (file === entry ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === entry || fileExists(file);
  return ts.createProgram([entry], COMPILER_OPTIONS, host, oldProgram);
}

function exportsOfEntry(program: ts.Program, entry: string): { checker: ts.TypeChecker; exported: Map<string, ts.Symbol>; source: ts.SourceFile } {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const moduleSymbol = checker.getSymbolAtLocation(source);
  return { checker, source, exported: new Map((moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []).map((s) => [s.name, s])) };
}

/**
 * The type arguments a generic data overload is read with: each type parameter's default, else its
 * constraint; an object bound is open to more keys (`Payload extends WithId` is any object with an
 * `_id`). Wix Data's item calls are generic in the collection and the item (`insert<Item, C, Payload>`).
 */
function typeArgumentsOf(checker: ts.TypeChecker, signature: ts.Signature, source: ts.SourceFile): string[] | undefined {
  const params = signature.typeParameters;
  if (!params?.length) return undefined;
  return params.map((tp) => {
    const t = checker.getDefaultFromTypeParameter(tp) ?? checker.getBaseConstraintOfType(tp);
    if (!t || t === tp) return 'unknown';
    const text = checker.typeToString(t, source, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType);
    const isObject = (t.flags & ts.TypeFlags.Object || t.isIntersection()) && !(t.flags & ts.TypeFlags.Never);
    return isObject ? `(${text}) & Record<string, any>` : text;
  });
}

/** Signatures of the given methods, one TypeScript program for all that are not cached yet. */
export function signaturesOf(methods: MethodRef[]): Map<string, SignatureResult> {
  const missing = methods.filter((m) => !cache.has(m.call));
  if (missing.length) {
    const entry = join(process.cwd(), '__elevate_argument_types__.ts');
    const text = missing.map((m, i) => `export { ${m.method} as m${i} } from ${JSON.stringify(m.package)};`).join('\n');
    const program = programFor(entry, text);
    const { checker, exported, source } = exportsOfEntry(program, entry);
    // Generic overloads are read again, instantiated with their type parameters' bounds.
    const generic: { index: number; typeArgs: string[] }[] = [];
    missing.forEach((m, i) => {
      const symbol = exported.get(`m${i}`);
      const data = symbol && dataOverload(checker, symbol);
      const typeArgs = data && typeArgumentsOf(checker, data, source);
      if (typeArgs) generic.push({ index: i, typeArgs });
      else cache.set(m.call, symbol ? signatureOf(checker, symbol, m) : { ok: false, message: `cannot read ${m.package}'s type declarations` });
    });
    if (generic.length) {
      const lines = [text];
      for (const { index, typeArgs } of generic) {
        const m = missing[index]!;
        lines.push(`import * as p${index} from ${JSON.stringify(m.package)};`, `export const g${index} = p${index}.${m.method}<${typeArgs.join(', ')}>;`);
      }
      const instantiated = exportsOfEntry(programFor(entry, lines.join('\n'), program), entry);
      for (const { index } of generic) {
        const m = missing[index]!;
        const symbol = instantiated.exported.get(`g${index}`);
        cache.set(m.call, symbol ? signatureOf(instantiated.checker, symbol, m) : { ok: false, message: `cannot instantiate ${m.call}'s type parameters` });
      }
    }
  }
  return new Map(methods.map((m) => [m.call, cache.get(m.call)!]));
}

/**
 * A query method with only a builder overload (`query(collectionId)` of `@wix/wix-data-items-sdk`
 * before 1.0.512): the overload whose result has `find` (a query builder).
 */
function builderOverload(checker: ts.TypeChecker, exported: ts.Symbol, m: MethodRef): ts.Signature | undefined {
  if (!/^query([A-Z]|$)/.test(m.method)) return undefined;
  return publicOverloads(checker, exported).find((s) => {
    const find = checker.getPropertyOfType(s.getReturnType(), 'find');
    return find !== undefined && checker.getTypeOfSymbol(find).getCallSignatures().length > 0;
  });
}

/** A builder query's JSON form: an open filter, sorts, offset paging (Wix Data pages up to 1000 items), fields. */
const BUILDER_QUERY_FORM: ArgumentSchema = {
  type: 'object',
  properties: {
    filter: { type: 'filter' },
    sort: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: { fieldName: { type: 'string', field: true }, order: { type: 'string', enum: ['ASC', 'DESC'] } },
        required: ['fieldName'],
      },
    },
    paging: {
      type: 'object',
      properties: {
        limit: { type: 'number', integer: true, minimum: 0, maximum: 1000 },
        offset: { type: 'number', integer: true, minimum: 0, maximum: 1_000_000 },
      },
    },
    fields: { type: 'array', maxItems: 100, items: { type: 'string', field: true } },
  },
};

/** The overload the gateway calls: the first public one that returns a promise (data, not a builder). */
function dataOverload(checker: ts.TypeChecker, exported: ts.Symbol): ts.Signature | undefined {
  return publicOverloads(checker, exported).find((s) => checker.getPropertyOfType(s.getReturnType(), 'then') !== undefined);
}

/** The export itself (an alias resolved). */
function resolved(checker: ts.TypeChecker, exported: ts.Symbol): ts.Symbol {
  try {
    if (exported.flags & ts.SymbolFlags.Alias) return checker.getAliasedSymbol(exported);
  } catch {
    /* unresolved */
  }
  return exported;
}

/** The public overloads; the `(httpClient) => …` descriptor of the SDK's REST functions is not one. */
function publicOverloads(checker: ts.TypeChecker, exported: ts.Symbol): readonly ts.Signature[] {
  return checker
    .getTypeOfSymbol(resolved(checker, exported))
    .getCallSignatures()
    .filter((s) => s.parameters[0]?.name !== 'httpClient');
}

function signatureOf(checker: ts.TypeChecker, exported: ts.Symbol, m: MethodRef): SignatureResult {
  const type = checker.getTypeOfSymbol(resolved(checker, exported));
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
    return { ok: false, message: `${m.package} declares no type for ${m.method}` };
  }
  const data = dataOverload(checker, exported) ?? builderOverload(checker, exported, m);
  if (!data) return { ok: false, message: `${m.call} has no overload that returns data` };
  const converter = new Converter(checker);
  const names: string[] = [];
  const params: ArgumentSchema[] = [];
  let required = 0;
  const builder = !checker.getPropertyOfType(data.getReturnType(), 'then');
  for (const p of data.parameters) {
    const decl = p.valueDeclaration as ts.ParameterDeclaration | undefined;
    if (decl?.dotDotDotToken) return { ok: false, message: `${m.call} takes a rest parameter, which the gateway cannot check` };
    const optional = Boolean(decl && (decl.questionToken || decl.initializer)) || (p.flags & ts.SymbolFlags.Optional) !== 0;
    if (!optional) required = names.length + 1;
    names.push(p.name);
    params.push(converter.convert(checker.getTypeOfSymbol(p), { key: p.name, tags: {} }));
  }
  if (builder) {
    // The query as data: what the builder's documented methods can express, mapped onto them at dispatch.
    names.push('query');
    params.push(BUILDER_QUERY_FORM);
    return { ok: true, signature: { names, params, required, defs: converter.defs, resultLists: ['items'], builder: true } };
  }
  const result = checker.getAwaitedType(data.getReturnType());
  const resultLists = result
    ? checker
        .getPropertiesOfType(result)
        .filter((p) => {
          const t = checker.getNonNullableType(checker.getTypeOfSymbol(p));
          return checker.isArrayType(t);
        })
        .map((p) => p.name)
        .sort()
    : [];
  const shape = result ? resultShapeOf(checker, result) : undefined;
  return { ok: true, signature: { names, params, required, defs: converter.defs, resultLists }, ...(shape ? { result: shape } : {}) };
}

/** The awaited result type as a schema, with a converter of its own (its definitions stay out of the signature). */
function resultShapeOf(checker: ts.TypeChecker, result: ts.Type): ResultShape | undefined {
  const converter = new Converter(checker);
  const schema = converter.convert(result, { key: '', tags: {} });
  if ('reason' in schema) return undefined;
  const name = typeNameOf(result);
  return name ? { schema, defs: converter.defs, name } : { schema, defs: converter.defs };
}

/** A result type's own name, through the SDK's wrappers (`NonNullablePaths<Order, …>`, `Order & {…}`). */
function typeNameOf(type: ts.Type, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  const own = type.aliasSymbol ? undefined : type.symbol?.name;
  if (own && !own.startsWith('__') && own !== 'Object') return own;
  const inner = type.aliasTypeArguments?.[0] ?? (type.isIntersection() ? type.types[0] : undefined);
  return inner ? typeNameOf(inner, depth + 1) : undefined;
}

type Tags = Record<string, string>;
interface Place {
  key: string;
  tags: Tags;
}

const PAGING_NUMBERS = new Set(['limit', 'offset']);
/** Aliases that name a shape, not a type of the SDK's: their instances are inlined. */
const UTILITY_TYPES = new Set(['Record', 'Partial', 'Required', 'Readonly', 'Pick', 'Omit', 'NonNullable', 'Exclude', 'Extract', 'Simplify']);

function tagsOf(symbol: ts.Symbol, checker: ts.TypeChecker): Tags {
  const tags: Tags = {};
  for (const tag of symbol.getJsDocTags(checker)) {
    // `@max 100` in interfaces, `@max: 100` in the SDK's generated query types.
    const name = tag.name.replace(/:$/, '');
    tags[name] = ts.displayPartsToString(tag.text).replace(/^:\s*/, '').trim();
  }
  return tags;
}

function numberTag(tags: Tags, name: string): number | undefined {
  const m = /^-?\d+(\.\d+)?/.exec(tags[name] ?? '');
  return m ? Number(m[0]) : undefined;
}

const SCALAR: ArgumentSchema = { anyOf: [{ type: 'boolean' }, { type: 'number' }, { type: 'string' }] };
const ARRAY_OPERATORS = new Set(['$in', '$nin', '$hasSome', '$hasAll']);
const BOOLEAN_OPERATORS = new Set(['$exists', '$isEmpty']);
const unusable = (s: ArgumentSchema | undefined) => s === undefined || 'reason' in s || ('items' in s && 'reason' in s.items);

/**
 * A field condition of a spec filter whose value type the SDK's types resolve to nothing (a field
 * the spec declares but whose entity type is missing or `null`-only): the spec's operators stay,
 * their operands become scalars (arrays of scalars for `$in` …), as in a filter without a spec.
 */
function repairedCondition(schema: ArgumentSchema): ArgumentSchema {
  const branches = 'anyOf' in schema ? schema.anyOf : [schema];
  const kept: ArgumentSchema[] = [];
  for (const b of branches) {
    if (!('type' in b) || b.type !== 'object') {
      if (!unusable(b)) kept.push(b);
      continue;
    }
    const properties: Record<string, ArgumentSchema> = {};
    for (const [op, operand] of Object.entries(b.properties)) {
      properties[op] = !unusable(operand)
        ? operand
        : ARRAY_OPERATORS.has(op)
          ? { type: 'array', items: SCALAR }
          : BOOLEAN_OPERATORS.has(op)
            ? { type: 'boolean' }
            : SCALAR;
    }
    kept.push({ ...b, properties });
  }
  if (kept.length === 0) return OPEN_CONDITION;
  return kept.length === 1 ? kept[0]! : { anyOf: kept };
}

/** A field condition as a filter without a spec takes it: a scalar, or comparisons over scalars. */
const OPEN_CONDITION: ArgumentSchema = {
  anyOf: [
    { type: 'boolean' },
    { type: 'number' },
    { type: 'string' },
    {
      type: 'object',
      properties: Object.fromEntries(
        OPEN_FILTER_OPERATORS.map((op) => [
          op,
          ARRAY_OPERATORS.has(op)
            ? { type: 'array', items: SCALAR }
            : BOOLEAN_OPERATORS.has(op)
              ? { type: 'boolean' }
              : op === '$startsWith'
                ? { type: 'string' }
                : SCALAR,
        ]),
      ),
    },
  ],
};

/** Canonical order for anyOf branches and enums: the output must not depend on type-creation order. */
const canonical = (s: ArgumentSchema) => JSON.stringify(s);

class Converter {
  readonly defs: Record<string, ArgumentSchema> = {};
  private readonly named = new Map<ts.Type, string>();
  private readonly taken = new Set<string>();
  private readonly converting = new Set<ts.Type>();
  private readonly unions = new Set<ts.Type>();

  constructor(private readonly checker: ts.TypeChecker) {}

  convert(type: ts.Type, place: Place): ArgumentSchema {
    const c = this.checker;
    // A filter or sort of a method without a query spec: its field names must still be seen.
    const filterLike = place.key === 'filter' || place.key === 'sort';
    if (place.key === 'filter' && (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive) || this.isOpenRecord(type)))
      return { type: 'filter' };
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) return { type: 'json' };
    if (type.flags & ts.TypeFlags.Never) return { type: 'never', reason: 'the SDK accepts no value here' };
    if (type.isUnion()) return this.union(type, place);
    if (filterLike && type.flags & ts.TypeFlags.String) return { type: 'never', reason: 'a filter or sort written as a JSON string cannot be checked' };
    if (type.flags & ts.TypeFlags.StringLike) {
      if (type.isStringLiteral()) return { type: 'string', enum: [type.value] };
      return this.string(place.tags);
    }
    if (type.flags & ts.TypeFlags.NumberLike) {
      if (type.isNumberLiteral()) return { type: 'number', const: type.value };
      return this.number(place);
    }
    if (type.flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: c.typeToString(type) === 'true' };
    if (type.flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (type.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { type: 'never', reason: 'only null' };
    if (type.isIntersection()) {
      // A branded primitive (`string & { __brand }`) is that primitive.
      const primitive = type.types.find((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
      if (primitive) return this.convert(primitive, place);
    }
    if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return { type: 'never', reason: `unsupported type ${c.typeToString(type)}` };

    if (type.symbol?.name === 'Date' && !type.aliasSymbol) return { type: 'string', format: 'date-time' };
    if (c.isTupleType(type)) return { type: 'never', reason: 'tuples are not supported' };
    if (c.isArrayType(type)) {
      const element = c.getTypeArguments(type as ts.TypeReference)[0]!;
      const items = place.key === 'sort' ? this.sortEntry(element) : this.convert(element, { key: place.key, tags: {} });
      const out: ArgumentSchema = { type: 'array', items };
      const max = numberTag(place.tags, 'maxSize');
      const min = numberTag(place.tags, 'minSize');
      if (max !== undefined) out.maxItems = max;
      if (min !== undefined) out.minItems = min;
      return out;
    }
    if (type.getCallSignatures().length && c.getPropertiesOfType(type).length === 0) return { type: 'never', reason: 'functions are not data' };
    return this.named_(type, this.nameOf(type), () => this.object(type));
  }

  private union(type: ts.UnionType, place: Place): ArgumentSchema {
    // A union that contains itself (`JsonValue = … | JsonValue[]`) is any JSON value.
    if (this.unions.has(type)) return { type: 'json' };
    this.unions.add(type);
    try {
      return this.unionOf(type, place);
    } finally {
      this.unions.delete(type);
    }
  }

  private unionOf(type: ts.UnionType, place: Place): ArgumentSchema {
    const c = this.checker;
    let nullable = false;
    const rest: ts.Type[] = [];
    for (const t of type.types) {
      if (t.flags & ts.TypeFlags.Null) nullable = true;
      else if (!(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))) rest.push(t);
    }
    const withNull = (s: ArgumentSchema): ArgumentSchema => (nullable && !('reason' in s) ? ({ ...s, nullable: true } as ArgumentSchema) : s);
    if (rest.length === 0) return { type: 'never', reason: 'only null or undefined' };
    if (rest.length === 1) return withNull(this.convert(rest[0]!, place));
    // The SDK's `Filter<Entity, Spec>`: field conditions | { $and, $or, $not }. A filter may mix both.
    const logic = rest.find((t) => t.flags & ts.TypeFlags.Object && this.isFilterLogic(t));
    if (logic && rest.length === 2 && rest.every((t) => t.flags & ts.TypeFlags.Object)) {
      return withNull(
        this.named_(logic, this.nameOf(type) ?? 'Filter', () => {
          const merged: ObjectSchema = { type: 'object', properties: {}, filter: true };
          for (const member of rest) {
            const body = this.object(member);
            Object.assign(merged.properties, body.properties);
          }
          for (const [field, schema] of Object.entries(merged.properties)) {
            if (!field.startsWith('$')) merged.properties[field] = repairedCondition(schema);
          }
          return merged;
        }),
      );
    }
    // Literals group into one enum (a string absorbs them), `true | false` is a boolean.
    const hasString = rest.some((t) => t.flags & ts.TypeFlags.String);
    const literals = [...new Set(rest.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value))].sort();
    const booleans = rest.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const branches = new Map<string, ArgumentSchema>();
    const add = (s: ArgumentSchema) => {
      if ('reason' in s) return;
      if ('anyOf' in s && !s.nullable) s.anyOf.forEach((b) => branches.set(canonical(b), b));
      else branches.set(canonical(s), s);
    };
    if (literals.length && !hasString) add({ type: 'string', enum: literals });
    if (booleans.length === 2) add({ type: 'boolean' });
    else if (booleans.length === 1) add(this.convert(booleans[0]!, place));
    for (const t of rest) {
      if (t.isStringLiteral() || t.flags & ts.TypeFlags.BooleanLiteral) continue;
      add(this.convert(t, place));
    }
    const sorted = [...branches.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
    if (sorted.length === 0) return { type: 'never', reason: `unsupported type ${c.typeToString(type)}` };
    return withNull(sorted.length === 1 ? sorted[0]! : { anyOf: sorted });
  }

  private string(tags: Tags): ArgumentSchema {
    const out: ArgumentSchema = { type: 'string' };
    const max = numberTag(tags, 'maxLength');
    const min = numberTag(tags, 'minLength');
    if (max !== undefined) out.maxLength = max;
    if (min !== undefined) out.minLength = min;
    return out;
  }

  private number(place: Place): ArgumentSchema {
    const out: ArgumentSchema = { type: 'number' };
    if (PAGING_NUMBERS.has(place.key)) {
      out.integer = true;
      out.minimum = 0;
    }
    const max = numberTag(place.tags, 'max');
    const min = numberTag(place.tags, 'min');
    if (max !== undefined) out.maximum = max;
    if (min !== undefined) out.minimum = Math.max(min, out.minimum ?? -Infinity);
    return out;
  }

  /** `Record<string, …>`: an object with no declared properties, only an index signature. */
  private isOpenRecord(type: ts.Type): boolean {
    const c = this.checker;
    if (!(type.flags & ts.TypeFlags.Object)) return false;
    return c.getPropertiesOfType(type).length === 0 && c.getIndexInfoOfType(type, ts.IndexKind.String) !== undefined;
  }

  /** A sort entry: exactly `{ fieldName, order }`; `fieldName` names a field. */
  private sortEntry(element: ts.Type): ArgumentSchema {
    const c = this.checker;
    const target = element.isUnion() ? element.types.find((t) => t.flags & ts.TypeFlags.Object) : element;
    const fieldName = target && c.getPropertyOfType(target, 'fieldName');
    if (!target || !fieldName) return this.convert(element, { key: '', tags: {} });
    const out: ObjectSchema = { type: 'object', properties: {} };
    const name = this.convert(c.getTypeOfSymbol(fieldName), { key: 'fieldName', tags: tagsOf(fieldName, c) });
    // A spec that declares no sortable field types `fieldName` as never: nothing may be sorted on.
    if ('reason' in name) return { type: 'never', reason: 'the query spec declares no sortable field' };
    out.properties.fieldName = 'type' in name && name.type === 'string' ? { ...name, field: true } : { type: 'string', field: true };
    const order = c.getPropertyOfType(target, 'order');
    if (order) out.properties.order = this.convert(c.getTypeOfSymbol(order), { key: 'order', tags: {} });
    if (!(fieldName.flags & ts.SymbolFlags.Optional)) out.required = ['fieldName'];
    return out;
  }

  private object(type: ts.Type): ObjectSchema {
    const c = this.checker;
    const out: ObjectSchema = { type: 'object', properties: {} };
    const required: string[] = [];
    for (const prop of c.getPropertiesOfType(type)) {
      if (prop.name.startsWith('__')) continue; // the SDK's type-only markers
      // A filter operator whose items name fields of their own (nested filters the field rules
      // would have to see into): not accepted.
      if (prop.name === '$matchItems') continue;
      const propType = c.getTypeOfSymbol(prop);
      if (this.isFunction(propType)) continue;
      const schema = this.convert(propType, { key: prop.name, tags: tagsOf(prop, c) });
      out.properties[prop.name] = schema;
      if (!(prop.flags & ts.SymbolFlags.Optional) && !('reason' in schema)) required.push(prop.name);
    }
    if (required.length) out.required = required;
    // A free-text search: what it searches are fields too.
    if (Object.hasOwn(out.properties, 'expression')) {
      out.freeText = true;
      const fields = out.properties.fields;
      if (fields && 'type' in fields && fields.type === 'array' && 'type' in fields.items && fields.items.type === 'string') {
        out.properties.fields = { ...fields, items: { ...fields.items, field: true } };
      }
    }
    const index = c.getIndexInfoOfType(type, ts.IndexKind.String);
    if (index) out.additionalProperties = this.convert(index.type, { key: '', tags: {} });
    const groups = this.oneOfGroups(type).filter((g) => g.length > 1);
    if (groups.length) out.oneOf = groups;
    return out;
  }

  /** Base interfaces the SDK marks `@oneof`: at most one of their members may be set. */
  private oneOfGroups(type: ts.Type): string[][] {
    const c = this.checker;
    if (!(type.flags & ts.TypeFlags.Object) || !((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Interface)) return [];
    const groups: string[][] = [];
    for (const base of c.getBaseTypes(type as ts.InterfaceType)) {
      const marked = base.symbol?.declarations?.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'oneof'));
      if (marked) groups.push(c.getPropertiesOfType(base).map((p) => p.name));
      groups.push(...this.oneOfGroups(base));
    }
    return groups;
  }

  private isFunction(type: ts.Type): boolean {
    const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) : [type];
    return parts.length > 0 && parts.every((t) => t.getCallSignatures().length > 0 && this.checker.getPropertiesOfType(t).length === 0);
  }

  private isFilterLogic(type: ts.Type): boolean {
    const names = this.checker
      .getPropertiesOfType(type)
      .map((p) => p.name)
      .sort()
      .join();
    return names === '$and,$not,$or';
  }

  /**
   * Named object types become shared definitions; an anonymous one only when it turns out to be
   * recursive (met again while it is being converted).
   */
  private named_(key: ts.Type, base: string | undefined, body: () => ArgumentSchema): ArgumentSchema {
    const known = this.named.get(key);
    if (known) return { $ref: known };
    if (this.converting.has(key)) {
      const name = this.take(base ?? 'Recursive');
      this.named.set(key, name);
      return { $ref: name };
    }
    if (!base) {
      this.converting.add(key);
      const schema = body();
      this.converting.delete(key);
      const late = this.named.get(key);
      if (!late) return schema;
      this.defs[late] = schema;
      return { $ref: late };
    }
    const name = this.take(base);
    this.named.set(key, name);
    this.defs[name] = { type: 'never', reason: 'being defined' };
    this.defs[name] = body();
    return { $ref: name };
  }

  private take(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  private nameOf(type: ts.Type): string | undefined {
    const c = this.checker;
    const alias = type.aliasSymbol && !UTILITY_TYPES.has(type.aliasSymbol.name) ? type.aliasSymbol : undefined;
    const raw = alias
      ? `${alias.name}${type.aliasTypeArguments?.length ? `_${type.aliasTypeArguments.map((t) => c.typeToString(t)).join('_')}` : ''}`
      : type.symbol && !['__type', '__object', 'Object'].includes(type.symbol.name)
        ? type.symbol.name
        : undefined;
    if (!raw) return undefined;
    const safe = raw
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/_$/, '');
    return /^[A-Za-z]/.test(safe) ? safe : undefined;
  }
}
