// The one error the frontend client throws: the gateway's error contract, plus the two ways a call
// can fail before that contract applies (the network, or a reply that is not the gateway's).
import type { ErrorCode, UpstreamSummary } from '../contract/envelopes.ts';

export type ElevateErrorCode =
  | ErrorCode
  /** The request never got an answer (offline, DNS, CORS, aborted). */
  | 'NETWORK_ERROR'
  /** An answer that is not the gateway's contract (a proxy's HTML page, a runtime crash, bad JSON). */
  | 'BAD_RESPONSE';

export interface ElevateErrorInit {
  code: ElevateErrorCode;
  message: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  requestId?: string;
  /** Wix's own status and error code when an allowed call failed upstream (502). */
  upstream?: UpstreamSummary;
  /** Seconds to wait before retrying (429). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class ElevateError extends Error {
  override readonly name = 'ElevateError';
  readonly code: ElevateErrorCode;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly upstream: UpstreamSummary | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: ElevateErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.upstream = init.upstream;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}
