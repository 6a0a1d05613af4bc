// What the SDK's `meta` does not say about calls that address their object outside the URL path:
// Wix Data's item calls name their collection in the query string or body (`dataCollectionId`) and
// most of them their item there too (`dataItemId`, `dataItem.id`). Each entry is checked by the
// probe against what the installed SDK sends (probe.ts): a package that moved an id elsewhere makes
// the method unprobeable, never silently unaddressed. A module listed here dispatches only the
// methods it lists: the others' writes cannot be held to `writable`, or their reads reach beyond
// the scope, or their verb does not tell a read from a write.

/** Where an argument lands in the request: the URL path, a query-string key, or a dotted body key. */
export type WireLocation = 'path' | `query:${string}` | `body:${string}`;

export interface AddressedMethod {
  /** The argument path of the id of the one existing object it addresses, and where it lands. */
  target?: { arg: string; wire: WireLocation };
  /**
   * The argument holding an object the call replaces whole (Wix Data's update): what the caller may
   * not write is carried over from the preloaded target, so leaving a field out cannot clear it.
   */
  replaces?: string;
}

export interface ModuleAddressing {
  /** The argument that scopes every call of the module (one rule, one value of it). */
  scope: { arg: number; noun: string; wire: WireLocation[] };
  /** The module's methods the gateway dispatches. */
  methods: Record<string, AddressedMethod>;
  /** Why the module's other methods are refused (`sdk/unsupported`). */
  others: string;
  /** Where this was verified. */
  verified: string;
}

export const ADDRESSING: Readonly<Record<string, ModuleAddressing>> = {
  'data.items': {
    scope: { arg: 0, noun: 'collection', wire: ['query:dataCollectionId', 'body:dataCollectionId'] },
    methods: {
      get: { target: { arg: '1', wire: 'path' } },
      query: {},
      insert: {},
      update: { target: { arg: '1._id', wire: 'body:dataItem.id' }, replaces: '1' },
      save: { target: { arg: '1._id', wire: 'body:dataItem.id' }, replaces: '1' },
      remove: { target: { arg: '1', wire: 'body:dataItemId' } },
    },
    others:
      'the gateway dispatches data.items get, query, insert, update, save and remove; patch and the bulk writes cannot be held to writable fields, aggregate, count and distinct are POSTs that read, and the reference methods read other collections',
    verified:
      '@wix/wix-data-items-sdk 1.0.552 (@wix/data 1.0.521): requests recorded from the real functions (get: GET /wix-data/v2/items/{id}?dataCollectionId=…; remove: POST /wix-data/v2/items/remove { dataCollectionId, dataItemId }; update and save: { dataCollectionId, dataItem: { id, data } }, replacing the stored item)',
  },
};
