// A deliberately simple reference of the policy semantics, written from the documentation (the
// strict matcher's header, decide.ts, enforce.ts, field-mask.ts) for the property tests, and
// independent of the code it checks: nothing here imports the gateway or the policy compiler.
// Slow and obvious on purpose.

export type SubjectType = 'VISITOR' | 'MEMBER' | 'USER';
export interface RefCaller {
  subjectType: SubjectType;
  id: string;
}

export interface RuleSpec {
  id: string;
  description: string;
  roles: string[];
  allow?: string;
  deny?: string;
  when?: Record<string, unknown>;
  resource?: Record<string, unknown>;
  preload?: string;
  fields?: { allow?: string[]; deny?: string[] };
  cap?: number;
  writable?: string[];
}

export interface PolicySpec {
  version: 1;
  roles: Record<string, { subjects: SubjectType[]; inherits: string[] }>;
  rules: RuleSpec[];
}

const MISSING = Symbol('missing');
type Kind = 'null' | 'array' | 'string' | 'boolean' | 'number' | 'object' | 'other';

function kind(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'other';
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null ? 'object' : 'other';
  }
  return 'other';
}

/** Deep equality where the types must match exactly. */
function same(a: unknown, b: unknown): boolean {
  const k = kind(a);
  if (k === 'other' || k !== kind(b)) return false;
  if (k === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  if (k === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const key of keys) if (!Object.prototype.hasOwnProperty.call(y, key) || !same(x[key], y[key])) return false;
    return true;
  }
  return a === b;
}

/** Own properties only; arrays only by a numeric segment; undefined counts as missing. */
function at(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg) || Number(seg) >= cur.length) return MISSING;
      cur = cur[Number(seg)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return MISSING;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur === undefined ? MISSING : cur;
}

function operand(x: unknown, caller: RefCaller): unknown {
  if (x === '${caller.id}') return caller.id;
  if (x === '${caller.subjectType}') return caller.subjectType;
  return x;
}

const isOperatorObject = (v: unknown) =>
  kind(v) === 'object' && Object.keys(v as object).length > 0 && Object.keys(v as object).every((k) => k.startsWith('$'));
const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(kind(v));

/** `applies`: the values an operator speaks about (a negation holds only there). */
interface ValueTest {
  holds(v: unknown): boolean;
  applies(v: unknown): boolean;
}

function operatorTest(op: string, arg: unknown, caller: RefCaller): ValueTest {
  switch (op) {
    case '$eq':
      return { applies: (v) => v !== MISSING, holds: (v) => v !== MISSING && same(v, operand(arg, caller)) };
    case '$in':
      return { applies: scalar, holds: (v) => scalar(v) && (arg as unknown[]).some((x) => same(v, operand(x, caller))) };
    case '$gte':
    case '$lte': {
      const y = operand(arg, caller);
      const applies = (v: unknown) => (kind(y) === 'number' || kind(y) === 'string') && kind(v) === kind(y);
      return { applies, holds: (v) => applies(v) && (op === '$gte' ? (v as number) >= (y as number) : (v as number) <= (y as number)) };
    }
    case '$exists':
      return { applies: () => true, holds: (v) => (v !== MISSING) === arg };
    case '$type': {
      const names = Array.isArray(arg) ? arg : [arg];
      return {
        applies: (v) => v !== MISSING,
        holds: (v) => v !== MISSING && names.some((n) => (n === 'integer' ? typeof v === 'number' && Number.isSafeInteger(v) : kind(v) === n)),
      };
    }
    case '$elemMatch':
      return {
        applies: Array.isArray,
        holds: (v) =>
          Array.isArray(v) &&
          v.some((e) => (isOperatorObject(arg) ? valueTest(arg, caller).holds(e) : conditionsHold(arg as Record<string, unknown>, e, caller))),
      };
    case '$not': {
      const inner = valueTest(arg, caller);
      return { applies: (v) => inner.applies(v), holds: (v) => inner.applies(v) && !inner.holds(v) };
    }
    default:
      throw new Error(`the reference does not know ${op}`);
  }
}

