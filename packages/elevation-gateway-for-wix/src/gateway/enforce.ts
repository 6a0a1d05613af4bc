// Enforcement of an allowed call: it executes the obligation plan. First the arguments are
// admitted (checked against the method's signature and copied; ids, writable fields, presets),
// then caps and forced filters are set on that copy, the only arguments the SDK ever sees;
// resource checks and what the caller receives of each object apply to what comes back. The way
// a resource condition is enforced follows the method's kind (read one, list, write one), as the
// SDK catalogue says.
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import type { Caller } from '../contract/caller.ts';
import type { MethodInfo } from '../sdk/method-info.ts';
import { isPlainObject } from '../conditions/json-value.ts';
import type { PolicyEngine } from './decide.ts';
import type { Obligation } from './decision-log.ts';
import { dispatch, type SdkFunction } from './dispatch.ts';
import type { Elevation } from './elevation.ts';
import { forbidden, GatewayError, internal, invalid } from './errors.ts';
import { parseArguments, type FieldMention } from './arguments/parse-arguments.ts';
import { objectMask, readableField, type ObligationPlan } from './obligation-plan.ts';
import { fieldMask, type FieldMask } from './obligations/field-mask.ts';
import { queryShape } from '../sdk/query-shape.ts';
import { checkPathArguments } from './obligations/path-arguments.ts';
import { readPath } from '../conditions/path.ts';
import { applyPresets, checkWritable } from './obligations/write-fields.ts';
import { applyPageCap } from './obligations/page-cap.ts';
import { forcedFilter, narrowFilter } from './obligations/forced-filter.ts';
import { deliverObject, runHook } from './obligations/object-delivery.ts';
import { CURSOR_MAX_LENGTH, signCursorsIn, type CursorSigner } from './obligations/signed-cursor.ts';
import { CURSOR_RULES_CHANGED, type ContinuedListing } from './continued-listing.ts';

const PAGING_KEYS = new Set(['metadata', 'pagingMetadata']);

export interface EnforcementContext {
  policy: CompiledPolicy;
  engine: PolicyEngine;
  sdkMethods: Readonly<Record<string, SdkFunction>>;
  caller: Caller;
  info: MethodInfo;
  plan: ObligationPlan;
  /** The arguments the call was decided on; enforcement works on an admitted copy. */
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
  /**
   * Told which rule decided once the object is known: of a read of one object, or of a write's
   * preloaded target, the first allowing rule (in policy order) whose resource conditions hold on it.
   */
  decidedBy?: (ruleId: string) => void;
}

export interface AdmittedArguments {
  /** The copy the SDK receives: checked, ids plain, only writable fields, presets applied. */
  args: unknown[];
  /** The entity fields its filters and sorts name. */
  fields: FieldMention[];
  /** The argument paths presets set. */
  presets: string[];
}

/** What the SDK may receive for this call from this caller under this plan; a 400 or 403 otherwise. */
export function admitArguments(info: MethodInfo, plan: ObligationPlan, args: unknown[], caller: Caller): AdmittedArguments {
  const parsed = parseArguments(info.signature, args);
  checkPathArguments(info, parsed.args);
  // A preset's path is the gateway's to set: whatever the client sent there is overwritten, not refused.
  if (plan.writable) checkWritable(plan.presets ? [...plan.writable, ...plan.presets.map((p) => p.path)] : plan.writable, parsed.args, info.targetArgs);
  // A caller may filter, sort and search only on fields it may read (a free-text search names them all):
  // a filter on a field it does not receive would tell the field's value through what comes back.
  if (parsed.fields.some((m) => !readableField(plan, m.field, caller))) throw forbidden('filter, sort or search on a field the caller may not read');
  const presets = plan.presets ? applyPresets(plan.presets, parsed.args, caller) : [];
  for (const { kind, planned } of plan.extensions) {
    if (kind.onArguments) runHook(kind.key, () => kind.onArguments!(planned, parsed.args, caller));
  }
  return { args: parsed.args, fields: parsed.fields, presets };
}

/**
 * Wix's answers about the object itself (it is malformed, forbidden or missing): for a restricted
 * read or a preloaded write these are the same 403 as an object the rules exclude, so replies never
 * tell objects apart. Wix's 401 (the app's own token) stays a 502 and its 429 (the app's quota) a 503.
 */
