// A made-up SDK module for the argument-schema generator's tests: every type form the generator
// must handle, in the shapes Wix's generated declarations use.
interface CursorPaging {
  /**
   * Maximum number of items to return.
   * @max 100
   */
  limit?: number | null;
  cursor?: string | null;
}
interface OffsetPaging {
  limit?: number | null;
  offset?: number | null;
}
/** @oneof */
interface QueryPagingMethodOneOf {
  cursorPaging?: CursorPaging;
  paging?: OffsetPaging;
}
interface Sorting {
  fieldName?: string;
  order?: SortOrderWithLiterals;
  selectItemsBy?: Record<string, any>[] | null;
}
declare enum SortOrder {
  ASC = 'ASC',
  DESC = 'DESC',
}
type SortOrderWithLiterals = SortOrder | 'ASC' | 'DESC';
interface Query extends QueryPagingMethodOneOf {
  filter?: Record<string, any> | null;
  /** @maxSize 3 */
  sort?: Sorting[];
}
interface TreeNode {
  name: string;
  children?: TreeNode[];
}
interface Options {
  when?: Date;
  onDone?: () => void;
  pair?: [string, number];
  tree?: TreeNode;
  /**
   * @minLength 2
   * @maxLength 10
   */
  note?: string;
  meta?: Record<string, number>;
  anything?: any;
  count?: 1 | 2;
  flag?: true;
  __marker?: string;
}
interface Thing {
  _id: string;
  size: number;
}
export declare function listThings(query: Query, options?: Options): Promise<{ things: Thing[] }>;
export declare function getThing(thingId: string, options?: Options): Promise<Thing>;
export declare function builderOnly(options?: Options): { find(): Promise<unknown> };
export declare function restIds(...ids: string[]): Promise<void>;
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
interface TypedRecordQuery {
  filter?: Record<string, string>;
  paging?: OffsetPaging;
}
type UnionQuery = { cursorPaging?: CursorPaging; filter?: Record<string, any> } | { paging?: OffsetPaging; filter?: Record<string, any> };
interface StringFilterQuery {
  /** A filter as a JSON string (as some legacy Wix methods take it). */
  filter?: string;
  sort?: string;
}
type BrandedId = string & { __brand: 'ThingId' };
export declare function recordFilter(query: TypedRecordQuery): Promise<{ things: Thing[] }>;
export declare function unionQuery(query: UnionQuery): Promise<{ things: Thing[] }>;
export declare function stringFilter(query: StringFilterQuery): Promise<{ things: Thing[] }>;
export declare function branded(thingId: BrandedId, extra?: JsonValue): Promise<Thing>;
