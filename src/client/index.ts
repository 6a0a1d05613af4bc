// The typed frontend client of the elevation gateway (see README.md, "Calling the gateway from a frontend").
export { createElevateClient, type ElevateClient, type ElevateClientOptions, type FetchLike } from './elevate-client';
export { ElevateError, type ElevateErrorCode } from './elevate-error';
export type { CallArgs, CallResult, ElevatedApi, PermittedCall, Wire } from './permitted-call';
