// JSON values as they arrive from the internet: their kind, plain objects (no prototype tricks),
// and type-exact equality. Shared by the condition matcher, the argument check and the obligations.

export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'other';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The JSON kind of a value; a non-finite number or a non-plain object is `other`. */
export function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isFinite(value) ? 'number' : 'other';
    case 'object':
      return isPlainObject(value) ? 'object' : 'other';
    default:
      return 'other';
  }
}

export function isScalar(value: unknown): value is string | number | boolean {
  const k = jsonKind(value);
  return k === 'string' || k === 'number' || k === 'boolean';
}

/** Deep, type-exact equality over JSON values; NaN and non-JSON values equal nothing. */
export function strictEqual(a: unknown, b: unknown): boolean {
  const ka = jsonKind(a);
  if (ka === 'other' || ka !== jsonKind(b)) return false;
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => strictEqual(v, y[i]));
  }
  if (ka === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    return kx.length === ky.length && kx.every((k) => Object.hasOwn(y, k) && strictEqual(x[k], y[k]));
  }
  return a === b;
}