function valueTest(spec: unknown, caller: RefCaller): ValueTest {
  if (!isOperatorObject(spec)) return operatorTest('$eq', spec, caller);
  const tests = Object.entries(spec as Record<string, unknown>).map(([op, arg]) => operatorTest(op, arg, caller));
  return { applies: (v) => tests.every((t) => t.applies(v)), holds: (v) => tests.every((t) => t.holds(v)) };
}

export function conditionsHold(conditions: Record<string, unknown>, doc: unknown, caller: RefCaller): boolean {
  for (const [key, spec] of Object.entries(conditions)) {
    if (key === '$or') {
      if (!(spec as Record<string, unknown>[]).some((c) => conditionsHold(c, doc, caller))) return false;
      continue;
    }
    if (key === '$and') {
      if (!(spec as Record<string, unknown>[]).every((c) => conditionsHold(c, doc, caller))) return false;
      continue;
    }
    if (!valueTest(spec, caller).holds(at(doc, key))) return false;
  }
  return true;
}

/** `*`, `pkg.*`, `pkg.ns.*` or an exact call. */
export function patternMatches(pattern: string, call: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return call.startsWith(pattern.slice(0, -1));
  return pattern === call;
}

export function rolesHeld(policy: PolicySpec, subjectType: SubjectType): Set<string> {
  const held = new Set(Object.keys(policy.roles).filter((r) => policy.roles[r]!.subjects.includes(subjectType)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of [...held])
      for (const parent of policy.roles[r]!.inherits)
        if (!held.has(parent)) {
          held.add(parent);
          grew = true;
        }
  }
  return held;
}

export type RefDecision = { allow: false } | { allow: true; rules: RuleSpec[] };

/** Deny rules win; otherwise every allow rule for the call whose `when` holds on `{ args }`. */
export function referenceDecision(policy: PolicySpec, caller: RefCaller, call: string, args: unknown[]): RefDecision {
  const held = rolesHeld(policy, caller.subjectType);
  const mine = policy.rules.filter((r) => r.roles.some((role) => held.has(role)));
  const doc = { args };
  const whenHolds = (r: RuleSpec) => r.when === undefined || conditionsHold(r.when, doc, caller);
  if (mine.some((r) => r.deny !== undefined && patternMatches(r.deny, call) && whenHolds(r))) return { allow: false };
  const rules = mine.filter((r) => r.allow === call && whenHolds(r));
  return rules.length ? { allow: true, rules } : { allow: false };
}

/** May this object come back? Yes unless every allowing rule restricts objects and none admits it. */
export function objectPermitted(rules: RuleSpec[], object: unknown, caller: RefCaller): boolean {
  if (rules.some((r) => r.resource === undefined)) return true;
  return rules.some((r) => conditionsHold(r.resource!, object, caller));
}

/**
 * The allowing rules that let this object through: a read's object gets only their fields (a rule
 * returns its fields for the objects its own resource conditions admit). A write's result: all of them.
 */
export function rulesLettingThrough(rules: RuleSpec[], object: unknown, caller: RefCaller): RuleSpec[] {
  return rules.filter((r) => r.resource === undefined || conditionsHold(r.resource, object, caller));
}

const within = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`);

/** Whether one rule's field rule keeps a path that is present in a result (a field or an object holding fields). */
function ruleKeeps(rule: RuleSpec, path: string): boolean {
  const f = rule.fields;
  if (!f) return true;
  if (f.deny) return !f.deny.some((d) => within(d, path));
  return (f.allow ?? []).some((a) => within(a, path) || within(path, a));
}

/** Paths (array indices left out) present in a result that no allowing rule lets through. */
export function forbiddenPathsIn(rules: RuleSpec[], value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, base: string) => {
    if (Array.isArray(v)) {
      v.forEach((e) => walk(e, base));
      return;
    }
    if (kind(v) !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const path = base ? `${base}.${k}` : k;
      if (!rules.some((r) => ruleKeeps(r, path))) out.push(path);
      walk(child, path);
    }
  };
  walk(value, '');
  return out;
}
