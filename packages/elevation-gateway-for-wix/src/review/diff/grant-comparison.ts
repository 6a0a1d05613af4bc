// What changed between two versions of a grant (an allow rule), aspect by aspect, each change
// saying whether it widens or narrows what a caller can do: conditions operator by operator, the
// field mask, the cap, writable paths, presets, the preload, the rate limit, protection options
// and registered obligations. A change the comparison cannot decide is a widening.
import type { CompiledRule, FieldRule, RateLimit } from '../../contract/compiled-policy.ts';
import type { Conditions } from '../../conditions/strict-matcher.ts';
import { strictEqual } from '../../conditions/json-value.ts';
import { formatAtom, implies, onPath, toDnf, type Conjunction, type Dnf } from './condition-implication.ts';

export type Direction = 'widens' | 'narrows';

export interface GrantChange {
  direction: Direction;
  /** when, resource, fields, cap, writable, presets, preload, rateLimit, timeout, allowOptions, or a registered kind's key. */
  aspect: string;
  text: string;
  /** The argument path a preset change is about. */
  path?: string;
}

/** What a comparison of two grants of one call needs to know beyond the two rules. */
export interface GrantContext {
  /**
   * Why forcing an argument path redirects the call (a `when` of a rule of the call reads it, or
   * the method addresses its object by it); undefined when it does not.
   */
  steers?: (path: string) => string | undefined;
  /** The policies' default timeouts, for a rule that sets none: base and change. */
  defaultTimeoutMs?: { before: number; after: number };
}

const UNDECIDED = ' (neither implies the other: counted as widening)';
const json = (v: unknown) => JSON.stringify(v);

/** Atoms as a reviewer reads them: `buyerInfo.memberId $eq "${caller.id}", total $lte 50`; nothing is `always`. */
export function formatConjunction(c: Conjunction): string {
  return c.length ? c.map((a) => `${a.path} ${formatAtom(a)}`).join(', ') : 'always';
}

const formatAtoms = (c: Conjunction) => c.map(formatAtom).join(', ');

/** Per path of one conjunction against another: what each path's atoms gained or lost. */
function pathChanges(aspect: string, before: Conjunction, after: Conjunction, prefix = ''): GrantChange[] {
  const out: GrantChange[] = [];
  const paths = [...new Set([...before, ...after].map((a) => a.path))];
  for (const path of paths) {
    const a = onPath(before, path);
    const b = onPath(after, path);
    const afterImpliesBefore = implies([b], [a]);
    const beforeImpliesAfter = implies([a], [b]);
    if (afterImpliesBefore && beforeImpliesAfter) continue;
    const text =
      a.length === 0
        ? `${aspect} ${prefix}${path}: condition added (${formatAtoms(b)})`
        : b.length === 0
          ? `${aspect} ${prefix}${path}: condition removed (was ${formatAtoms(a)})`
          : `${aspect} ${prefix}${path}: ${formatAtoms(a)} → ${formatAtoms(b)}`;
    if (!afterImpliesBefore) out.push({ direction: 'widens', aspect, text: beforeImpliesAfter ? text : `${text}${UNDECIDED}` });
    else out.push({ direction: 'narrows', aspect, text });
  }
  return out;
}

const samePaths = (a: Conjunction, b: Conjunction) => {
  const x = new Set(a.map((t) => t.path));
  const y = new Set(b.map((t) => t.path));
  return x.size === y.size && [...x].every((p) => y.has(p));
};

/** The arms of `from` that `to` does not imply, described against the arm of `to` with the same paths, if any. */
function armChanges(aspect: string, direction: Direction, from: Conjunction[], to: Dnf & Conjunction[], verb: string): GrantChange[] {
  const out: GrantChange[] = [];
  for (const arm of from) {
    if (implies([arm], to)) continue;
    const twin = to.find((t) => samePaths(t, arm));
    const details = twin ? (direction === 'widens' ? pathChanges(aspect, twin, arm, '$or arm ') : pathChanges(aspect, arm, twin, '$or arm ')) : [];
    const matching = details.filter((d) => d.direction === direction);
    if (matching.length) out.push(...matching);
    else out.push({ direction, aspect, text: `${aspect}: $or arm ${verb}: ${formatConjunction(arm)}` });
  }
  return out;
}

