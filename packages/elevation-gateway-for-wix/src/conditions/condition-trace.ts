// Walks a rule's conditions and says, for every field condition, what was expected, what the
// document held and whether it held. Each operator is judged by the real strict matcher on its
// own, so the trace has the gateway's semantics; the verdict itself still comes from PolicyEngine.
import { compileConditions, type Conditions } from './strict-matcher.ts';
import { isPlainObject } from './json-value.ts';
import { CALLER, interpolate } from './placeholders.ts';
import { MISSING, readPath } from './path.ts';
import type { Caller } from '../contract/caller.ts';

export interface FieldTrace {
  path: string;
  operator: string;
  /** The operand as written (a placeholder stays `${caller.id}`). */
  written: unknown;
  /** The operand with placeholders resolved for this caller (`null` when the caller has no value). */
  expected: unknown;
  /** The document's value at the path; `undefined` when missing. */
  actual: unknown;
  missing: boolean;
  holds: boolean;
}

export interface GroupTrace {
  operator: '$and' | '$or';
  holds: boolean;
  branches: ConditionTrace[];
}

export interface ConditionTrace {
  holds: boolean;
  parts: (FieldTrace | GroupTrace)[];
}

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

/** The document the matcher sees: the value with the caller attached under its symbol. */
export function withCaller(value: unknown, caller: Caller): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.assign(Object.create(null), value, { [CALLER]: caller });
}

function holds(conditions: Conditions, doc: unknown): boolean {
  return compileConditions(conditions)(doc);
}

export function traceConditions(conditions: Conditions, value: unknown, caller: Caller): ConditionTrace {
  const doc = withCaller(value, caller);
  const parts: (FieldTrace | GroupTrace)[] = [];
  for (const [key, spec] of Object.entries(conditions)) {
    if (key === '$and' || key === '$or') {
      const branches = (spec as Conditions[]).map((c) => traceConditions(c, value, caller));
      parts.push({ operator: key, holds: key === '$and' ? branches.every((b) => b.holds) : branches.some((b) => b.holds), branches });
      continue;
    }
    const actual = readPath(doc, key);
    const missing = actual === MISSING;
    const ops: [string, unknown][] = isOperatorObject(spec) ? Object.entries(spec) : [['$eq', spec]];
    for (const [operator, written] of ops) {
      const single = isOperatorObject(spec) ? { [key]: { [operator]: written } } : { [key]: spec };
      const expected = interpolate(written, caller as unknown as Record<string, unknown>);
      parts.push({
        path: key,
        operator,
        written,
        expected: expected === undefined ? null : expected,
        actual: missing ? undefined : actual,
        missing,
        holds: holds(single, doc),
      });
    }
  }
  return { holds: parts.every((p) => p.holds), parts };
}

const show = (v: unknown) => (v === undefined ? '(missing)' : JSON.stringify(v));

/** Human lines of a trace, indented. */
export function formatTrace(trace: ConditionTrace, indent = '      '): string[] {
  const lines: string[] = [];
  for (const p of trace.parts) {
    if ('path' in p) {
      const placeholder = typeof p.written === 'string' && p.written.includes('${') ? ` (${p.written})` : '';
      lines.push(
        `${indent}${p.holds ? '✓' : '✗'} ${p.path} ${p.operator} ${JSON.stringify(p.expected)}${placeholder}: actual ${p.missing ? '(missing)' : show(p.actual)}`,
      );
    } else {
      lines.push(`${indent}${p.holds ? '✓' : '✗'} ${p.operator}:`);
      p.branches.forEach((b, i) => {
        lines.push(`${indent}  [${i}] ${b.holds ? 'holds' : 'fails'}`);
        lines.push(...formatTrace(b, `${indent}    `));
      });
    }
  }
  return lines;
}
