// What the SDK's `meta` does not say about calls that address their object outside the URL path:
// Wix Data's item calls name their collection in the query string or body (`dataCollectionId`) and
// most of them their item there too (`dataItemId`, `dataItem.id`). Each entry is checked by the
// probe against what the installed SDK sends (probe.ts): a package that moved an id elsewhere makes
// the method unprobeable, never silently unaddressed.

/** Where an argument lands in the request: the URL path, a query-string key, or a dotted body key. */
export type WireLocation = 'path' | `query:${string}` | `body:${string}`;

export interface ModuleAddressing {
  /** The argument that scopes every call of the module (one rule, one value of it). */
  scope: { arg: number; noun: string; wire: WireLocation[] };
  /** Methods that address one existing object: the argument path of its id and where it lands. */
  targets: Record<string, { arg: string; wire: WireLocation }>;
  /** Where this was verified. */
  verified: string;
}

export const ADDRESSING: Readonly<Record<string, ModuleAddressing>> = {
  'data.items': {
    scope: { arg: 0, noun: 'collection', wire: ['query:dataCollectionId', 'body:dataCollectionId'] },
    targets: {
      get: { arg: '1', wire: 'path' },
      remove: { arg: '1', wire: 'body:dataItemId' },
      update: { arg: '1._id', wire: 'body:dataItem.id' },
      save: { arg: '1._id', wire: 'body:dataItem.id' },
      patch: { arg: '1', wire: 'body:patch.dataItemId' },
    },
    verified:
      '@wix/wix-data-items-sdk 1.0.552 (@wix/data 1.0.521): requests recorded from the real functions (get: GET /wix-data/v2/items/{id}?dataCollectionId=…; remove: POST /wix-data/v2/items/remove { dataCollectionId, dataItemId }; update and save: { dataCollectionId, dataItem: { id, data } }; patch: { dataCollectionId, patch: { dataItemId } })',
  },
};
