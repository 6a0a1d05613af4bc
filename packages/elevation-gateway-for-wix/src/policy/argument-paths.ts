// Whether a policy's argument path (`args.1.customMessage` in `writable`, `presets` or `when`)
// names something the method accepts, by its signature: a typo would otherwise make a rule that
// never matches or a writable list that admits nothing, silently.
import { resolveSchema, type ArgumentSchema, type Signature } from '../sdk/argument-schema.ts';
import { didYouMean } from './suggest.ts';

/** Undefined when the path exists in the signature; otherwise why not, with a suggestion. */
export function argumentPathProblem(signature: Signature, path: string): string | undefined {
  const segments = path.split('.');
  if (segments[0] !== 'args') return `${path} does not start with "args."`;
  if (segments.length === 1) return undefined;
  const index = Number(segments[1]);
  if (!Number.isInteger(index) || index < 0) return `${path}: "${segments[1]}" is not an argument position`;
  if (index >= signature.params.length) {
    return `${path}: the method takes ${signature.params.length} argument(s) (${signature.names.join(', ')})`;
  }
  let current: ArgumentSchema[] = [signature.params[index]!];
  for (let i = 2; i < segments.length; i++) {
    const segment = segments[i]!;
    const next: ArgumentSchema[] = [];
    const names = new Set<string>();
    const visit = (schema: ArgumentSchema) => {
      const s = resolveSchema(schema, signature.defs);
      if ('anyOf' in s) {
        s.anyOf.forEach(visit);
        return;
      }
      if (s.type === 'json' || s.type === 'filter') {
        next.push({ type: 'json' });
        return;
      }
      if (s.type === 'array') {
        if (/^(0|[1-9][0-9]*)$/.test(segment)) next.push(s.items);
        return;
      }
      if (s.type !== 'object') return;
      Object.keys(s.properties).forEach((k) => names.add(k));
      if (Object.hasOwn(s.properties, segment)) next.push(s.properties[segment]!);
      else if (s.additionalProperties) next.push(s.additionalProperties);
    };
    current.forEach(visit);
    if (next.length === 0) {
      const at = segments.slice(0, i).join('.');
      return names.size ? `${path}: "${segment}" is not a field of ${at}${didYouMean(segment, names)}` : `${path}: ${at} has no fields`;
    }
    current = next;
  }
  return undefined;
}

/** Every `args…` key of a `when` condition, through `$and`/`$or` (operators' operands left out). */
export function argumentPathsIn(conditions: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(conditions)) {
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      for (const c of value) if (c !== null && typeof c === 'object' && !Array.isArray(c)) out.push(...argumentPathsIn(c as Record<string, unknown>));
    } else if (!key.startsWith('$')) out.push(key);
  }
  return out;
}
