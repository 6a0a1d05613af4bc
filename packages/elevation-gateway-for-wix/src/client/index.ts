// The typed frontend client of the elevation gateway (see README.md, "Calling the gateway from a frontend").
export { createElevateClient, type ElevateClient, type ElevateClientOptions, type FetchLike } from './elevate-client.ts';
export { ElevateError, type ElevateErrorCode } from './elevate-error.ts';
export type { CallArgs, CallResult, ElevatedApi, NoCalls, PermittedCall, PermittedCallsShape, Wire } from './permitted-call.ts';
