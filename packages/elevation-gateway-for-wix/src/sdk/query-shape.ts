// What a list method's query accepts, read off its signature: the paging forms it declares and its
// filter (a WQL filter of the spec's fields and operators, or an open one). The page cap and the
// forced filter use this, so they set only what the method itself takes.
import { resolveSchema, type ArgumentSchema, type ObjectSchema, type Signature } from './argument-schema.ts';

export const PAGING_FORMS = ['cursorPaging', 'paging'] as const;
export type PagingForm = (typeof PAGING_FORMS)[number];

export interface QueryShape {
  /** The paging forms the query declares, the method's own first (`cursorPaging` before `paging`). */
  paging: PagingForm[];
  /** undefined: the query takes no filter; 'open': any field; otherwise the spec's fields → operators. */
  filter: undefined | 'open' | Map<string, Set<string>>;
}

const shapes = new WeakMap<Signature, Map<number, QueryShape>>();

function operatorsOf(schema: ArgumentSchema, defs: Signature['defs']): Set<string> {
  const ops = new Set<string>();
  const visit = (s: ArgumentSchema) => {
    const r = resolveSchema(s, defs);
    if ('anyOf' in r) {
      r.anyOf.forEach(visit);
      return;
    }
    if (r.type === 'object') Object.keys(r.properties).forEach((k) => ops.add(k));
    else if (r.type !== 'never') ops.add('$eq'); // a bare value is an equality
  };
  visit(schema);
  return ops;
}

/** The shape of the query at `queryArg` (computed once per signature). */
export function queryShape(signature: Signature, queryArg: number): QueryShape {
  let perArg = shapes.get(signature);
  if (!perArg) {
    perArg = new Map();
    shapes.set(signature, perArg);
  }
  const known = perArg.get(queryArg);
  if (known) return known;
  const param = signature.params[queryArg];
  const shape: QueryShape = { paging: [], filter: undefined };
  // A query typed as a union of object forms: what any of them declares.
  const forms: ObjectSchema[] = [];
  const collect = (s: ArgumentSchema) => {
    const r = resolveSchema(s, signature.defs);
    if ('anyOf' in r) r.anyOf.forEach(collect);
    else if (r.type === 'object') forms.push(r);
  };
  if (param) collect(param);
  shape.paging = PAGING_FORMS.filter((f) => forms.some((q) => Object.hasOwn(q.properties, f)));
  for (const q of forms) {
    if (!Object.hasOwn(q.properties, 'filter') || shape.filter === 'open') continue;
    const filter = resolveSchema(q.properties.filter!, signature.defs);
    if ('type' in filter && filter.type === 'filter') shape.filter = 'open';
    else if ('type' in filter && filter.type === 'object' && filter.filter) {
      const fields = shape.filter ?? new Map<string, Set<string>>();
      for (const [k, s] of Object.entries(filter.properties)) if (!k.startsWith('$')) fields.set(k, operatorsOf(s, signature.defs));
      shape.filter = fields;
    }
  }
  perArg.set(queryArg, shape);
  return shape;
}
