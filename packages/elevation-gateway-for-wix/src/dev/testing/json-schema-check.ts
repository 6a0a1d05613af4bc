// A small JSON Schema (draft 2020-12) validator for the keywords our generated schemas use; it
// refuses any keyword it does not know, so a schema it cannot judge never passes by omission.
// Test support only (no validator package is installed).
type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['$schema', '$comment', '$id', 'title', 'description', 'default', 'examples']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function validateJsonSchema(schema: Schema, value: unknown, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  const errors: string[] = [];
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const t = typeOf(value);
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(arg) ? arg : [arg];
        const ok = types.some((x) => x === t || (x === 'integer' && Number.isInteger(value)) || (x === 'number' && t === 'number'));
        if (!ok) errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
        break;
      }
      case 'const':
        if (!equal(value, arg)) errors.push(`${path}: expected ${JSON.stringify(arg)}`);
        break;
      case 'enum':
        if (!(arg as unknown[]).some((x) => equal(x, value))) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(arg)}`);
        break;
      case 'minimum':
        if (t === 'number' && (value as number) < (arg as number)) errors.push(`${path}: below ${arg}`);
        break;
      case 'maximum':
        if (t === 'number' && (value as number) > (arg as number)) errors.push(`${path}: above ${arg}`);
        break;
      case 'minLength':
        if (t === 'string' && [...(value as string)].length < (arg as number)) errors.push(`${path}: shorter than ${arg}`);
        break;
      case 'pattern':
        if (t === 'string' && !new RegExp(arg as string, 'u').test(value as string)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${arg}`);
        break;
      case 'minItems':
        if (t === 'array' && (value as unknown[]).length < (arg as number)) errors.push(`${path}: fewer than ${arg} items`);
        break;
      case 'items':
        if (t === 'array') (value as unknown[]).forEach((v, i) => errors.push(...validateJsonSchema(arg as Schema, v, `${path}[${i}]`)));
        break;
      case 'required':
        if (t === 'object') for (const k of arg as string[]) if (!Object.hasOwn(value as object, k)) errors.push(`${path}: missing required "${k}"`);
        break;
      case 'properties':
        if (t === 'object') {
          for (const [k, s] of Object.entries(arg as Record<string, Schema>)) {
            if (Object.hasOwn(value as object, k)) errors.push(...validateJsonSchema(s, (value as Record<string, unknown>)[k], `${path}.${k}`));
          }
        }
        break;
      case 'additionalProperties':
        if (t === 'object') {
          const known = Object.keys((schema as { properties?: object }).properties ?? {});
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (!known.includes(k))
              errors.push(...validateJsonSchema(arg as Schema, v, `${path}.${k}`).map((e) => (arg === false ? `${path}: unknown key "${k}"` : e)));
          }
        }
        break;
      case 'propertyNames':
        if (t === 'object') for (const k of Object.keys(value as object)) errors.push(...validateJsonSchema(arg as Schema, k, `${path}{${k}}`));
        break;
      default:
        throw new Error(`json-schema-check: unsupported keyword "${keyword}" at ${path}`);
    }
  }
  return errors;
}
