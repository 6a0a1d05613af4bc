// A GatewayError is an answer, not a crash: it carries no stack (capturing one cost every refusal
// about 18 µs), still is an Error, and leaves the stacks of every other error as they were.
import { describe, expect, it } from 'vitest';
import { forbidden, GatewayError, internal, invalid } from './errors.ts';

describe('GatewayError', () => {
  it('has no stack frames, and keeps its code, status, message and reason', () => {
    const e = forbidden('no rule allows it');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(GatewayError);
    expect(e.stack ?? '').not.toMatch(/\n\s+at /);
    expect([e.code, e.status, e.reason]).toEqual(['FORBIDDEN', 403, 'no rule allows it']);
    expect(invalid('args: expected array')).toMatchObject({ code: 'INVALID_REQUEST', status: 400, message: 'args: expected array' });
    expect(internal('x').status).toBe(500);
    expect(invalid('m').reason).toBeUndefined();
  });

  it('restores the stack trace limit: other errors keep their stacks', () => {
    const before = Error.stackTraceLimit;
    void new GatewayError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 3 });
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('plain').stack).toMatch(/\n\s+at /);
  });
});

describe('GatewayError where Error.stackTraceLimit is read-only (frozen intrinsics)', () => {
  it('is still constructed, with its stack: a refusal never becomes a crash', () => {
    const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
    Object.defineProperty(Error, 'stackTraceLimit', { ...descriptor, writable: false });
    try {
      const e = forbidden('no rule');
      expect(e).toMatchObject({ code: 'FORBIDDEN', status: 403, reason: 'no rule' });
      expect(Error.stackTraceLimit).toBe(descriptor.value);
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', descriptor);
    }
  });
});