const OBJECT_ANSWERS = new Set([400, 403, 404]);
const isObjectAnswer = (e: unknown) => e instanceof GatewayError && e.code === 'UPSTREAM_ERROR' && OBJECT_ANSWERS.has(e.extra.upstream?.status ?? 0);

const reachedWix = new WeakSet<EnforcementContext>();

/** Every request to Wix goes through here: the first one of a call runs `beforeWix`. */
async function toWix(ctx: EnforcementContext, call: string, info: MethodInfo, args: unknown[]): Promise<unknown> {
  if (!Object.hasOwn(ctx.sdkMethods, call)) throw internal(`no SDK function for ${call}`);
  const fn = ctx.sdkMethods[call]!;
  if (!reachedWix.has(ctx)) {
    reachedWix.add(ctx);
    await ctx.beforeWix?.();
  }
  return dispatch(ctx.elevation, fn, info, args, ctx.plan.timeoutMs, ctx.caller);
}

const permitted = (ctx: EnforcementContext, object: unknown) =>
  ctx.plan.resource !== undefined && ctx.engine.resourcePermitted(ctx.caller, ctx.info.call, ctx.plan.resource.rules, object);

const WRITES = new Set(['write-one', 'write']);
/** A mask that keeps no field. */
const NOTHING = fieldMask([]);

/**
 * With `objectFields`, the mask of the rules that let the object through (their resource conditions
 * hold on `judged`, or they have none). A write's object is judged by its preloaded target;
 * `judged` undefined: only the rules without resource conditions let it through.
 */
function maskFor(ctx: EnforcementContext, judged: unknown): FieldMask | null | undefined {
  const split = ctx.plan.objectFields;
  if (!split) return undefined;
  const passing = ctx.plan.rules.filter(
    (id) => !split.conditioned.has(id) || (judged !== undefined && ctx.engine.resourcePermitted(ctx.caller, ctx.info.call, new Set([id]), judged)),
  );
  // No rule lets it through (a list item the re-check keeps for another reason): nothing of it is returned.
  if (passing.length === 0) return NOTHING;
  return objectMask(ctx.plan, passing) ?? null;
}

/** `judged`: what the rules' resource conditions are judged on (a read's result; a write's preloaded target, or undefined when none was loaded). */
function deliverOne(ctx: EnforcementContext, value: unknown, judged: unknown): unknown {
  if (!ctx.plan.changesObjects) return value;
  const { value: delivered, removed } = deliverObject(ctx.plan, value, ctx.caller, WRITES.has(ctx.info.kind), maskFor(ctx, judged));
  if (removed.length) ctx.obligations.push({ type: 'fields-removed', paths: removed });
  return delivered;
}

/**
 * The query Wix receives: a new listing gets the rules' forced filter joined to the client's and
 * the cap; a continued one carries its cursor and a page size only (its first page was checked and
 * decided under these very rules, and Wix reads the filter and sort from its own cursor).
 * Answers whether Wix was given all of the rules' conditions.
 */