/** Conditions (`when` of a rule, or `resource`) before → after: per path when both are one conjunction, else per `$or` arm. */
export function compareConditions(aspect: string, before: Conditions | undefined, after: Conditions | undefined): GrantChange[] {
  const a = toDnf(before);
  const b = toDnf(after);
  const wider = !implies(b, a);
  const narrower = !implies(a, b);
  if (!wider && !narrower) return [];
  let out: GrantChange[];
  if (!a || !b) {
    out = [{ direction: 'widens', aspect, text: `${aspect}: ${json(before ?? {})} → ${json(after ?? {})} (too large to compare: counted as widening)` }];
  } else if (a.length === 1 && b.length === 1) {
    out = pathChanges(aspect, a[0]!, b[0]!);
  } else {
    out = [
      ...(wider ? armChanges(aspect, 'widens', b, a, 'added or widened') : []),
      ...(narrower ? armChanges(aspect, 'narrows', a, b, 'removed or narrowed') : []),
    ];
  }
  // The verdict of the whole decides; the details only say where.
  if (wider && !out.some((c) => c.direction === 'widens'))
    out.push({ direction: 'widens', aspect, text: `${aspect}: ${json(before ?? {})} → ${json(after ?? {})}` });
  if (!wider) out = out.filter((c) => c.direction !== 'widens');
  if (narrower && !wider && !out.some((c) => c.direction === 'narrows'))
    out.push({ direction: 'narrows', aspect, text: `${aspect}: ${json(before ?? {})} → ${json(after ?? {})}` });
  if (!narrower) out = out.filter((c) => c.direction !== 'narrows');
  return out;
}

/** `p` is `q` or a field below it. */
const covers = (p: string, q: string) => q === p || q.startsWith(`${p}.`);
const overlaps = (p: string, q: string) => covers(p, q) || covers(q, p);

/** The field mask before → after: which paths a caller now receives that it did not, and which it no longer does. */
export function compareFields(before: FieldRule | undefined, after: FieldRule | undefined): GrantChange[] {
  const out: GrantChange[] = [];
  const widen = (text: string) => out.push({ direction: 'widens', aspect: 'fields', text });
  const narrow = (text: string) => out.push({ direction: 'narrows', aspect: 'fields', text });
  const list = (paths: string[]) => paths.join(', ');
  if (!before && !after) return out;
  if (!after) {
    widen(`fields: every field returned (was ${before!.allow ? `only ${list(before!.allow)}` : `all but ${list(before!.deny!)}`})`);
    return out;
  }
  if (!before) {
    narrow(`fields: ${after.allow ? `only ${list(after.allow)}` : `all but ${list(after.deny!)}`} (was every field)`);
    return out;
  }
  if (before.allow && after.allow) {
    const unmasked = after.allow.filter((p) => !before.allow!.some((q) => covers(q, p)));
    const masked = before.allow.filter((p) => !after.allow!.some((q) => covers(q, p)));
    if (unmasked.length) widen(`fields unmasked: ${list(unmasked)} now returned`);
    if (masked.length) narrow(`fields masked: ${list(masked)} no longer returned`);
  } else if (before.deny && after.deny) {
    const unmasked = before.deny.filter((p) => !after.deny!.some((q) => covers(q, p)));
    const masked = after.deny.filter((p) => !before.deny!.some((q) => covers(q, p)));
    if (unmasked.length) widen(`fields unmasked: ${list(unmasked)} no longer removed`);
    if (masked.length) narrow(`fields masked: ${list(masked)} now removed`);
  } else if (before.allow && after.deny) {
    widen(`fields: only ${list(before.allow)} → all but ${list(after.deny)} (every other field is now returned)`);
  } else {
    const unmasked = after.allow!.filter((p) => before.deny!.some((q) => overlaps(p, q)));
    if (unmasked.length) widen(`fields unmasked: ${list(unmasked)} (removed before) now returned`);
    narrow(`fields: all but ${list(before.deny!)} → only ${list(after.allow!)}`);
  }
  return out;
}

