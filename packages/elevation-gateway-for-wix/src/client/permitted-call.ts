// The types of the frontend client, derived from the app's generated `PermittedCalls` (written by
// `elevate build` into src/generated/policy.ts): for every call some allow rule grants, the
// arguments the gateway accepts (printed from the same schemas it checks, which come from the SDK's
// types) and the SDK's own function (for the result). Nothing is declared twice, a call no rule
// grants has no type, and arguments the gateway would refuse for their shape do not type-check.

/** What `elevate build` generates: per granted call, its accepted arguments and the SDK function. */
export type PermittedCallsShape = Record<string, { args: unknown[]; sdk: unknown }>;

/** Without the app's `PermittedCalls` the client permits nothing: pass them, `createElevateClient<PermittedCalls>()`. */
export type NoCalls = Record<never, never>;

/** `ecom.orders.getOrder`: a call some allow rule of the policy grants. */
export type PermittedCall<Calls extends PermittedCallsShape> = keyof Calls & string;

// An SDK method's type is `RESTFunction & ((httpClient) => RESTFunction)`; the last call signature
// (the one `infer` reads) is the descriptor, whose return value is the function callers use.
type RestFunctionOf<F> = F extends (httpClient: any) => infer S ? S : never;

// Query methods are overloaded (`queryProducts(query, options?)` returns data, `queryProducts(options?)`
// a builder). The gateway always calls the data overload, so the client exposes the overload that
// returns a Promise.
type DataOverload<S> = S extends { (...a: infer A1): infer R1; (...a: infer A2): infer R2 }
  ? R2 extends PromiseLike<unknown>
    ? { args: A2; result: R2 }
    : { args: A1; result: R1 }
  : never;

type Signature<Calls extends PermittedCallsShape, C extends PermittedCall<Calls>> = DataOverload<RestFunctionOf<Calls[C]['sdk']>>;

/**
 * What a value looks like after it crossed JSON: `Date` becomes its ISO string (the SDK revives
 * dates, the wire carries strings; the client does not guess which strings were dates), functions
 * and the SDK's type-only `__applicationErrorsType` marker disappear.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends (...args: any[]) => unknown
      ? never
      : T extends ReadonlyArray<infer U>
        ? Wire<U>[]
        : T extends object
          ? { [K in keyof T as K extends '__applicationErrorsType' ? never : K]: Wire<T[K]> }
          : T;

/** The arguments of a permitted call, as the gateway accepts them. */
export type CallArgs<Calls extends PermittedCallsShape, C extends PermittedCall<Calls>> = Calls[C]['args'];

/** The SDK's result of a permitted call, as it arrives over JSON. */
export type CallResult<Calls extends PermittedCallsShape, C extends PermittedCall<Calls>> = Wire<Awaited<Signature<Calls, C>['result']>>;

type PackageOf<C> = C extends `${infer P}.${string}.${string}` ? P : never;
type NamespaceOf<C, P extends string> = C extends `${P}.${infer N}.${string}` ? N : never;
type MethodOf<C, P extends string, N extends string> = C extends `${P}.${N}.${infer M}` ? M : never;

/** `api.ecom.orders.getOrder('o-1')`: the permitted calls, shaped like the SDK's namespaces. */
export type ElevatedApi<Calls extends PermittedCallsShape> = {
  readonly [P in PackageOf<PermittedCall<Calls>>]: {
    readonly [N in NamespaceOf<PermittedCall<Calls>, P>]: {
      readonly [M in MethodOf<PermittedCall<Calls>, P, N>]: `${P}.${N}.${M}` extends infer C extends PermittedCall<Calls>
        ? (...args: Extract<CallArgs<Calls, C>, unknown[]>) => Promise<CallResult<Calls, C>>
        : never;
    };
  };
};
