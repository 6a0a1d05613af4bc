/**
 * Wix's error wire format, as the SDK (`@wix/sdk` rest-modules + `@wix/sdk-runtime/transform-error`) reads it.
 *
 * Application errors (business logic refused the call):
 *   { "message": "...", "details": { "applicationError": { "code": "ORDER_NOT_FOUND", "description": "...", "data": {} } } }
 * Validation errors (the request itself is malformed / out of range):
 *   { "message": "INVALID_ARGUMENT: ...", "details": { "validationError": { "fieldViolations": [ { field, description, violatedRule, data } ] } } }
 *
 * The SDK turns the first into an error carrying `details.applicationError.{code,description,data}` and the second
 * into one carrying `details.validationError.fieldViolations` (fields renamed to argument paths).
 * Status codes follow Wix's table: 400 bad request/validation, 401 unauthenticated, 403 permission denied,
 * 404 not found, 428 failed precondition, 500 internal.
 */

export interface WixApplicationErrorBody {
  message: string;
  details: {
    applicationError: { code: string; description: string; data: Record<string, unknown> };
  };
}

export interface WixFieldViolation {
  field: string;
  description: string;
  violatedRule: string;
  data?: Record<string, unknown>;
}

export interface WixValidationErrorBody {
  message: string;
  details: { validationError: { fieldViolations: WixFieldViolation[] } };
}

export type WixErrorBody = WixApplicationErrorBody | WixValidationErrorBody;

/** Headers every emulated response carries (`X-Wix-Request-Id` is what the SDK copies into `error.requestId`). */
export function responseHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-wix-request-id': requestId };
}

export function jsonResponse(status: number, body: unknown, requestId: string): Response {
  return new Response(JSON.stringify(body), { status, headers: responseHeaders(requestId) });
}

export function applicationErrorBody(
  code: string,
  message: string,
  description: string = message,
  data: Record<string, unknown> = {},
): WixApplicationErrorBody {
  return { message, details: { applicationError: { code, description, data } } };
}

export function validationErrorBody(violations: WixFieldViolation[]): WixValidationErrorBody {
  const text = violations.map((v) => `"${v.field}" ${v.description}`).join(', ');
  return { message: `INVALID_ARGUMENT: ${text}`, details: { validationError: { fieldViolations: violations } } };
}

/**
 * Thrown inside route handlers; the emulator turns it into a Wix-shaped error response.
 * Keeps the handlers linear (validate → throw) instead of threading Responses around.
 */
export class WixHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: WixErrorBody,
  ) {
    super(body.message);
    this.name = 'WixHttpError';
  }

  static application(status: number, code: string, message: string, description?: string, data?: Record<string, unknown>): WixHttpError {
    return new WixHttpError(status, applicationErrorBody(code, message, description, data));
  }

  static validation(field: string, description: string, violatedRule = 'INVALID', data?: Record<string, unknown>): WixHttpError {
    return new WixHttpError(400, validationErrorBody([{ field, description, violatedRule, ...(data ? { data } : {}) }]));
  }

  static unauthenticated(description: string): WixHttpError {
    return WixHttpError.application(401, 'UNAUTHENTICATED', 'UNAUTHENTICATED', description);
  }

  static permissionDenied(description: string): WixHttpError {
    return WixHttpError.application(403, 'PERMISSION_DENIED', 'PERMISSION_DENIED', description);
  }

  static notFound(code: string, description: string, data: Record<string, unknown> = {}): WixHttpError {
    return WixHttpError.application(404, code, description, description, data);
  }
}