function compareCap(before: number | undefined, after: number | undefined): GrantChange[] {
  if (before === after) return [];
  if (after === undefined) return [{ direction: 'widens', aspect: 'cap', text: `cap removed (was ${before})` }];
  if (before === undefined) return [{ direction: 'narrows', aspect: 'cap', text: `cap added: ${after}` }];
  return [{ direction: after > before ? 'widens' : 'narrows', aspect: 'cap', text: `cap ${after > before ? 'raised' : 'lowered'} ${before} → ${after}` }];
}

function compareWritable(before: string[] | undefined, after: string[] | undefined): GrantChange[] {
  if (!before && !after) return [];
  if (!after) return [{ direction: 'widens', aspect: 'writable', text: `writable removed: any argument may be set (was ${before!.join(', ')})` }];
  if (!before) return [{ direction: 'narrows', aspect: 'writable', text: `writable added: only ${after.join(', ')} may be set` }];
  const added = after.filter((p) => !before.some((q) => covers(q, p)));
  const removed = before.filter((p) => !after.some((q) => covers(q, p)));
  return [
    ...(added.length ? [{ direction: 'widens' as const, aspect: 'writable', text: `writable paths added: ${added.join(', ')}` }] : []),
    ...(removed.length ? [{ direction: 'narrows' as const, aspect: 'writable', text: `writable paths removed: ${removed.join(', ')}` }] : []),
  ];
}

/**
 * Presets before → after. A preset removed lets the client choose the value: a widening. One added
 * or changed forces a value: a narrowing, unless the path steers the call (the rules' conditions
 * were checked on the client's value, which the preset then overwrites; or the method addresses its
 * object by it), which redirects the call: a widening.
 */
function comparePresets(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}, steers?: GrantContext['steers']): GrantChange[] {
  const out: GrantChange[] = [];
  for (const [path, value] of Object.entries(before)) {
    if (!Object.hasOwn(after, path)) out.push({ direction: 'widens', aspect: 'presets', path, text: `preset removed: ${path} (was ${json(value)})` });
    else if (!strictEqual(value, after[path])) {
      const why = steers?.(path);
      out.push({
        direction: 'widens',
        aspect: 'presets',
        path,
        text: `preset ${path}: ${json(value)} → ${json(after[path])}${why ? ` (${why}: counted as widening)` : UNDECIDED}`,
      });
    }
  }
  for (const [path, value] of Object.entries(after)) {
    if (Object.hasOwn(before, path)) continue;
    const why = steers?.(path);
    if (why) out.push({ direction: 'widens', aspect: 'presets', path, text: `preset added: ${path} = ${json(value)} (${why}: counted as widening)` });
    else out.push({ direction: 'narrows', aspect: 'presets', path, text: `preset added: ${path} = ${json(value)}` });
  }
  return out;
}

/**
 * The time Wix may take, before → after (a rule that sets none has its policy's default). A longer
 * timeout holds elevated work longer: counted as widening.
 */
function compareTimeout(before: number | undefined, after: number | undefined, defaults: GrantContext['defaultTimeoutMs']): GrantChange[] {
  if (before === after || (before === undefined && after === undefined)) return [];
  const a = before ?? defaults?.before;
  const b = after ?? defaults?.after;
  const shown = (v: number | undefined, own: number | undefined) => (v === undefined ? 'the default' : `${v} ms${own === undefined ? ' (the default)' : ''}`);
  const text = `timeout ${shown(a, before)} → ${shown(b, after)}`;
  if (a === undefined || b === undefined) return [{ direction: 'widens', aspect: 'timeout', text: `${text}${UNDECIDED}` }];
  if (a === b) return [];
  return b > a
    ? [{ direction: 'widens', aspect: 'timeout', text: `${text} (raised: elevated work may run longer, counted as widening)` }]
    : [{ direction: 'narrows', aspect: 'timeout', text: `${text} (lowered)` }];
}

