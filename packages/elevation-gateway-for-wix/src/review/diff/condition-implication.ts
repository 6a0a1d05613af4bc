// Whether one rule's conditions imply another's, for the policy diff: conditions are brought to a
// disjunctive normal form of atoms (a path, an operator, an operand), and implication is decided
// atom by atom with the strict matcher's semantics (type-exact comparisons, a placeholder is an
// opaque value equal only to itself). It is sound, not complete: `true` means every document the
// first admits, the second admits too; `false` means "not shown", which the diff counts as a
// widening when it matters. A rewrite with the same meaning (`$and` split, `$in` reordered, `x: 1`
// written `x: { $eq: 1 }` or `x: { $in: [1] }`, `$or` arms reordered) implies both ways.
import type { Conditions } from '../../conditions/strict-matcher.ts';
import { isPlaceholder } from '../../conditions/placeholders.ts';
import { isPlainObject, isScalar, jsonKind, strictEqual } from '../../conditions/json-value.ts';

export interface Atom {
  path: string;
  op: string;
  arg: unknown;
}
/** Atoms that must all hold. */
export type Conjunction = Atom[];
/** Conjunctions of which one must hold; `undefined` when too large to compare (counts as unknown). */
export type Dnf = Conjunction[] | undefined;

/** Past this many arms, conditions are not compared (their implication counts as not shown). */
const MAX_ARMS = 128;

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

/** One operator on one path, in a canonical form: `$in: [x]` is `$eq: x`; set operands are sorted. */
function atom(path: string, op: string, arg: unknown): Atom {
  if (op === '$in' && Array.isArray(arg) && arg.length === 1 && (isScalar(arg[0]) || isPlaceholder(arg[0]))) return { path, op: '$eq', arg: arg[0] };
  if ((op === '$in' || op === '$nin' || op === '$all') && Array.isArray(arg)) return { path, op, arg: canonicalSet(arg) };
  if (op === '$type') return { path, op, arg: [...new Set(Array.isArray(arg) ? arg : [arg])].sort() };
  return { path, op, arg };
}

function canonicalSet(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => strictEqual(o, v))) out.push(v);
  return out.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function product(a: Conjunction[], b: Conjunction[]): Dnf {
  if (a.length * b.length > MAX_ARMS) return undefined;
  return a.flatMap((x) => b.map((y) => [...x, ...y]));
}

/** Conditions as a disjunction of conjunctions of atoms; no conditions is `[[]]` (always holds). */
export function toDnf(conditions: Conditions | undefined): Dnf {
  let dnf: Dnf = [[]];
  for (const [key, spec] of Object.entries(conditions ?? {})) {
    let part: Dnf;
    if (key === '$and') {
      part = [[]];
      for (const sub of spec as Conditions[]) {
        const arms = toDnf(sub);
        part = part && arms ? product(part, arms) : undefined;
      }
    } else if (key === '$or') {
      const arms = (spec as Conditions[]).map(toDnf);
      part = arms.some((a) => a === undefined) ? undefined : (arms as Conjunction[][]).flat();
      if (part && part.length > MAX_ARMS) part = undefined;
    } else if (isOperatorObject(spec)) {
      part = [Object.entries(spec).map(([op, arg]) => atom(key, op, arg))];
    } else {
      part = [[atom(key, '$eq', spec)]];
    }
    if (!part || !dnf) return undefined;
    dnf = product(dnf, part);
  }
  return dnf;
}

const literal = (v: unknown) => !isPlaceholder(v);
const sameAtom = (a: Atom, b: Atom) => a.op === b.op && strictEqual(a.arg, b.arg);
const inSet = (v: unknown, set: unknown) => Array.isArray(set) && set.some((x) => strictEqual(x, v));
const subset = (a: unknown, b: unknown) => Array.isArray(a) && Array.isArray(b) && a.every((x) => inSet(x, b));
const comparable = (v: unknown): v is number | string => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && literal(v));
const BOUNDS = ['$gt', '$gte', '$lt', '$lte'];

/** The values an atom admits when it admits only finitely many (`$eq`, `$in` of literals). */
function finiteValues(a: Atom): unknown[] | undefined {
  if (a.op === '$eq' && literal(a.arg)) return [a.arg];
  if (a.op === '$in' && Array.isArray(a.arg) && a.arg.every((x) => isScalar(x) && literal(x))) return a.arg;
  return undefined;
}

