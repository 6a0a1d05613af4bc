// Enforcement of an allowed call: first the arguments are admitted (checked against the method's
// signature and copied; ids, writable fields, presets), then caps and forced filters are set on
// that copy, the only arguments the SDK ever sees; resource checks and field masks apply to what
// comes back. The way a resource condition is enforced follows the method's kind (read one, list,
// write one), as the SDK catalogue says.
import type { CompiledPolicy, CompiledRule } from '../contract/compiled-policy';
import type { MethodInfo } from '../sdk/method-info';
import { isPlainObject } from '../conditions/json-value';
import type { Caller } from './caller';
import type { PolicyEngine } from './decide';
import type { Obligation } from './decision-log';
import { dispatch, type SdkFunction } from './dispatch';
import type { Elevation } from './elevation';
import { forbidden, GatewayError, internal, invalid } from './errors';
import { parseArguments, type FieldMention } from './arguments/parse-arguments';
import { ALL_FIELDS } from '../sdk/argument-schema';
import { queryShape } from '../sdk/query-shape';
import { checkPathArguments } from './obligations/path-arguments';
import { applyPresets, checkWritable } from './obligations/write-fields';
import { applyPageCap } from './obligations/page-cap';
import { forcedFilter, narrowFilter } from './obligations/forced-filter';
import { fieldMaskFor } from './obligations/field-mask';
import { CURSOR_MAX_LENGTH, signCursorsIn, type CursorSigner } from './obligations/signed-cursor';
import { CURSOR_RULES_CHANGED, type ContinuedListing } from './continued-listing';

const PAGING_KEYS = new Set(['metadata', 'pagingMetadata']);

export interface EnforcementContext {
  policy: CompiledPolicy;
  engine: PolicyEngine;
  sdkMethods: Readonly<Record<string, SdkFunction>>;
  caller: Caller;
  info: MethodInfo;
  rules: CompiledRule[];
  /** The arguments as the client sent them; enforcement works on an admitted copy. */
  args: unknown[];
  obligations: Obligation[];
  cursors: CursorSigner;
  /** How SDK functions run as the app (Wix-hosted: `auth.elevate`). */
  elevation: Elevation;
  /** A request that continues a listing (its cursor opened; `args` are then the first page's). */
  continued?: ContinuedListing;
  /**
   * Runs once, right before the call's first request to Wix (a preload included), and may refuse
   * it: the rate limit, so that it counts exactly the requests that reach Wix.
   */
  beforeWix?: () => void | Promise<void>;
}

export interface AdmittedArguments {
  /** The copy the SDK receives: checked, ids plain, only writable fields, presets applied. */
  args: unknown[];
  /** The entity fields its filters and sorts name. */
  fields: FieldMention[];
  /** The argument paths presets set. */
  presets: string[];
}

/** What the SDK may receive for this call from this caller under these rules; a 400 or 403 otherwise. */
export function admitArguments(info: MethodInfo, rules: CompiledRule[], args: unknown[], caller: Caller): AdmittedArguments {
  const parsed = parseArguments(info.signature, args);
  checkPathArguments(info, parsed.args);
  checkWritable(rules, parsed.args, info.pathArgs);
  const presets = applyPresets(rules, parsed.args, caller);
  return { args: parsed.args, fields: parsed.fields, presets };
}

/**
 * Wix's answers about the object itself (it is malformed, forbidden or missing): for a restricted
 * read or a preloaded write these are the same 403 as an object the rules exclude, so replies never
 * tell objects apart. Wix's 401 (the app's own token) stays a 502 and its 429 (the app's quota) a 503.
 */
const OBJECT_ANSWERS = new Set([400, 403, 404]);
const isObjectAnswer = (e: unknown) => e instanceof GatewayError && e.code === 'UPSTREAM_ERROR' && OBJECT_ANSWERS.has(e.extra.upstream?.status ?? 0);

function timeoutFor(ctx: EnforcementContext): number {
  const set = ctx.rules.map((r) => r.timeoutMs).filter((t): t is number => t !== undefined);
  return set.length ? Math.max(...set) : ctx.policy.defaultTimeoutMs;
}

function sdk(ctx: EnforcementContext, call: string): SdkFunction {
  if (!Object.hasOwn(ctx.sdkMethods, call)) throw internal(`no SDK function for ${call}`);
  return ctx.sdkMethods[call]!;
}

const reachedWix = new WeakSet<EnforcementContext>();

/** Every request to Wix goes through here: the first one of a call runs `beforeWix`. */
async function toWix(ctx: EnforcementContext, call: string, info: MethodInfo, args: unknown[], timeoutMs: number): Promise<unknown> {
  const fn = sdk(ctx, call);
  if (!reachedWix.has(ctx)) {
    reachedWix.add(ctx);
    await ctx.beforeWix?.();
  }
  return dispatch(ctx.elevation, fn, info, args, timeoutMs);
}

