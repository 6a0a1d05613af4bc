// What a caller receives of an object the call returns (a read's result, each item of a list, a
// write's result): registered obligation kinds first, on the object as Wix sent it (they may read
// fields the mask then removes, `_owner` say), then the plan's field mask.
import { ObligationRefusal } from '../../contract/obligation-kind.ts';
import type { Caller } from '../../contract/caller.ts';
import type { ObligationPlan } from '../obligation-plan.ts';
import type { FieldMask } from './field-mask.ts';
import { forbidden, internal } from '../errors.ts';

/**
 * Runs a registered kind's hook: its refusal is a 403, unless the call has already changed
 * something at Wix (the result of a write): then it cannot be a refusal, and is the gateway's
 * failure (500), as anything else a hook throws is.
 */
export function runHook<T>(key: string, hook: () => T, afterWrite = false): T {
  try {
    return hook();
  } catch (e) {
    if (e instanceof ObligationRefusal) {
      throw afterWrite
        ? internal(`obligation ${key} refused the result of a write Wix has already made: ${e.message}`)
        : forbidden(`obligation ${key}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * What the caller receives of one object; `afterWrite`: the object is the result of a write that
 * happened; `mask`: the fields of the rules that let this very object through (plan.objectFields),
 * `null` when one of them returns it whole.
 */
export function deliverObject(
  plan: ObligationPlan,
  object: unknown,
  caller: Caller,
  afterWrite = false,
  mask?: FieldMask | null,
): { value: unknown; removed: string[] } {
  let value = object;
  const removed = new Set<string>();
  for (const { kind, planned } of plan.extensions) {
    if (!kind.onObject) continue;
    const out = runHook(kind.key, () => kind.onObject!(planned, value, caller), afterWrite);
    value = out.value;
    out.removed.forEach((p) => removed.add(p));
  }
  const applied = mask === undefined ? plan.fields?.mask : (mask ?? undefined);
  if (applied) {
    const out = applied.apply(value);
    value = out.value;
    out.removed.forEach((p) => removed.add(p));
  }
  return { value, removed: [...removed].sort() };
}
