// The wire contract both sides share (tRPC's `rpc/envelopes` and `rpc/codes`): the request's names,
// every error code with its HTTP status, the reply shapes. The gateway answers with these and the
// frontend client reads them; nothing here runs anything.

/**
 * The version of this wire contract (request shape, error codes and statuses, reply shapes). A
 * change a client written for an earlier version could not read raises it, with the package's major.
 */
export const WIRE_CONTRACT_VERSION = 1;

export const MAX_NAME_LENGTH = 128;
/** `ecom.orders`: the npm package without `@wix/`, a dot, the namespace export. */
export const MODULE_NAME = /^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
export const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Every failure the gateway answers with, and its HTTP status. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_ERROR: 502,
  IDENTITY_UNAVAILABLE: 503,
  POLICY_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One message for every denial, so a reply never tells whether a method or an object exists. */
export const FORBIDDEN_MESSAGE = 'The policy does not permit this call.';
/** The one message of a failure on the gateway's side. */
export const INTERNAL_MESSAGE = 'The call could not be completed.';

/** What a 502 says of Wix's answer: its status and application error code, nothing else. */
export interface UpstreamSummary {
  status: number;
  code?: string;
}

export interface SuccessReply<T = unknown> {
  result: T;
}

export interface ErrorReply {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    upstream?: UpstreamSummary;
  };
}