/** Whether a bound `s` (or a finite set of values) implies the bound `d`, both on the same type. */
function boundImplies(s: Atom, d: Atom): boolean {
  const n = d.arg;
  if (!comparable(n)) return false;
  const values = finiteValues(s);
  const ok = (v: unknown) =>
    typeof v === typeof n && comparable(v) && { $gt: v > n, $gte: v >= n, $lt: v < n, $lte: v <= n }[d.op as '$gt' | '$gte' | '$lt' | '$lte'];
  if (values) return values.length > 0 && values.every(ok);
  const m = s.arg;
  if (!BOUNDS.includes(s.op) || !comparable(m) || typeof m !== typeof n) return false;
  const upper = (op: string) => op === '$lt' || op === '$lte';
  if (upper(s.op) !== upper(d.op)) return false;
  if (upper(d.op)) return d.op === '$lte' ? m <= n : s.op === '$lt' ? m <= n : m < n;
  return d.op === '$gte' ? m >= n : s.op === '$gt' ? m >= n : m > n;
}

/** Whether the atoms on one path (all holding) imply the atom `d` on that path. */
function atomsImply(atoms: Atom[], d: Atom): boolean {
  if (atoms.some((s) => sameAtom(s, d))) return true;
  switch (d.op) {
    case '$in':
      // `$in` admits scalars only (null, an array or an object among its operands matches nothing):
      // `$eq: null` does not imply `$in: [null, …]`. An `$in` admits only scalars of its own list.
      return atoms.some(
        (s) => (s.op === '$eq' && isScalar(s.arg) && inSet(s.arg, d.arg)) || (s.op === '$in' && Array.isArray(s.arg) && subset(s.arg.filter(isScalar), d.arg)),
      );
    case '$nin': {
      if (atoms.some((s) => s.op === '$nin' && subset(d.arg, s.arg))) return true;
      if (!Array.isArray(d.arg) || !d.arg.every(literal)) return false;
      return atoms.some((s) => {
        const values = finiteValues(s);
        return values !== undefined && values.every((v) => isScalar(v) && !inSet(v, d.arg));
      });
    }
    case '$ne':
      return atoms.some((s) => {
        if (s.op === '$nin' && inSet(d.arg, s.arg)) return true;
        const values = literal(d.arg) ? finiteValues(s) : undefined;
        return values !== undefined && values.every((v) => !strictEqual(v, d.arg));
      });
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return atoms.some((s) => boundImplies(s, d));
    case '$exists':
      // Every operator but `$exists: false` and `$not` holds only on a value that is there.
      return d.arg === true ? atoms.some((s) => (s.op !== '$exists' && s.op !== '$not') || s.arg === true) : false;
    case '$type': {
      const names = d.arg as string[];
      const admits = (kind: string) => names.includes(kind) || (kind === 'integer' && names.includes('number'));
      return atoms.some((s) => {
        if (s.op === '$type') return (s.arg as string[]).every(admits);
        const values = finiteValues(s);
        return values !== undefined && values.every((v) => admits(jsonKind(v)));
      });
    }
    case '$all':
      return atoms.some((s) => s.op === '$all' && subset(d.arg, s.arg));
    default:
      return false;
  }
}

export const onPath = (c: Conjunction, path: string) => c.filter((a) => a.path === path);

/** Whether every document satisfying the conjunction `c` satisfies the conjunction `d`. */
export function conjunctionImplies(c: Conjunction, d: Conjunction): boolean {
  return contradictory(c) || d.every((x) => atomsImply(onPath(c, x.path), x));
}

/** A conjunction no value can satisfy on some path (`$eq: 1` with `$eq: 2`, `$exists` both ways). */
function contradictory(c: Conjunction): boolean {
  for (const path of new Set(c.map((a) => a.path))) {
    const atoms = onPath(c, path);
    const finite = atoms.map(finiteValues).filter((v): v is unknown[] => v !== undefined);
    if (finite.length > 1 && !finite[0]!.some((v) => finite.every((set) => inSet(v, set)))) return true;
    if (atoms.some((a) => a.op === '$exists' && a.arg === false) && atoms.some((a) => a.op !== '$exists' && a.op !== '$not')) return true;
  }
  return false;
}

/** Whether `p` implies `q` (shown); false when not shown or when either is too large to compare. */
export function implies(p: Dnf, q: Dnf): boolean {
  if (!p || !q) return false;
  return p.every((c) => q.some((d) => conjunctionImplies(c, d)));
}

/** An atom as a reviewer reads it: `$lte 50`, `$in ["a","b"]`. */
export function formatAtom(a: Atom): string {
  return `${a.op} ${JSON.stringify(a.arg)}`;
}
