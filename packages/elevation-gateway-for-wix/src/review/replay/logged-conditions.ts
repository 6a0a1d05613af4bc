// Whether a rule's `when` can be decided on what a decision-log line holds: the caller's subject
// type and id, and the arguments only when the line carries them redacted. A condition that reads
// a redacted value (a string, or a number under `redacted-numbers`), anything of the caller the
// log does not hold, or arguments the line does not carry, cannot be: the line is then not
// decidable from the log. The paths are read as the strict matcher reads them (conditions/path.ts).
import type { Conditions } from '../../conditions/strict-matcher.ts';
import { placeholderName, placeholdersIn } from '../../conditions/placeholders.ts';
import { isRedacted } from '../../gateway/decision-log.ts';

/** What a log line holds of the caller: `${caller.id}` and `${caller.subjectType}` resolve from it, nothing else. */
const LOGGED_CALLER = new Set(['id', 'subjectType']);

/**
 * Why `when` cannot be decided on the line's arguments (`undefined`: the line carries none, or
 * they are not the ones the call was decided on); undefined when it can.
 */
export function undecidableCondition(when: Conditions, args: readonly unknown[] | undefined, noArgs: string): string | undefined {
  for (const placeholder of placeholdersIn(when)) {
    const name = placeholderName(placeholder); // undefined: a literal that only contains `${`
    if (name !== undefined && !LOGGED_CALLER.has(name)) return `its condition reads ${placeholder}, which the log does not hold`;
  }
  const doc = { args };
  for (const path of fieldPaths(when)) {
    if (path === undefined) return 'its condition has an operator replay does not know';
    if (args === undefined) {
      if (path.split('.')[0] === 'args') return `its condition reads ${path}: ${noArgs}`;
      continue;
    }
    if (readsRedacted(doc, path)) return `its condition reads ${path}, which the log holds redacted`;
  }
  return undefined;
}

/** The field paths a condition reads (`undefined` for a top-level operator the matcher would refuse). */
function fieldPaths(node: unknown, out: (string | undefined)[] = []): (string | undefined)[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return out;
  for (const [key, spec] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (Array.isArray(spec)) for (const sub of spec) fieldPaths(sub, out);
      else out.push(undefined);
    } else out.push(key.startsWith('$') ? undefined : key);
  }
  return out;
}

/**
 * Whether reading `path` meets a redaction marker, on the way or anywhere in what it finds. A path
 * that ends at a missing key before any marker reads the same in the request as in the log
 * (redaction keeps every key and array item).
 */
function readsRedacted(doc: unknown, path: string): boolean {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (isRedacted(current)) return true;
    if (current === null || typeof current !== 'object') return false;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment) || Number(segment) >= current.length) return false;
      current = current[Number(segment)];
      continue;
    }
    if (!Object.hasOwn(current, segment)) return false;
    current = (current as Record<string, unknown>)[segment];
  }
  return holdsRedacted(current);
}

function holdsRedacted(value: unknown): boolean {
  if (isRedacted(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(holdsRedacted);
}
