// Whether a dotted path names something in a schema read from the SDK's types: the one walk behind
// the checks of argument paths (`writable`, `presets`, `when`) and of field paths (`resource`,
// `fields`, a caller attribute's `value`). A typo would otherwise make a rule that never matches,
// a mask that hides nothing or a writable list that admits nothing, silently.
import { resolveSchema, type ArgumentSchema } from '../sdk/argument-schema.ts';
import { didYouMean } from './suggest.ts';

export interface PathWalk {
  /** Where the walk starts. */
  root: ArgumentSchema;
  defs: Record<string, ArgumentSchema>;
  /** How the start is named in messages (`args.1`, `the Member`). */
  label: string;
  /**
   * Field paths pass through arrays (`lineItems.quantity` is every line item's, as conditions and
   * masks read it); argument paths name an element by its index (`args.0.items.0`).
   */
  throughArrays: boolean;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Undefined when every segment exists; otherwise which one does not, with a suggestion. `reached`
 * receives the schemas the path ends at (none when it ends below an open object).
 */
export function schemaPathProblem(walk: PathWalk, segments: string[], reached?: ArgumentSchema[]): string | undefined {
  let current: ArgumentSchema[] = [walk.root];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next: ArgumentSchema[] = [];
    const names = new Set<string>();
    let open = false;
    const seen = new Set<ArgumentSchema>();
    const visit = (schema: ArgumentSchema) => {
      const s = resolveSchema(schema, walk.defs);
      if (seen.has(s)) return;
      seen.add(s);
      if ('anyOf' in s) {
        s.anyOf.forEach(visit);
        return;
      }
      if (s.type === 'json' || s.type === 'filter') {
        open = true;
        return;
      }
      if (s.type === 'array') {
        if (INDEX.test(segment)) next.push(s.items);
        else if (walk.throughArrays) visit(s.items);
        return;
      }
      if (s.type !== 'object') return;
      Object.keys(s.properties).forEach((k) => names.add(k));
      if (Object.hasOwn(s.properties, segment)) next.push(s.properties[segment]!);
      else if (s.additionalProperties) next.push(s.additionalProperties);
    };
    current.forEach(visit);
    // Below an open object (`Record<string, any>`, a Wix Data item) the SDK declares nothing to check.
    if (open) return undefined;
    if (next.length === 0) {
      const at = [walk.label, ...segments.slice(0, i)].join('.');
      return names.size ? `"${segment}" is not a field of ${at}${didYouMean(segment, names)}` : `${at} has no fields`;
    }
    current = next;
  }
  reached?.push(...current);
  return undefined;
}

/** Every field key of a condition, through `$and`/`$or` (operators' operands left out). */
export function conditionPaths(conditions: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(conditions)) {
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      for (const c of value) if (c !== null && typeof c === 'object' && !Array.isArray(c)) out.push(...conditionPaths(c as Record<string, unknown>));
    } else if (!key.startsWith('$')) out.push(key);
  }
  return out;
}