function compareRateLimit(before: RateLimit | undefined, after: RateLimit | undefined): GrantChange[] {
  if (!before && !after) return [];
  if (!after) return [{ direction: 'widens', aspect: 'rateLimit', text: `rate limit lifted (was ${before!.text})` }];
  if (!before) return [{ direction: 'narrows', aspect: 'rateLimit', text: `rate limit added: ${after.text}` }];
  if (after.count === before.count && after.windowSeconds === before.windowSeconds) return [];
  const text = `rate limit ${before.text} → ${after.text}`;
  // A window allows `count` requests; fewer per longer window is tighter, more per shorter looser.
  if (after.count <= before.count && after.windowSeconds >= before.windowSeconds) return [{ direction: 'narrows', aspect: 'rateLimit', text }];
  if (after.count >= before.count && after.windowSeconds <= before.windowSeconds)
    return [{ direction: 'widens', aspect: 'rateLimit', text: `${text} (raised)` }];
  return [{ direction: 'widens', aspect: 'rateLimit', text: `${text}${UNDECIDED}` }];
}

function compareAllowOptions(before: string[] = [], after: string[] = []): GrantChange[] {
  const added = after.filter((o) => !before.includes(o));
  const removed = before.filter((o) => !after.includes(o));
  return [
    ...(added.length ? [{ direction: 'widens' as const, aspect: 'allowOptions', text: `protections a caller may now turn off: ${added.join(', ')}` }] : []),
    ...(removed.length ? [{ direction: 'narrows' as const, aspect: 'allowOptions', text: `protections no longer optional: ${removed.join(', ')}` }] : []),
  ];
}

function compareExtensions(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): GrantChange[] {
  const out: GrantChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && !has) out.push({ direction: 'widens', aspect: key, text: `obligation ${key} removed (was ${json(before[key])})` });
    else if (!had && has) out.push({ direction: 'narrows', aspect: key, text: `obligation ${key} added: ${json(after[key])}` });
    else if (!strictEqual(before[key], after[key]))
      out.push({ direction: 'widens', aspect: key, text: `obligation ${key}: ${json(before[key])} → ${json(after[key])}${UNDECIDED}` });
  }
  return out;
}

/** Every change from grant `a` to grant `b` (both allow rules for the same call). */
export function compareGrants(a: CompiledRule, b: CompiledRule, context: GrantContext = {}): GrantChange[] {
  const preload: GrantChange[] =
    a.preload === b.preload
      ? []
      : [
          {
            direction: 'widens',
            aspect: 'preload',
            text: `preload ${a.preload ?? '(none)'} → ${b.preload ?? '(none)'} (the resource conditions are checked on another object: counted as widening)`,
          },
        ];
  return [
    ...compareConditions('when', a.when, b.when),
    ...preload,
    ...compareConditions('resource', a.resource, b.resource),
    ...compareFields(a.fields, b.fields),
    ...compareCap(a.cap, b.cap),
    ...compareWritable(a.writable, b.writable),
    ...comparePresets(a.presets, b.presets, context.steers),
    ...compareRateLimit(a.rateLimit, b.rateLimit),
    ...compareTimeout(a.timeoutMs, b.timeoutMs, context.defaultTimeoutMs),
    ...compareAllowOptions(a.allowOptions, b.allowOptions),
    ...compareExtensions(a.extensions, b.extensions),
  ];
}

/** What a grant allows, in a line: its conditions and obligations. */
export function describeGrant(r: CompiledRule): string {
  const dnf = toDnf(r.when);
  const resource = toDnf(r.resource);
  const parts = [
    r.when ? `when ${dnf ? dnf.map(formatConjunction).join(' | ') : json(r.when)}` : 'always',
    r.resource ? `resource ${resource ? resource.map(formatConjunction).join(' | ') : json(r.resource)}` : undefined,
    r.fields ? (r.fields.allow ? `fields only ${r.fields.allow.join(', ')}` : `fields all but ${r.fields.deny!.join(', ')}`) : undefined,
    r.cap !== undefined ? `cap ${r.cap}` : undefined,
    r.writable ? `writable ${r.writable.join(', ')}` : undefined,
    r.presets && Object.keys(r.presets).length
      ? `presets ${Object.entries(r.presets)
          .map(([p, v]) => `${p} = ${json(v)}`)
          .join(', ')}`
      : undefined,
    r.rateLimit ? `rate limit ${r.rateLimit.text}` : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}