function maskOne(ctx: EnforcementContext, value: unknown): unknown {
  const mask = fieldMaskFor(ctx.rules);
  if (!mask) return value;
  const { value: masked, removed } = mask.apply(value);
  if (removed.length) ctx.obligations.push({ type: 'fields-removed', paths: removed });
  return masked;
}

async function list(ctx: EnforcementContext, admitted: AdmittedArguments, timeoutMs: number): Promise<unknown> {
  const { info, rules, caller, continued } = ctx;
  const { queryArg, itemsKey } = info.list!;
  const shape = queryShape(info.signature, queryArg);
  const args = admitted.args;
  if (args[queryArg] === undefined || args[queryArg] === null) args[queryArg] = {};
  if (!isPlainObject(args[queryArg])) throw invalid(`args.${queryArg} must be an object`);

  // As in Hasura, a caller may filter and sort only on fields it may read: otherwise a filter on
  // a removed field (cost, say) would answer questions the field mask hides. The names are the
  // ones the signature admitted: the SDK's own spelling of fields its query spec declares.
  const mask = fieldMaskFor(rules);
  // A free-text search over every searchable field names them all.
  if (mask && admitted.fields.some((m) => m.field === ALL_FIELDS || !mask.permits(m.field)))
    throw forbidden('filter, sort or search on a field the caller may not read');

  const restricted = rules.every((r) => r.resource !== undefined);
  const cap = rules.every((r) => r.cap !== undefined) ? Math.max(...rules.map((r) => r.cap!)) : undefined;
  const rulesFingerprint = await ctx.cursors.fingerprint(rules);
  // Whether Wix was given all of the rules' conditions (a continued listing: its first page was).
  const pushed = { complete: true };
  let query = args[queryArg] as Record<string, unknown>;
  if (continued) {
    // The listing's first page was checked and decided under these very rules; Wix reads its filter
    // and sort from its own cursor, so the request carries the cursor and a page size only.
    if (continued.opened.rules !== rulesFingerprint) throw invalid(CURSOR_RULES_CHANGED);
    if (continued.limit !== undefined && cap !== undefined && continued.limit > cap) {
      throw invalid(`a continued listing takes at most ${cap} items per page (cursorPaging.limit)`);
    }
    const first = isPlainObject(query.cursorPaging) ? query.cursorPaging.limit : undefined;
    const limit = continued.limit ?? (typeof first === 'number' && first > 0 ? first : undefined);
    query = { cursorPaging: { cursor: continued.opened.wixCursor, ...(limit !== undefined ? { limit } : {}) } };
    args[queryArg] = query;
    ctx.obligations.push({ type: 'signed-cursor', passed: true });
    if (restricted) {
      forcedFilter(
        rules.map((r) => r.resource),
        caller,
        shape.filter,
        pushed,
      ); // as complete as the first page's
      ctx.obligations.push({ type: 'filter-skipped', reason: 'cursor continues an earlier query' });
    }
  } else if (restricted) {
    const forced = forcedFilter(
      rules.map((r) => r.resource),
      caller,
      shape.filter,
      pushed,
    );
    if (forced) {
      narrowFilter(query, forced);
      ctx.obligations.push({ type: 'filter', filter: forced });
    } else {
      ctx.obligations.push({
        type: 'filter-skipped',
        reason: shape.filter === undefined ? 'the method takes no filter' : 'conditions have no Wix filter equivalent',
      });
    }
  }
  if (cap !== undefined) {
    const applied = applyPageCap(query, cap, shape.paging);
    ctx.obligations.push({ type: 'cap', ...applied });
  }

  const result = await toWix(ctx, info.call, info, args, timeoutMs);
  if (!isPlainObject(result) || !Array.isArray(result[itemsKey])) {
    throw new GatewayError('UPSTREAM_ERROR', 'Wix answered in an unexpected shape.', {}, `no "${itemsKey}" array in the result`);
  }
  let items = result[itemsKey] as unknown[];
  let rest: Record<string, unknown> = result;
  if (restricted) {
    const before = items.length;
    items = items.filter((item) => ctx.engine.resourcePermitted(caller, info.call, rules, item));
    if (items.length !== before) ctx.obligations.push({ type: 'items-dropped', count: before - items.length });
  }
  // The cap holds whatever Wix did with the page size it was sent.
  if (cap !== undefined && items.length > cap) {
    ctx.obligations.push({ type: 'items-dropped', count: items.length - cap });
    items = items.slice(0, cap);
  }
  // Every cursor handed out is the gateway's, bound to this caller, call, rules and first page.
  const listing = continued
    ? { firstArgs: continued.opened.firstArgs, rules: rulesFingerprint, expiresAt: continued.opened.expiresAt }
    : { firstArgs: ctx.args, rules: rulesFingerprint };
  let withheld = false;
  const sign = async (wixCursor: string) => {
    const cursor = await ctx.cursors.sign(wixCursor, caller, info.call, listing);
    // A first page whose arguments are too large to carry cannot be continued: its cursors are withheld.
    if (cursor.length <= CURSOR_MAX_LENGTH) return cursor;
    withheld = true;
    return undefined;
  };
  if (restricted || mask) {
    // Anything besides the items and their paging (aggregations, say) cannot be checked per item
    // nor masked field by field.
    rest = {};
    for (const key of PAGING_KEYS) if (Object.hasOwn(result, key)) rest[key] = result[key];
    const removed = Object.keys(result).filter((k) => k !== itemsKey && !PAGING_KEYS.has(k));
    if (removed.length) ctx.obligations.push({ type: 'fields-removed', paths: removed });
  }
  if (rest === result) rest = { ...result };
  for (const key of PAGING_KEYS) {
    if (!Object.hasOwn(rest, key)) continue;
    const paging = await signCursorsIn(rest[key], sign);
    // Wix's counts describe what it matched: on a restricted list, the page's count is what the
    // caller receives, and a total only stands when Wix was given every condition.
    if (restricted && isPlainObject(paging)) {
      const counted: Record<string, unknown> = { ...paging };
      if (Object.hasOwn(counted, 'count')) counted.count = items.length;
      if (!pushed.complete) delete counted.total;
      rest[key] = counted;
    } else rest[key] = paging;
  }
  if (withheld) ctx.obligations.push({ type: 'cursors-withheld', reason: "the first page's arguments are too large to carry in a cursor" });
  if (mask) {
    const removed = new Set<string>();
    let touched = 0;
    items = items.map((item) => {
      const out = mask.apply(item);
      if (out.removed.length) touched++;
      out.removed.forEach((p) => removed.add(p));
      return out.value;
    });
    if (removed.size) ctx.obligations.push({ type: 'fields-removed', paths: [...removed].sort(), items: touched });
  }
  return { ...rest, [itemsKey]: items };
}

