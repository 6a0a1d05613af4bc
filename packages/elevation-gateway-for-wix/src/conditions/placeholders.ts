// `${caller.id}` and friends: the only way a condition refers to who is calling. The caller is
// attached to the document under a symbol key, which no JSON input can produce or overwrite.
export const CALLER: unique symbol = Symbol('caller');

/** Caller attributes a placeholder may name. */
export const CALLER_ATTRIBUTES = ['id', 'subjectType', 'siteId', 'instanceId'] as const;
export type CallerAttribute = (typeof CALLER_ATTRIBUTES)[number];

const PLACEHOLDER = /^\$\{caller\.([A-Za-z][A-Za-z0-9]*)\}$/;

/** True for a whole-string placeholder such as `${caller.id}` (whatever attribute it names). */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && PLACEHOLDER.test(value);
}

/** The name a whole-string placeholder names (`contactId` of `${caller.contactId}`), whatever it is. */
export function placeholderName(value: string): string | undefined {
  return PLACEHOLDER.exec(value)?.[1];
}

/** The built-in attribute a placeholder names, or undefined when it names none. */
export function placeholderAttribute(value: string): CallerAttribute | undefined {
  const name = placeholderName(value);
  return (CALLER_ATTRIBUTES as readonly string[]).includes(name ?? '') ? (name as CallerAttribute) : undefined;
}

/**
 * The caller's value for a placeholder: a built-in attribute, else a derived one the gateway loaded
 * (`caller.attributes`); undefined (which equals nothing) when absent.
 */
export function resolvePlaceholder(value: string, caller: Record<string, unknown> | undefined): unknown {
  const name = placeholderName(value);
  if (name === undefined || !caller) return undefined;
  let resolved: unknown;
  if ((CALLER_ATTRIBUTES as readonly string[]).includes(name)) resolved = caller[name];
  else {
    const derived = caller.attributes;
    if (derived !== null && typeof derived === 'object' && Object.hasOwn(derived, name)) resolved = (derived as Record<string, unknown>)[name];
  }
  return typeof resolved === 'string' && resolved.length > 0 ? resolved : undefined;
}

/** Replaces every placeholder inside a JSON value with the caller's value. */
export function interpolate(value: unknown, caller: Record<string, unknown>): unknown {
  if (isPlaceholder(value)) return resolvePlaceholder(value, caller);
  if (Array.isArray(value)) return value.map((v) => interpolate(v, caller));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, caller);
    return out;
  }
  return value;
}

/** Every placeholder string found in a JSON value (for policy checks). */
export function placeholdersIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string' && value.includes('${')) found.push(value);
  else if (Array.isArray(value)) value.forEach((v) => placeholdersIn(v, found));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => placeholdersIn(v, found));
  return found;
}

/** Whether a placeholder anywhere in a JSON value has no value for this caller (a deny rule then holds). */
export function hasUnresolvedPlaceholder(value: unknown, caller: Record<string, unknown>): boolean {
  return placeholdersIn(value).some((p) => resolvePlaceholder(p, caller) === undefined);
}

/** Whether a JSON value holds `undefined` at any depth (an interpolated placeholder with no value). */
export function holdsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsUndefined);
  return false;
}

/** The names placeholders in these JSON values give that `known` accepts (the declared derived attributes, say). */
export function placeholderNamesIn(values: readonly unknown[], known: (name: string) => boolean): Set<string> {
  const names = new Set<string>();
  for (const p of placeholdersIn(values)) {
    const name = placeholderName(p);
    if (name !== undefined && known(name)) names.add(name);
  }
  return names;
}
