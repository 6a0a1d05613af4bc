// The wire contract: what a frontend sends and what it gets back. zod/mini keeps the bundle small.
import * as z from 'zod/mini';
import { MAX_NAME_LENGTH } from '../contract/envelopes.ts';

export const callRequestSchema = z.strictObject({
  module: z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH)),
  method: z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH)),
  args: z.optional(z.array(z.unknown())),
});

/** Says which field of the request is wrong, in the words of the contract. */
export function describeWireIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const field = issue.path.length ? issue.path.join('.') : 'body';
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${(issue as { keys: string[] }).keys.map((k) => `"${k}"`).join(', ')}: the body is { module, method, args }`;
  if (issue.code === 'invalid_type') return `${field}: expected ${(issue as { expected: string }).expected}`;
  return `${field}: ${issue.message}`;
}

export function jsonResponse(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
      ...headers,
    },
  });
}
