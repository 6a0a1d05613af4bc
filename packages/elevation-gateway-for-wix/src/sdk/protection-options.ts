// Options that turn a Wix protection off, or reach beyond the object a rule checks, for the call that
// carries them. An elevated call already runs with the app's authority; these go further (skip the
// collection's hooks, where apps validate and stamp items; skip permission checks altogether; return
// referenced items of other collections inline). The gateway refuses a request that sets one unless
// an allowing rule names it in `allowOptions` and gives a `justification`.

export interface ProtectionOption {
  /** The module whose calls take it. */
  module: string;
  /** The option's key, in any options argument of the module's calls. */
  option: string;
  /** What it turns off. */
  effect: string;
  /** Where it was verified. */
  verified: string;
}

export const PROTECTION_OPTIONS: readonly ProtectionOption[] = [
  {
    module: 'data.items',
    option: 'suppressHooks',
    effect: "skips the collection's data hooks (beforeInsert, beforeUpdate, …), where apps validate and stamp items",
    verified:
      "@wix/wix-data-items-sdk 1.0.552: in the options types of get, query, insert, update, save, remove (WixDataOptions); sent as the request's `suppressHooks`",
  },
  {
    module: 'data.items',
    option: 'suppressAuth',
    effect: "skips the collection's permission checks",
    verified:
      "@wix/wix-data-items-common 1.0.328: accepted by the runtime options validator (WDE0018 lists it) though in no installed type; Velo's wix-data documents it as bypassing permissions",
  },
  {
    module: 'data.items',
    option: 'includeReferences',
    effect: 'returns the items that reference fields point to, whole and from other collections, which no rule of this call checks',
    verified:
      "@wix/wix-data-items-sdk 1.0.552: in WixDataGetOptions and WixDataQueryOptions ({ field, limit }[]), sent as the request's includeReferences; Wix returns each referenced item in place of its id",
  },
  {
    module: 'data.items',
    option: 'appOptions',
    effect: "passes free-form options to the collection's app (its data hooks and external database), which the gateway cannot check",
    verified: '@wix/wix-data-items-sdk 1.0.552: an open object in the read options types, sent as is',
  },
  {
    module: 'data.items',
    option: 'includeFieldGroups',
    effect: "returns field groups an app collection keeps out of its default fields (Wix's conditional fields), which no rule of this call names",
    verified: '@wix/wix-data-items-sdk 1.0.552: a string[] in the get and query options types, sent as is',
  },
  {
    module: 'data.items',
    option: 'condition',
    effect: "makes the write depend on a filter over the stored item's fields, which no field rule limits (a test of hidden fields)",
    verified: "@wix/wix-data-items-sdk 1.0.552: in WixDataUpdateOptions and WixDataRemoveOptions (a WixDataFilter), sent as the request's condition",
  },
  {
    module: 'data.items',
    option: 'showDrafts',
    effect: 'returns draft (unpublished) items and versions',
    verified: '@wix/wix-data-items-sdk 1.0.552: in the options types of get, query, insert, update, save, remove',
  },
];

const byModule = new Map<string, readonly ProtectionOption[]>();
for (const o of PROTECTION_OPTIONS) byModule.set(o.module, [...(byModule.get(o.module) ?? []), o]);
const NONE: readonly ProtectionOption[] = Object.freeze([]);

/** The protection options a call of `module` may carry (looked up on every request: a map, no filtering). */
export function protectionOptionsOf(module: string): readonly ProtectionOption[] {
  return byModule.get(module) ?? NONE;
}
