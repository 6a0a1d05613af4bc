// Caller attributes derived from the verified identity (`${caller.contactId}`): each is read by an
// elevated call the policy fixes, whose arguments are constants and built-in attributes only
// (`${caller.id}`), so nothing in a request can change what is read or for whom. A request loads
// only the attributes its call's rules use for the caller's roles, and only for the subject types
// an attribute is declared for. A read that fails, or a result without the value, refuses the call
// (503) before anything of it reaches Wix. Values are cached per token digest under the identity
// cache's rules: never past the token's `exp` nor the TTL, bounded, least recently used first out.
import type { CallerAttributeDefinition, CompiledPolicy } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import { holdsUndefined, interpolate, placeholderNamesIn } from '../conditions/placeholders.ts';
import { readPath } from '../conditions/path.ts';
import { matchesCallPattern } from '../conditions/call-pattern.ts';
import { parseArguments } from './arguments/parse-arguments.ts';
import { checkPathArguments } from './obligations/path-arguments.ts';
import { dispatch, type SdkFunction } from './dispatch.ts';
import type { Elevation } from './elevation.ts';
import { GatewayError } from './errors.ts';
import {
  boundedMap,
  DEFAULT_IDENTITY_CACHE_ENTRIES,
  DEFAULT_IDENTITY_TTL_MS,
  DEFAULT_REFUSED_ENTRIES,
  DEFAULT_REFUSED_TTL_MS,
  tokenDigest,
  type IdentityCacheOptions,
} from './identity-cache.ts';

/**
 * Remembers attribute values per token digest and definition; and, for a shorter while, that Wix
 * definitively has none (`ABSENT`: it answered 4xx, or without the value), so a caller without one
 * does not cost an elevated read per request. An outage is never remembered.
 */
export interface CallerAttributeCache {
  get(key: string): string | typeof ABSENT | undefined;
  set(key: string, value: string | typeof ABSENT, expiresAtMs: number): void;
}

/** What the cache holds for an attribute Wix definitively has no value for. */
export const ABSENT: unique symbol = Symbol('absent');

/** An in-memory cache with the identity cache's defaults (TTL 60 s, 10,000 entries; absences 10 s, 1,000). */
export function createCallerAttributeCache(
  options: Pick<IdentityCacheOptions, 'ttlMs' | 'maxEntries' | 'refusedTtlMs' | 'maxRefusedEntries' | 'now'> = {},
): CallerAttributeCache {
  const ttlMs = options.ttlMs ?? DEFAULT_IDENTITY_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_IDENTITY_CACHE_ENTRIES;
  const absentTtlMs = options.refusedTtlMs ?? DEFAULT_REFUSED_TTL_MS;
  const maxAbsent = options.maxRefusedEntries ?? DEFAULT_REFUSED_ENTRIES;
  for (const v of [ttlMs, absentTtlMs]) if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError('caller attribute cache: TTLs must be finite numbers ≥ 0');
  for (const v of [maxEntries, maxAbsent]) if (!Number.isInteger(v) || v < 0) throw new RangeError('caller attribute cache: sizes must be integers ≥ 0');
  const now = options.now ?? Date.now;
  const values = boundedMap<string>(maxEntries, now, (v) => v);
  const absent = boundedMap<true>(maxAbsent, now, (v) => v);
  return {
    get: (key) => values.get(key) ?? (absent.get(key) ? ABSENT : undefined),
    set(key, value, expiresAtMs) {
      const at = now();
      const until = Math.min(at + (value === ABSENT ? absentTtlMs : ttlMs), expiresAtMs);
      if (!(until > at)) return;
      if (value === ABSENT) absent.set(key, true, until);
      else values.set(key, value, until);
    },
  };
}

export interface CallerAttributeContext {
  policy: CompiledPolicy;
  sdkMethods: Readonly<Record<string, SdkFunction>>;
  elevation: Elevation;
  cache?: CallerAttributeCache;
}

/** The longest attribute value accepted (token-info's own strings are at most 256). */
const MAX_VALUE_LENGTH = 256;

const unavailable = (name: string, why: string) =>
  new GatewayError('IDENTITY_UNAVAILABLE', 'The caller could not be identified right now; try again.', {}, `caller attribute ${name}: ${why}`);

/** Wix definitively holds no value (it answered 4xx about the object, or without the value): remembered briefly. */
class Absent extends GatewayError {}
const absentFor = (name: string, why: string) =>
  new Absent('IDENTITY_UNAVAILABLE', 'The caller could not be identified right now; try again.', {}, `caller attribute ${name}: ${why}`);

/**
 * Which declared attributes a call needs for a caller: those named by the rules (allow and deny)
 * that apply to the call and the caller's roles, for a caller of the attribute's subject types;
 * none when no allow rule could grant the call (it is refused without reading anything).
 */