async function readOne(ctx: EnforcementContext, { args }: AdmittedArguments, timeoutMs: number): Promise<unknown> {
  const { info, rules, caller } = ctx;
  const restricted = rules.every((r) => r.resource !== undefined);
  let result: unknown;
  try {
    result = await toWix(ctx, info.call, info, args, timeoutMs);
  } catch (e) {
    // A missing object and a forbidden one look the same, so ids cannot be probed.
    if (restricted && isObjectAnswer(e)) {
      ctx.obligations.push({ type: 'resource-check', passed: false });
      throw forbidden(`Wix answered ${(e as GatewayError).extra.upstream!.status} for the object`);
    }
    throw e;
  }
  if (restricted) {
    const passed = ctx.engine.resourcePermitted(caller, info.call, rules, result);
    ctx.obligations.push({ type: 'resource-check', passed });
    if (!passed) throw forbidden('resource conditions do not hold');
  }
  return maskOne(ctx, result);
}

async function writeOne(ctx: EnforcementContext, { args }: AdmittedArguments, timeoutMs: number): Promise<unknown> {
  const { info, rules, caller, policy } = ctx;
  if (rules.every((r) => r.resource !== undefined)) {
    // Load the target with each rule's elevated read, check it, and only then write.
    const byPreload = new Map<string, CompiledRule[]>();
    for (const r of rules) byPreload.set(r.preload!, [...(byPreload.get(r.preload!) ?? []), r]);
    let passed = false;
    for (const [preloadCall, preloadRules] of byPreload) {
      const preloadInfo = policy.methods[preloadCall];
      if (!preloadInfo) throw internal(`no method info for ${preloadCall}`);
      const preloadArgs: unknown[] = [];
      for (const p of info.pathArgs) {
        const index = Number(p.split('.')[0]);
        preloadArgs[index] = args[index];
      }
      let target: unknown;
      try {
        target = await toWix(ctx, preloadCall, preloadInfo, preloadArgs, timeoutMs);
      } catch (e) {
        if (isObjectAnswer(e)) {
          ctx.obligations.push({ type: 'preload', call: preloadCall, passed: false });
          continue;
        }
        throw e;
      }
      const ok = ctx.engine.resourcePermitted(caller, info.call, preloadRules, target);
      ctx.obligations.push({ type: 'preload', call: preloadCall, passed: ok });
      if (ok) {
        passed = true;
        break;
      }
    }
    if (!passed) throw forbidden('preloaded target fails the resource conditions');
  }
  const result = await toWix(ctx, info.call, info, args, timeoutMs);
  return maskOne(ctx, result);
}

export async function enforce(ctx: EnforcementContext): Promise<unknown> {
  const admitted = admitArguments(ctx.info, ctx.rules, ctx.args, ctx.caller);
  if (admitted.presets.length) ctx.obligations.push({ type: 'presets', paths: admitted.presets });
  const timeoutMs = timeoutFor(ctx);
  switch (ctx.info.kind) {
    case 'list':
      return list(ctx, admitted, timeoutMs);
    case 'read-one':
      return readOne(ctx, admitted, timeoutMs);
    case 'write-one':
      return writeOne(ctx, admitted, timeoutMs);
    default:
      return maskOne(ctx, await toWix(ctx, ctx.info.call, ctx.info, admitted.args, timeoutMs));
  }
}
