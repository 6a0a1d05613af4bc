// What the gateway knows of an SDK method the policy names: the catalogue's description (its REST
// meta and a probe of the real function) and its signature (read from its type declarations).
import type { Signature } from './argument-schema.ts';

export type MethodKind = 'read-one' | 'write-one' | 'list' | 'read' | 'write';

/** What the SDK catalogue knows of a method (its `meta` and a probe of the real function). */
export interface MethodDescription {
  /** `ecom.orders.getOrder` */
  call: string;
  /** The per-module npm package the method is imported from. */
  package: string;
  method: string;
  httpMethod: string;
  /** REST path template from the SDK meta (or the probe's request), e.g. `/v1/orders/{id}`. */
  path: string;
  /** Argument paths (`0`, `0._id`) that the SDK inserts into the URL path. */
  pathArgs: string[];
  /**
   * Argument paths that address the call's object, wherever they land (the URL path, the query
   * string or the body): the scope first, then the object's id. A preload maps them one to one.
   */
  targetArgs: string[];
  /** The argument that scopes every call of the module (Wix Data's collection): a rule pins one value. */
  scope?: { arg: number; noun: string };
  /** The argument holding an object the call replaces whole (Wix Data's update): see sdk/addressing.ts. */
  replaces?: string;
  kind: MethodKind;
  /** Called with no query it returns a builder; the gateway always uses the data overload. */
  queryOverload: boolean;
  /** For list calls: where the query lives and where the items come back. */
  list?: { queryArg: number; itemsKey: string };
}

/** A method the policy names, with what it accepts (read from the SDK's type declarations). */
export interface MethodInfo extends MethodDescription {
  /** The parameters of the overload the gateway calls; every argument is checked against them first. */
  signature: Signature;
}