function shapeQuery(ctx: EnforcementContext, args: unknown[], rulesFingerprint: string): { complete: boolean } {
  const { info, plan, caller, continued } = ctx;
  const { queryArg } = info.list!;
  const shape = queryShape(info.signature, queryArg);
  const pushed = { complete: true };
  let query = args[queryArg] as Record<string, unknown>;
  const conditions = plan.resource && Object.values(plan.resource.byRule);
  if (continued) {
    if (continued.opened.rules !== rulesFingerprint) throw invalid(CURSOR_RULES_CHANGED);
    if (continued.limit !== undefined && plan.cap !== undefined && continued.limit > plan.cap) {
      throw invalid(`a continued listing takes at most ${plan.cap} items per page (cursorPaging.limit)`);
    }
    const first = isPlainObject(query.cursorPaging) ? query.cursorPaging.limit : undefined;
    const limit = continued.limit ?? (typeof first === 'number' && first > 0 ? first : undefined);
    query = { cursorPaging: { cursor: continued.opened.wixCursor, ...(limit !== undefined ? { limit } : {}) } };
    args[queryArg] = query;
    ctx.obligations.push({ type: 'signed-cursor', passed: true });
    if (conditions) {
      forcedFilter(conditions, caller, shape.filter, pushed); // as complete as the first page's
      ctx.obligations.push({ type: 'filter-skipped', reason: 'cursor continues an earlier query' });
    }
  } else if (conditions) {
    const forced = forcedFilter(conditions, caller, shape.filter, pushed);
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
  if (plan.cap !== undefined) ctx.obligations.push({ type: 'cap', ...applyPageCap(query, plan.cap, shape.paging) });
  return pushed;
}

/** The page's items the caller may see: each re-checked against the resource conditions, at most the cap. */
function checkedItems(ctx: EnforcementContext, items: unknown[]): unknown[] {
  const { plan } = ctx;
  if (plan.resource) {
    const before = items.length;
    items = items.filter((item) => permitted(ctx, item));
    if (items.length !== before) ctx.obligations.push({ type: 'items-dropped', count: before - items.length });
  }
  // The cap holds whatever Wix did with the page size it was sent.
  if (plan.cap !== undefined && items.length > plan.cap) {
    ctx.obligations.push({ type: 'items-dropped', count: items.length - plan.cap });
    items = items.slice(0, plan.cap);
  }
  return items;
}

/**
 * Everything of a list's result besides its items: only the paging when anything is checked or
 * changed per item (aggregations cannot be), its cursors signed by the gateway, and its counts
 * made true of what the caller receives.
 */
async function pagingOf(
  ctx: EnforcementContext,
  result: Record<string, unknown>,
  itemCount: number,
  complete: boolean,
  rulesFingerprint: string,
): Promise<Record<string, unknown>> {
  const { info, plan, caller, continued } = ctx;
  const itemsKey = info.list!.itemsKey;
  let rest: Record<string, unknown>;
  if (plan.resource || plan.changesObjects) {
    rest = {};
    for (const key of PAGING_KEYS) if (Object.hasOwn(result, key)) rest[key] = result[key];
    const removed = Object.keys(result).filter((k) => k !== itemsKey && !PAGING_KEYS.has(k));
    if (removed.length) ctx.obligations.push({ type: 'fields-removed', paths: removed });
  } else rest = { ...result };
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
  for (const key of PAGING_KEYS) {
    if (!Object.hasOwn(rest, key)) continue;
    const paging = await signCursorsIn(rest[key], sign);
    // Wix's counts describe what it matched: on a restricted list, the page's count is what the
    // caller receives, and a total only stands when Wix was given every condition.
    if (plan.resource && isPlainObject(paging)) {
      const counted: Record<string, unknown> = { ...paging };
      if (Object.hasOwn(counted, 'count')) counted.count = itemCount;
      if (!complete) delete counted.total;
      rest[key] = counted;
    } else rest[key] = paging;
  }
  if (withheld) ctx.obligations.push({ type: 'cursors-withheld', reason: "the first page's arguments are too large to carry in a cursor" });
  return rest;
}

async function list(ctx: EnforcementContext, admitted: AdmittedArguments): Promise<unknown> {
  const { info } = ctx;
  const { queryArg, itemsKey } = info.list!;
  const args = admitted.args;
  if (args[queryArg] === undefined || args[queryArg] === null) args[queryArg] = {};
  if (!isPlainObject(args[queryArg])) throw invalid(`args.${queryArg} must be an object`);
  // An empty cursor starts a listing; sent on, the SDK would send the page without its filter.
  const paging = (args[queryArg] as Record<string, unknown>).cursorPaging;
  if (!ctx.continued && isPlainObject(paging) && (paging.cursor === '' || paging.cursor === null)) delete paging.cursor;
  const rulesFingerprint = await ctx.cursors.fingerprint(ctx.plan.granted);
  const { complete } = shapeQuery(ctx, args, rulesFingerprint);

  const result = await toWix(ctx, info.call, info, args);
  if (!isPlainObject(result) || !Array.isArray(result[itemsKey])) {
    throw new GatewayError('UPSTREAM_ERROR', 'Wix answered in an unexpected shape.', {}, `no "${itemsKey}" array in the result`);
  }
  let items = checkedItems(ctx, result[itemsKey] as unknown[]);
  const rest = await pagingOf(ctx, result, items.length, complete, rulesFingerprint);
  if (ctx.plan.changesObjects) {
    const removed = new Set<string>();
    let touched = 0;
    items = items.map((item) => {
      const out = deliverObject(ctx.plan, item, ctx.caller, false, maskFor(ctx, item));
      if (out.removed.length) touched++;
      out.removed.forEach((p) => removed.add(p));
      return out.value;
    });
    if (removed.size) ctx.obligations.push({ type: 'fields-removed', paths: [...removed].sort(), items: touched });
  }
  return { ...rest, [itemsKey]: items };
}

async function readOne(ctx: EnforcementContext, { args }: AdmittedArguments): Promise<unknown> {
  const { info, plan } = ctx;
  let result: unknown;
  try {
    result = await toWix(ctx, info.call, info, args);
  } catch (e) {
    // A missing object and a forbidden one look the same, so ids cannot be probed.
    if (plan.resource && isObjectAnswer(e)) {
      ctx.obligations.push({ type: 'resource-check', passed: false });
      throw forbidden(`Wix answered ${(e as GatewayError).extra.upstream!.status} for the object`);
    }
    throw e;
  }
  if (plan.resource) {
    const passed = permitted(ctx, result);
    ctx.obligations.push({ type: 'resource-check', passed });
    if (!passed) throw forbidden('resource conditions do not hold');
    reportDecidingRule(ctx, result);
  }
  return deliverOne(ctx, result, result);
}

/**
 * A write may set what the rules its target passed let it set: the plan's `writable` is every
 * allowing rule's, before the target was known; once it is, a path only a rule the target fails
 * allows is refused (400), before the write is sent.
 */
function narrowWritable(ctx: EnforcementContext, args: unknown[], target: unknown): void {
  const { plan } = ctx;
  if (!plan.writable || !plan.resource) return;
  const passing = plan.granted.filter((r) => ctx.engine.resourcePermitted(ctx.caller, ctx.info.call, new Set([r.id]), target));
  if (passing.length === plan.granted.length) return;
  const paths = passing.flatMap((r) => r.writable ?? []);
  checkWritable(plan.presets ? [...paths, ...plan.presets.map((p) => p.path)] : paths, args, ctx.info.targetArgs);
}

/** The first allowing rule whose resource conditions hold on `object` decided the call. */
function reportDecidingRule(ctx: EnforcementContext, object: unknown): void {
  if (!ctx.decidedBy || !ctx.plan.resource) return;
  const id = ctx.plan.rules.find((r) => ctx.engine.resourcePermitted(ctx.caller, ctx.info.call, new Set([r]), object));
  if (id) ctx.decidedBy(id);
}

/** Sets argument path `path` (`1`, `0._id`) of `args` to `value`. */
function writeTarget(args: unknown[], path: string, value: unknown): void {
  const [index, key] = path.split('.');
  if (key === undefined) args[Number(index)] = value;
  else args[Number(index)] = { ...(isPlainObject(args[Number(index)]) ? (args[Number(index)] as object) : {}), [key]: value };
}

/**
 * A preload reads what the write is decided on: where the read takes `consistentRead` (Wix Data),
 * it is set, so a change just made (a moderator's flag) is what the check sees.
 */
function readConsistently(info: MethodInfo, args: unknown[]): void {
  info.signature.params.forEach((param, i) => {
    if (args[i] !== undefined || info.signature.names[i] !== 'options') return;
    const schema = '$ref' in param ? info.signature.defs[param.$ref] : param;
    if (schema && 'type' in schema && schema.type === 'object' && Object.hasOwn(schema.properties, 'consistentRead')) args[i] = { consistentRead: true };
  });
}

/** Whether the loaded object is the very one the write addresses (its `_id`, or `id`, is the write's id). */
function isTheTarget(target: unknown, id: unknown): boolean {
  if (!isPlainObject(target) || typeof id !== 'string') return false;
  const own = Object.hasOwn(target, '_id') ? target._id : Object.hasOwn(target, 'id') ? target.id : undefined;
  return own === id;
}

/** The preload read's arguments for a write's: its target, argument for argument, where the read takes it (the compiler matched them). */
export function preloadArguments(info: MethodInfo, preloadInfo: MethodInfo, args: unknown[]): unknown[] {
  const preloadArgs: unknown[] = [];
  info.targetArgs.forEach((p, i) => writeTarget(preloadArgs, preloadInfo.targetArgs[i]!, readPath(args, p)));
  readConsistently(preloadInfo, preloadArgs);
  return preloadArgs;
}

/**
 * Loads the target with each preload's elevated read and checks it: the object, when one passes.
 * The read's own path arguments must be plain ids (a write's body id such as `x/../rev-1` would
 * otherwise load another object than the one written), and the object loaded must carry the write's id.
 */
async function preloadedTarget(ctx: EnforcementContext, args: unknown[]): Promise<Record<string, unknown> | undefined> {
  const { info, policy, caller } = ctx;
  const id = readPath(args, info.targetArgs.at(-1)!);
  for (const preload of ctx.plan.preload ?? []) {
    const preloadInfo = policy.methods[preload.call];
    if (!preloadInfo) throw internal(`no method info for ${preload.call}`);
    const preloadArgs = preloadArguments(info, preloadInfo, args);
    checkPathArguments(preloadInfo, preloadArgs);
    let target: unknown;
    try {
      target = await toWix(ctx, preload.call, preloadInfo, preloadArgs);
    } catch (e) {
      if (isObjectAnswer(e)) {
        ctx.obligations.push({ type: 'preload', call: preload.call, passed: false });
        continue;
      }
      throw e;
    }
    const ok = isTheTarget(target, id) && (!ctx.plan.resource || ctx.engine.resourcePermitted(caller, info.call, preload.rules, target));
    ctx.obligations.push({ type: 'preload', call: preload.call, passed: ok });
    if (ok) return target as Record<string, unknown>;
  }
  return undefined;
}

/** System fields Wix sets itself: never carried over into a write, always in its reply. */
const SYSTEM_FIELDS = new Set(['_id', '_createdDate', '_updatedDate']);

const setOwn = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** Fills what `item` lacks from `stored`, at every depth where both are objects (never overwriting what was sent). */
function fillMissing(item: Record<string, unknown>, stored: Record<string, unknown>, top: boolean): void {
  for (const [key, value] of Object.entries(stored)) {
    if (top && SYSTEM_FIELDS.has(key)) continue;
    if (!Object.hasOwn(item, key)) setOwn(item, key, value);
    else if (isPlainObject(item[key]) && isPlainObject(value)) fillMissing(item[key] as Record<string, unknown>, value, false);
  }
}

/** The keys of what the caller sent, as a tree (before anything was carried over). */
function shapeOf(value: unknown): unknown {
  if (!isPlainObject(value)) return true;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
}

/** Of Wix's reply to a replacing write, what the caller sent (and the system fields): not what was carried over. */
function projectOnto(result: unknown, shape: unknown): unknown {
  if (!isPlainObject(result) || !isPlainObject(shape)) return result;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (SYSTEM_FIELDS.has(key)) setOwn(out, key, value);
    else if (Object.hasOwn(shape, key)) setOwn(out, key, shape[key] === true ? value : projectOnto(value, shape[key]));
  }
  return out;
}

