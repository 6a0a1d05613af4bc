// The condition matcher handed to CASL in place of ucast's lenient one. Documents come from the
// internet, so every comparison is type-exact: an array never "equals" one of its elements, an
// object or null never satisfies a scalar comparison, a missing value satisfies nothing but an
// explicit `$exists: false`, and `$not` only holds for values of the type its operators expect.
import { CALLER, resolvePlaceholder, isPlaceholder } from './placeholders.ts';
import { MISSING, readPath } from './path.ts';
import { isPlainObject, isScalar, jsonKind as typeOf, strictEqual } from './json-value.ts';

export { isPlainObject, strictEqual };

export type Conditions = Record<string, unknown>;
export type Predicate = (doc: unknown) => boolean;

export const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;

type Env = { caller: Record<string, unknown> | undefined };
type ValueTest = (value: unknown, env: Env) => boolean;

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ConditionSyntaxError';
  }
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** An operand is a literal or a `${caller.*}` placeholder resolved per request. */
function operand(raw: unknown): (env: Env) => unknown {
  if (isPlaceholder(raw)) return (env) => resolvePlaceholder(raw, env.caller);
  return () => raw;
}

function compileOperator(op: string, arg: unknown, path: string): { test: ValueTest; domain: (v: unknown, env: Env) => boolean } {
  const any = (v: unknown) => v !== MISSING;
  switch (op) {
    case '$eq': {
      const x = operand(arg);
      return { test: (v, env) => v !== MISSING && strictEqual(v, x(env)), domain: any };
    }
    case '$ne': {
      const x = operand(arg);
      // A placeholder with no value (a visitor has no member id) makes the test fail, never pass.
      return {
        test: (v, env) => {
          const y = x(env);
          return v !== MISSING && y !== undefined && !strictEqual(v, y);
        },
        domain: any,
      };
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!isPlaceholder(arg) && typeof arg !== 'number' && typeof arg !== 'string') {
        throw new ConditionSyntaxError(`${op} needs a number or a string`, path);
      }
      const x = operand(arg);
      const cmp = { $gt: (a: any, b: any) => a > b, $gte: (a: any, b: any) => a >= b, $lt: (a: any, b: any) => a < b, $lte: (a: any, b: any) => a <= b }[op];
      const sameType = (v: unknown, env: Env) => {
        const y = x(env);
        const t = typeOf(y);
        return (t === 'number' || t === 'string') && typeOf(v) === t;
      };
      return { test: (v, env) => sameType(v, env) && cmp(v, x(env)), domain: sameType };
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(arg)) throw new ConditionSyntaxError(`${op} needs an array`, path);
      const xs = arg.map(operand);
      const has = (v: unknown, env: Env) => xs.some((x) => strictEqual(v, x(env)));
      return op === '$in'
        ? { test: (v, env) => isScalar(v) && has(v, env), domain: isScalar }
        : // A placeholder with no value among the operands makes the test fail, as for $ne.
          { test: (v, env) => isScalar(v) && !has(v, env) && xs.every((x) => x(env) !== undefined), domain: isScalar };
    }
    case '$exists': {
      if (typeof arg !== 'boolean') throw new ConditionSyntaxError('$exists needs true or false', path);
      return { test: (v) => (v !== MISSING) === arg, domain: () => true };
    }
    case '$type': {
      const names = Array.isArray(arg) ? arg : [arg];
      for (const n of names) {
        if (!(TYPE_NAMES as readonly unknown[]).includes(n)) {
          throw new ConditionSyntaxError(`$type must be one of ${TYPE_NAMES.join(', ')}`, path);
        }
      }
      const test = (v: unknown) => names.some((n) => (n === 'integer' ? typeof v === 'number' && Number.isSafeInteger(v) : typeOf(v) === n));
      return { test, domain: any };
    }
    case '$size': {
      if (!Number.isSafeInteger(arg) || (arg as number) < 0) throw new ConditionSyntaxError('$size needs a non-negative integer', path);
      return { test: (v) => Array.isArray(v) && v.length === arg, domain: Array.isArray };
    }
    case '$all': {
      if (!Array.isArray(arg)) throw new ConditionSyntaxError('$all needs an array', path);
      const xs = arg.map(operand);
      return {
        test: (v, env) => Array.isArray(v) && xs.every((x) => v.some((e) => strictEqual(e, x(env)))),
        domain: Array.isArray,
      };
    }
    case '$elemMatch': {
      const inner: ValueTest = isOperatorObject(arg)
        ? compileValueTest(arg, `${path}.$elemMatch`).test
        : (() => {
            const p = compileNode(arg, `${path}.$elemMatch`);
            return (e: unknown, env: Env) => p(e, env);
          })();
      return { test: (v, env) => Array.isArray(v) && v.some((e) => inner(e, env)), domain: Array.isArray };
    }
    case '$not': {
      if (!isOperatorObject(arg)) throw new ConditionSyntaxError('$not needs an object of operators', path);
      const inner = compileValueTest(arg, `${path}.$not`);
      // Negation holds only inside the inner operators' domain: `$not: { $elemMatch }` is false for
      // a string, so a scalar sent where an array belongs cannot slip through a negative test.
      return { test: (v, env) => inner.domain(v, env) && !inner.test(v, env), domain: inner.domain };
    }
    default:
      throw new ConditionSyntaxError(`unknown operator ${op}`, path);
  }
}

function compileValueTest(spec: unknown, path: string): { test: ValueTest; domain: (v: unknown, env: Env) => boolean } {
  if (!isOperatorObject(spec)) {
    // A literal (or placeholder) means type-exact equality.
    return compileOperator('$eq', spec, path);
  }
  const parts = Object.entries(spec).map(([op, arg]) => compileOperator(op, arg, `${path}.${op}`));
  return {
    test: (v, env) => parts.every((p) => p.test(v, env)),
    domain: (v, env) => parts.every((p) => p.domain(v, env)),
  };
}

type NodeTest = (doc: unknown, env: Env) => boolean;

function compileNode(conditions: unknown, path: string): NodeTest {
  if (!isPlainObject(conditions)) throw new ConditionSyntaxError('conditions must be an object', path);
  const tests: NodeTest[] = [];
  for (const [key, spec] of Object.entries(conditions)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(spec) || spec.length === 0) throw new ConditionSyntaxError(`${key} needs a non-empty array`, here);
      const subs = spec.map((s, i) => compileNode(s, `${here}.${i}`));
      tests.push(key === '$and' ? (doc, env) => subs.every((t) => t(doc, env)) : (doc, env) => subs.some((t) => t(doc, env)));
      continue;
    }
    if (key.startsWith('$')) throw new ConditionSyntaxError(`unsupported operator ${key} at the top of a condition`, here);
    const { test } = compileValueTest(spec, here);
    tests.push((doc, env) => test(readPath(doc, key), env));
  }
  return (doc, env) => tests.every((t) => t(doc, env));
}

/** Validates conditions and returns a predicate; throws ConditionSyntaxError on bad syntax. */
export function compileConditions(conditions: Conditions): Predicate {
  const node = compileNode(conditions, '');
  return (doc) => {
    const caller = doc !== null && typeof doc === 'object' ? (doc as Record<symbol, unknown>)[CALLER] : undefined;
    return node(doc, { caller: caller as Record<string, unknown> | undefined });
  };
}

/** CASL's `conditionsMatcher` option: conditions → (object → boolean). */
export const strictConditionsMatcher = (conditions: Conditions) => compileConditions(conditions);
