// Reads a dotted path through own properties only: no prototype lookups, no implicit traversal of
// arrays (`items.name` does not look inside every item; `items.0.name` reads the first).
export const MISSING: unique symbol = Symbol('missing');

export function readPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return MISSING;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment)) return MISSING;
      const index = Number(segment);
      if (index >= current.length) return MISSING;
      current = current[index];
      continue;
    }
    if (!Object.hasOwn(current, segment)) return MISSING;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? MISSING : current;
}

// Field paths a caller filters or sorts on, compared loosely on purpose (stricter for what is hidden,
// never wider than a backend could read): `_id` is `id`, case and surrounding blanks are ignored,
// and empty or array-index segments are dropped (`variantsInfo.variants.0.revenueDetails` is inside
// `variantsInfo.variants.revenueDetails`). The field mask and registered obligation kinds use it.
export const looseSegments = (path: string): string[] =>
  path
    .split('.')
    .map((s) => s.trim().replace(/^_+/, '').toLowerCase())
    .filter((s) => s !== '' && !/^\d+$/.test(s));

/** Whether field path `inner` is `outer` or inside it, compared loosely. */
export function fieldWithin(outer: string, inner: string): boolean {
  const o = looseSegments(outer);
  const i = looseSegments(inner);
  return o.length <= i.length && o.every((s, k) => s === i[k]);
}

/** Whether a filter on `path` would reveal something of the field `hidden`: it is the field, inside it, or contains it. */
export const revealsField = (path: string, hidden: string): boolean => fieldWithin(hidden, path) || fieldWithin(path, hidden);
