// Where a list method's query goes and where its items come back, read off its signature: the
// first parameter that holds a filter, a sort or a paging form, and the result's array. The
// method's name only guesses (`queryInventory` answers `inventoryItems`); the types know.
import { resolveSchema, type ArgumentSchema, type Signature } from './argument-schema.ts';

const QUERY_KEYS = ['filter', 'sort', 'cursorPaging', 'paging', 'search'];

function holdsQuery(schema: ArgumentSchema, defs: Signature['defs']): boolean {
  const s = resolveSchema(schema, defs);
  if ('anyOf' in s) return s.anyOf.some((b) => holdsQuery(b, defs));
  return s.type === 'object' && QUERY_KEYS.some((k) => Object.hasOwn(s.properties, k));
}

/** The query's position and the items' key, or undefined when the signature shows no list. */
export function listShapeOf(signature: Signature, guessedItemsKey: string): { queryArg: number; itemsKey: string } | undefined {
  const queryArg = signature.params.findIndex((p) => holdsQuery(p, signature.defs));
  if (queryArg < 0) return undefined;
  const lists = signature.resultLists;
  const itemsKey = lists.includes(guessedItemsKey) ? guessedItemsKey : lists.length === 1 ? lists[0] : undefined;
  return itemsKey === undefined ? undefined : { queryArg, itemsKey };
}
