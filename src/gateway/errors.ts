// The error contract: every failure the gateway answers with, its HTTP status and a safe message.
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

export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { upstream?: { status: number; code?: string }; retryAfterSeconds?: number } = {},
    /** Why, for the decision log only (never sent to the client). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = ERROR_STATUS[code];
  }
}

export const forbidden = (reason: string) => new GatewayError('FORBIDDEN', FORBIDDEN_MESSAGE, {}, reason);
export const invalid = (message: string) => new GatewayError('INVALID_REQUEST', message);