async function writeOne(ctx: EnforcementContext, { args }: AdmittedArguments): Promise<unknown> {
  const { plan, info } = ctx;
  let sent: unknown;
  let target: Record<string, unknown> | undefined;
  if (plan.resource || info.replaces !== undefined) {
    target = await preloadedTarget(ctx, args);
    if (!target) throw forbidden('preloaded target fails the resource conditions');
    reportDecidingRule(ctx, target);
    narrowWritable(ctx, args, target);
    if (info.replaces !== undefined) {
      // The write replaces the object whole: what the caller did not send (the fields it may not
      // write among them) is kept from the target, and the reply holds only what the caller sent.
      const item = readPath(args, info.replaces);
      if (!isPlainObject(item)) throw invalid(`args.${info.replaces} must be an object`);
      sent = shapeOf(item);
      fillMissing(item, target, true);
    }
  }
  const result = await toWix(ctx, info.call, info, args);
  // The reply gets the fields of the rules its target passed.
  return deliverOne(ctx, sent === undefined ? result : projectOnto(result, sent), target);
}

export async function enforce(ctx: EnforcementContext): Promise<unknown> {
  const admitted = admitArguments(ctx.info, ctx.plan, ctx.args, ctx.caller);
  if (admitted.presets.length) ctx.obligations.push({ type: 'presets', paths: admitted.presets });
  switch (ctx.info.kind) {
    case 'list':
      return list(ctx, admitted);
    case 'read-one':
      return readOne(ctx, admitted);
    case 'write-one':
      return writeOne(ctx, admitted);
    default:
      return deliverOne(ctx, await toWix(ctx, ctx.info.call, ctx.info, admitted.args), undefined);
  }
}
