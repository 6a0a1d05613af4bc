// Field paths of the objects a call returns or touches (`resource` conditions, `fields` masks, a
// caller attribute's `value`), checked against the SDK's declared result type: `memberid` for
// `memberId` is an error with the suggestion, not a rule that denies every call at run time.
import { resolveSchema, type ArgumentSchema } from '../sdk/argument-schema.ts';
import type { MethodInfo } from '../sdk/method-info.ts';
import type { ResultShape } from '../sdk/signature-reader.ts';
import { schemaPathProblem, type PathWalk } from './schema-paths.ts';

/** The name messages give an object: its SDK type's (`Member`), else the call's result. */
function labelOf(schema: ArgumentSchema, fallback: string): string {
  return '$ref' in schema ? schema.$ref.replace(/_\d+$/, '') : fallback;
}

/**
 * One object of the call as a walk: the result of a read by id or a write, each item of a list.
 * Undefined when the SDK's types say nothing usable (no result type, an items key it does not declare).
 */
export function objectWalk(info: MethodInfo, result: ResultShape | undefined): PathWalk | undefined {
  if (!result) return undefined;
  if (info.kind !== 'list' || !info.list) {
    return { root: result.schema, defs: result.defs, label: result.name ?? labelOf(result.schema, `the result of ${info.call}`), throughArrays: true };
  }
  const page = resolveSchema(result.schema, result.defs);
  if (!('type' in page) || page.type !== 'object' || !Object.hasOwn(page.properties, info.list.itemsKey)) return undefined;
  const items = resolveSchema(page.properties[info.list.itemsKey]!, result.defs);
  if (!('type' in items) || items.type !== 'array') return undefined;
  return { root: items.items, defs: result.defs, label: labelOf(items.items, `an item of ${info.call}`), throughArrays: true };
}

/** Undefined when the dotted path names a field of the object; otherwise why not, with a suggestion. */
export function fieldPathProblem(walk: PathWalk, path: string): string | undefined {
  return schemaPathProblem(walk, path.split('.'));
}

/** Field paths of the object (depth-first, up to `depth` segments) whose last segment matches `name`. */
export function fieldsNamed(walk: PathWalk, name: RegExp, depth = 3): string[] {
  const found: string[] = [];
  const seen = new Set<ArgumentSchema>();
  const visit = (schema: ArgumentSchema, prefix: string[]) => {
    const s = resolveSchema(schema, walk.defs);
    if ('anyOf' in s) return s.anyOf.forEach((b) => visit(b, prefix));
    if (s.type === 'array') return visit(s.items, prefix);
    if (s.type !== 'object' || seen.has(s) || prefix.length >= depth) return;
    seen.add(s);
    for (const [key, child] of Object.entries(s.properties)) {
      const path = [...prefix, key];
      const c = resolveSchema(child, walk.defs);
      if (name.test(key) && 'type' in c && c.type === 'string') found.push(path.join('.'));
      visit(child, path);
    }
    seen.delete(s);
  };
  visit(walk.root, []);
  return found;
}

/**
 * A caller attribute's value: a path to one string of the result (no array on the way, since the
 * gateway reads one value; an open object below which the SDK declares nothing is accepted).
 */
export function attributeValueProblem(walk: PathWalk, path: string): string | undefined {
  const reached: ArgumentSchema[] = [];
  const problem = schemaPathProblem({ ...walk, throughArrays: false }, path.split('.'), reached);
  if (problem) return problem;
  const kinds = new Set<string>();
  const visit = (schema: ArgumentSchema) => {
    const s = resolveSchema(schema, walk.defs);
    if ('anyOf' in s) s.anyOf.forEach(visit);
    else kinds.add(s.type);
  };
  reached.forEach(visit);
  if (reached.length === 0 || kinds.has('json')) return undefined;
  return kinds.size === 1 && kinds.has('string') ? undefined : `${path} is ${[...kinds].join(' or ')} in ${walk.label}: a caller attribute is one string`;
}
