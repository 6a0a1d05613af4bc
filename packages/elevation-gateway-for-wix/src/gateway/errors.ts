// The gateway's failures: a GatewayError carries a code of the wire contract (contract/envelopes.ts),
// a safe message for the client, and a reason for the decision log only.
import { ERROR_STATUS, FORBIDDEN_MESSAGE, INTERNAL_MESSAGE, type ErrorCode, type UpstreamSummary } from '../contract/envelopes.ts';

export class GatewayError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly extra: { upstream?: UpstreamSummary; retryAfterSeconds?: number };
  /** Why, for the decision log only (never sent to the client). */
  readonly reason?: string;
  constructor(code: ErrorCode, message: string, extra: { upstream?: UpstreamSummary; retryAfterSeconds?: number } = {}, reason?: string) {
    // No stack: a GatewayError is an answer, never sent or logged with one, and capturing it cost
    // about 18 µs of every refusal (`npm run bench`). The limit is restored before anything else runs.
    // Where the limit cannot be set (frozen intrinsics), the error simply keeps its stack.
    let limit: number | undefined;
    let set = false;
    try {
      limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      set = true;
    } catch {
      /* read-only: keep the stack */
    }
    try {
      super(message);
    } finally {
      // Restoring cannot fail once setting did.
      if (set) Error.stackTraceLimit = limit!;
    }
    this.name = 'GatewayError';
    this.code = code;
    this.extra = extra;
    this.reason = reason;
    this.status = ERROR_STATUS[code];
  }
}

export const forbidden = (reason: string) => new GatewayError('FORBIDDEN', FORBIDDEN_MESSAGE, {}, reason);
export const invalid = (message: string) => new GatewayError('INVALID_REQUEST', message);
/** A failure on the gateway's side: one message for the client, the reason for the log. */
export const internal = (reason: string) => new GatewayError('INTERNAL', INTERNAL_MESSAGE, {}, reason);
