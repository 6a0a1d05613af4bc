// Mass-assignment guard and presets. `writable` lists the argument paths a client may set; any
// other key, in any argument, is refused. `presets` force argument values from the caller,
// whatever the client sent (as Hasura's column presets do).
import { holdsUndefined, interpolate } from '../../conditions/placeholders.ts';
import { isPlainObject, strictEqual } from '../../conditions/json-value.ts';
import type { Caller } from '../../contract/caller.ts';
import { forbidden, invalid } from '../errors.ts';

const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
const shown = (segments: string[]) => segments.map((s) => (s.length > 64 ? `${s.slice(0, 64)}…` : s)).join('.');

/** Whether `allowed` (segments) is `path` or one of its parents; segments compare whole. */
const covers = (allowed: string[], path: string[]) => allowed.length <= path.length && allowed.every((s, i) => s === path[i] && !PROTOTYPE_KEYS.has(s));

/**
 * `writable` lists the only paths a client may set, across every argument position of the method
 * (the id the call addresses aside); the obligation plan gives the union of the allowing rules'.
 */
export function checkWritable(writable: readonly string[], args: unknown[], pathArgs: readonly string[]): void {
  const allowed = writable.map((p) => p.split('.'));
  const selectors = pathArgs.map((p) => ['args', ...p.split('.')]);
  const visit = (value: unknown, path: string[]) => {
    if (selectors.some((s) => s.length === path.length && s.every((x, i) => x === path[i]))) return;
    if (allowed.some((a) => covers(a, path))) return;
    if (isPlainObject(value)) {
      for (const [key, v] of Object.entries(value)) visit(v, [...path, key]);
      return; // an empty object writes nothing
    }
    throw invalid(`${shown(path)} may not be set by this caller`);
  };
  args.forEach((arg, i) => {
    if (arg !== undefined) visit(arg, ['args', String(i)]);
  });
}

function setPath(args: unknown[], path: string, value: unknown): void {
  const segments = path.split('.').slice(1);
  let target: Record<string, unknown> = args as unknown as Record<string, unknown>;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i]!;
    const next = target[key];
    if (next === undefined || next === null) target[key] = {};
    else if (!isPlainObject(next) && !Array.isArray(next)) throw invalid(`args.${segments.slice(0, i + 1).join('.')} must be an object`);
    target = target[key] as Record<string, unknown>;
  }
  target[segments[segments.length - 1]!] = value;
}

/** The presets' values for this caller; two rules forcing different values is a refusal. */
export function resolvePresets(presets: readonly { path: string; value: unknown }[], caller: Caller): Map<string, unknown> {
  const forced = new Map<string, unknown>();
  for (const { path, value: raw } of presets) {
    const value = interpolate(raw, caller as unknown as Record<string, unknown>);
    if (holdsUndefined(value)) throw forbidden(`preset ${path} has no value for this caller`);
    if (forced.has(path) && !strictEqual(forced.get(path), value)) throw forbidden(`rules disagree on preset ${path}`);
    forced.set(path, value);
  }
  return forced;
}

/** Applies the plan's presets to the admitted arguments; returns the paths set. */
export function applyPresets(presets: readonly { path: string; value: unknown }[], args: unknown[], caller: Caller): string[] {
  const forced = resolvePresets(presets, caller);
  for (const [path, value] of forced) setPath(args, path, value);
  return [...forced.keys()];
}