export function attributeNeeds(policy: CompiledPolicy): (caller: Caller, call: string) => readonly string[] {
  const declared = policy.callerAttributes ?? {};
  const used = new Map(policy.rules.map((rule) => [rule, namesIn(rule, declared)]));
  const memo = new Map<string, readonly string[]>();
  return (caller, call) => {
    if (Object.keys(declared).length === 0) return [];
    const key = `${caller.subjectType}\n${caller.roles.join(',')}\n${call}`;
    let names = memo.get(key);
    if (!names) {
      const held = (roles: string[]) => roles.some((r) => caller.roles.includes(r));
      const rules = policy.rules.filter((r) => held(r.roles) && (r.effect === 'allow' ? r.call === call : matchesCallPattern(r.call, call)));
      const set = new Set<string>();
      if (rules.some((r) => r.effect === 'allow')) for (const r of rules) for (const n of used.get(r)!) set.add(n);
      names = [...set].filter((n) => declared[n]!.subjects.includes(caller.subjectType)).sort();
      if (memo.size < 10_000) memo.set(key, names);
    }
    return names;
  };
}

function namesIn(rule: CompiledPolicy['rules'][number], declared: Record<string, CallerAttributeDefinition>): string[] {
  return [...placeholderNamesIn([rule.when, rule.resource, rule.presets, rule.extensions], (n) => Object.hasOwn(declared, n))];
}

/**
 * The caller with `attributes` holding `names`, each from the cache or its read. Throws
 * IDENTITY_UNAVAILABLE (503) when one cannot be had.
 */
export async function withCallerAttributes(
  ctx: CallerAttributeContext,
  caller: Caller,
  names: readonly string[],
  token: string,
  expiresAtMs: number | undefined,
): Promise<Caller> {
  const attributes: Record<string, string> = Object.create(null);
  const digest = ctx.cache ? await tokenDigest(token) : undefined;
  for (const name of names) {
    const definition = ctx.policy.callerAttributes[name]!;
    const key = digest && `${digest}\n${name}\n${JSON.stringify([definition.read, definition.args, definition.value])}`;
    const cached = key ? fromCache(ctx.cache!, key) : undefined;
    if (cached === ABSENT) throw absentFor(name, `${definition.read}: Wix had no value moments ago`);
    let value = cached;
    if (value === undefined) {
      try {
        value = await readAttribute(ctx, caller, name, definition);
      } catch (e) {
        if (key && e instanceof Absent) toCache(ctx.cache!, key, ABSENT, expiresAtMs);
        throw e;
      }
      if (key) toCache(ctx.cache!, key, value, expiresAtMs);
    }
    attributes[name] = value;
  }
  return { ...caller, attributes: Object.freeze(attributes) };
}

/** What an app's cache holds, if it is a value (or ABSENT): anything else, or a throwing cache, is a miss. */
function fromCache(cache: CallerAttributeCache, key: string): string | typeof ABSENT | undefined {
  try {
    const v = cache.get(key);
    return v === ABSENT || (typeof v === 'string' && v.length > 0 && v.length <= MAX_VALUE_LENGTH) ? v : undefined;
  } catch {
    return undefined;
  }
}

function toCache(cache: CallerAttributeCache, key: string, value: string | typeof ABSENT, expiresAtMs: number | undefined): void {
  try {
    cache.set(key, value, expiresAtMs ?? Infinity);
  } catch {
    /* a failing cache only costs a read next time */
  }
}

async function readAttribute(ctx: CallerAttributeContext, caller: Caller, name: string, definition: CallerAttributeDefinition): Promise<string> {
  const info = ctx.policy.methods[definition.read];
  const fn = Object.hasOwn(ctx.sdkMethods, definition.read) ? ctx.sdkMethods[definition.read] : undefined;
  if (!info || !fn) throw unavailable(name, `no SDK function for ${definition.read}`);
  // Built-in attributes only (the compiler refuses others); one the caller lacks leaves a hole.
  const args = interpolate(definition.args, caller as unknown as Record<string, unknown>) as unknown[];
  if (holdsUndefined(args)) throw unavailable(name, 'the caller lacks an attribute its read needs');
  let parsed: unknown[];
  try {
    parsed = parseArguments(info.signature, args).args;
    // Ids the SDK puts into the URL path are plain ids, as for any call.
    checkPathArguments(info, parsed);
  } catch (e) {
    throw unavailable(name, `its arguments do not fit ${definition.read}: ${e instanceof Error ? e.message : 'refused'}`);
  }
  let result: unknown;
  try {
    result = await dispatch(ctx.elevation, fn, info, parsed, ctx.policy.defaultTimeoutMs, caller);
  } catch (e) {
    const status = e instanceof GatewayError ? e.extra.upstream?.status : undefined;
    const why = e instanceof GatewayError ? (status !== undefined ? `Wix answered ${status}` : (e.reason ?? e.code)) : 'the read failed';
    // Wix's 400, 403, 404 are about the object: it has none for this caller. Anything else may pass.
    if (status === 400 || status === 403 || status === 404) throw absentFor(name, `${definition.read}: ${why}`);
    throw unavailable(name, `${definition.read}: ${why}`);
  }
  const value = result === null || result === undefined ? undefined : readPath(result, definition.value);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    throw absentFor(name, `${definition.read} answered without a string at ${definition.value}`);
  }
  return value;
}
