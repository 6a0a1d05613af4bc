// Obligation kinds beyond the built-in ones: a rule key the policy language learns, how the
// allowing rules' values combine into one planned obligation, what enforcement does with it, and
// how explain and the audit print it. A kind is registered once per process, by the module that
// defines it, before the policy is compiled (build time) and before the gateway loads it (run
// time); a compiled rule naming a kind the backend has not registered fails closed (503).
//
// The compiler, the obligation plan, enforcement, explain, the audit and the policy tests all
// read this registry: registering a kind is the only edit a new kind needs.
import type * as z from 'zod/mini';
import type { Caller } from './caller.ts';
import type { MethodKind } from '../sdk/method-info.ts';

/** What an obligation did to one object: the object as the caller receives it, and the paths removed. */
export interface ObjectOutcome {
  value: unknown;
  removed: string[];
}

interface ObligationKindBase<Config, Planned> {
  /** The rule key in the policy, e.g. `redact`: a lower-camel-case word no built-in key uses. */
  key: string;
  /** One line for reviewers (`elevate schema` shows it to editors). */
  description: string;
  /**
   * What a rule may write under the key (a zod or zod/mini schema). Its output must be plain JSON:
   * it is compiled into the policy module and digested, and checked again when the gateway loads it.
   */
  schema: z.core.$ZodType<Config>;
  /** The method kinds the obligation can be enforced on; the compiler refuses it on others (default: every kind). */
  methodKinds?: readonly MethodKind[];
  /**
   * How the call's allowing rules combine, one value per rule (undefined: the rule does not set
   * the key). Returning undefined means no obligation for this call. Several allowing rules widen
   * a grant (the caller gets what any one of them gives), so a rule without the key usually means
   * "no obligation", as `fields` and `writable` do.
   */
  combine(configs: readonly (Config | undefined)[]): Planned | undefined;
  /** The planned obligation as JSON, for explain and the audit (a change of it shows in the approval diff). */
  describe(planned: Planned): unknown;
  /**
   * Runs on the admitted copy of the arguments, the only copy the SDK receives, before any request
   * reaches Wix. Throw ObligationRefusal to refuse the call (403).
   */
  onArguments?(planned: Planned, args: unknown[], caller: Caller): void;
}

/**
 * A kind that changes the objects a call returns must also say which fields a caller may filter
 * or sort on: a filter on a field the caller does not receive would tell its value through which
 * objects come back. The type makes forgetting it an error.
 */
type ObjectHooks<Planned> =
  | {
      /** Runs on every object the caller would receive: a read's result, each item of a list, a write's result. */
      onObject(planned: Planned, object: unknown, caller: Caller): ObjectOutcome;
      /**
       * Whether the caller may filter or sort on a field path, as the client spelled it (`*` stands
       * for every field: a free-text search). Compare loosely, as the field mask does
       * (`revealsField` in conditions/path.ts: `_id` is `id`, case and array indexes ignored).
       */
      readable(planned: Planned, path: string, caller: Caller): boolean;
      /** Required with `onObject`: the method kinds whose results are the entities it reads (not wrappers). */
      methodKinds: readonly MethodKind[];
    }
  | { onObject?: undefined; readable?(planned: Planned, path: string, caller: Caller): boolean };

export type ObligationKind<Config = any, Planned = any> = ObligationKindBase<Config, Planned> & ObjectHooks<Planned>;

/** Thrown by a kind's hooks to refuse the call: a 403, the message kept for the decision log only. */
export class ObligationRefusal extends Error {
  override name = 'ObligationRefusal';
}

/** Keys of the built-in policy language (src/policy/schema.ts holds their definitions; a test keeps the two equal). */
export const BUILT_IN_RULE_KEYS = [
  'id',
  'description',
  'roles',
  'allow',
  'deny',
  'when',
  'resource',
  'preload',
  'fields',
  'cap',
  'writable',
  'presets',
  'rateLimit',
  'timeoutMs',
  'allowOptions',
  'justification',
] as const;

const KEY = /^[a-z][A-Za-z0-9]{0,39}$/;
const kinds = new Map<string, ObligationKind>();

/** Registers a kind; returns what removes it again (tests). A key already taken is a programming error. */
export function registerObligationKind(kind: ObligationKind): () => void {
  if (!KEY.test(kind.key)) throw new TypeError(`obligation kind "${kind.key}": a key is a lower-camel-case word (e.g. redactUnlessOwner)`);
  if ((BUILT_IN_RULE_KEYS as readonly string[]).includes(kind.key)) throw new TypeError(`obligation kind "${kind.key}": the key is a built-in rule key`);
  const existing = kinds.get(kind.key);
  if (existing && existing !== kind) throw new TypeError(`obligation kind "${kind.key}" is already registered`);
  if (typeof kind.combine !== 'function' || typeof kind.describe !== 'function') {
    throw new TypeError(`obligation kind "${kind.key}": combine and describe are required`);
  }
  if (kind.onObject && typeof kind.readable !== 'function') {
    throw new TypeError(`obligation kind "${kind.key}": a kind that changes objects must say which fields stay readable (readable)`);
  }
  if (kind.onObject && !(Array.isArray(kind.methodKinds) && kind.methodKinds.length > 0)) {
    throw new TypeError(
      `obligation kind "${kind.key}": a kind that changes objects must name the method kinds it applies to (methodKinds): other calls return wrappers, not the objects it reads`,
    );
  }
  kinds.set(kind.key, kind);
  return () => {
    if (kinds.get(kind.key) === kind) kinds.delete(kind.key);
  };
}

export function obligationKind(key: string): ObligationKind | undefined {
  return kinds.get(key);
}

/** Every registered kind, by key. */
export function obligationKinds(): ObligationKind[] {
  return [...kinds.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
