// Mass-assignment guard and presets. `writable` lists the argument paths a client may set; any
// other key in those arguments is refused. `presets` force argument values from the caller,
// whatever the client sent (as Hasura's column presets do).
import type { CompiledRule } from '../../policy/compiled';
import { interpolate } from '../../policy/conditions/placeholders';
import { isPlainObject, strictEqual } from '../../policy/conditions/strict-matcher';
import type { Caller } from '../caller';
import { GatewayError, invalid } from '../errors';

/** Paths of every leaf in a JSON value, relative to `base`. */
function leafPaths(value: unknown, base: string, out: string[] = []): string[] {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, `${base}.${k}`, out);
  } else out.push(base);
  return out;
}

const covers = (allowed: string, path: string) => path === allowed || path.startsWith(`${allowed}.`);

/**
 * With several allowing rules, a key is writable when any of them lets it be written; a rule
 * without `writable` does not restrict writes at all.
 */
export function checkWritable(rules: CompiledRule[], args: unknown[]): void {
  if (rules.some((r) => !r.writable)) return;
  const allowed = rules.flatMap((r) => r.writable!);
  // Only the arguments a writable list talks about are restricted.
  const restrictedArgs = new Set(allowed.map((p) => p.split('.')[1]!));
  for (const index of restrictedArgs) {
    const arg = args[Number(index)];
    if (arg === undefined) continue;
    for (const path of leafPaths(arg, `args.${index}`)) {
      if (path === `args.${index}` && !isPlainObject(arg)) {
        if (!allowed.some((a) => covers(a, path))) throw invalid(`${path} must be an object with only writable fields`);
        continue;
      }
      if (path === `args.${index}`) continue; // an empty object writes nothing
      if (!allowed.some((a) => covers(a, path))) throw invalid(`${path} may not be set by this caller`);
    }
  }
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

/** Applies the presets of every allowing rule; two rules forcing different values is a refusal. */
export function applyPresets(rules: CompiledRule[], args: unknown[], caller: Caller): string[] {
  const forced = new Map<string, unknown>();
  for (const rule of rules) {
    for (const [path, raw] of Object.entries(rule.presets ?? {})) {
      const value = interpolate(raw, caller as unknown as Record<string, unknown>);
      if (value === undefined) throw new GatewayError('FORBIDDEN', 'The policy does not permit this call.', {}, `preset ${path} has no value for this caller`);
      if (forced.has(path) && !strictEqual(forced.get(path), value)) {
        throw new GatewayError('FORBIDDEN', 'The policy does not permit this call.', {}, `rules disagree on preset ${path}`);
      }
      forced.set(path, value);
    }
  }
  for (const [path, value] of forced) setPath(args, path, value);
  return [...forced.keys()];
}
