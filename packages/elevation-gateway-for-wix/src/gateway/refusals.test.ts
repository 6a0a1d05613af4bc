// Refusals that tell nothing: for a restricted read or a preloaded write, whatever Wix says about
// the object (malformed, forbidden, missing, null) reads exactly like an object the rules exclude,
// byte for byte apart from the request id. What Wix says about the app (its token, its quota) is
// not about the object and says so. On the fixture policy test/fixtures/every-kind-of-call.yaml.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { fixturePolicy } from '../dev/testing/policy-fixture.ts';
import { devTokens, type RouteName } from '../dev/emulator/index.ts';
import { applicationErrorBody } from '../dev/emulator/errors.ts';
import type { PolicyModule } from './policy-module.ts';

const m1 = devTokens.members['m-1'];
let policy: PolicyModule;
beforeAll(async () => {
  policy = await fixturePolicy('every-kind-of-call');
});

const wixSays = (status: number, code: string) => () => Response.json(applicationErrorBody(code, `SECRET ${code}`, 'SECRET detail'), { status });
const OBJECT_ANSWERS: [string, (() => Response) | undefined][] = [
  ['an order of another member', undefined],
  ['Wix 400', wixSays(400, 'INVALID_ARGUMENT')],
  ['Wix 403', wixSays(403, 'PERMISSION_DENIED')],
  ['Wix 404', wixSays(404, 'ORDER_NOT_FOUND')],
  ['Wix null', () => Response.json({ order: null })],
];

/** The raw reply (status, headers but the request id, body text with its request id blanked). */
async function raw(route: RouteName, answer: (() => Response) | undefined, body: unknown) {
  const bed = createTestBed({ policy, emulator: { fault: (r) => (r === route && answer ? answer() : undefined) } });
  const response = await bed.runtime.serve(
    new Request('https://app.example/functions/elevate', {
      method: 'POST',
      headers: { authorization: m1, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    bed.gateway.handle,
  );
  const id = response.headers.get('x-request-id')!;
  const headers = [...response.headers.entries()].filter(([k]) => k !== 'x-request-id');
  return { status: response.status, headers, text: (await response.text()).replaceAll(id, '<id>'), sent: bed.upstream().map((r) => r.route) };
}

describe('a restricted read', () => {
  const read = { module: 'ecom.orders', method: 'getOrder', args: ['o-4'] };
  it('answers a foreign object, a Wix 400, 403, 404 and a null identically, byte for byte', async () => {
    const replies = await Promise.all(OBJECT_ANSWERS.map(([, answer]) => raw('getOrder', answer, read)));
    for (const [i, reply] of replies.entries()) {
      expect(reply.status, OBJECT_ANSWERS[i]![0]).toBe(403);
      expect({ headers: reply.headers, text: reply.text }, OBJECT_ANSWERS[i]![0]).toEqual({ headers: replies[0]!.headers, text: replies[0]!.text });
      expect(reply.text).not.toContain('SECRET');
    }
  });

  it.each([
    ["Wix 401 (the app's own token)", 401, 502, 'UPSTREAM_ERROR'],
    ["Wix 429 (the app's quota)", 429, 503, 'UPSTREAM_UNAVAILABLE'],
    ['Wix 500', 500, 502, 'UPSTREAM_ERROR'],
  ])("%s is %i %s, not the object's refusal", async (_name, wixStatus, status, code) => {
    const reply = await raw('getOrder', wixSays(wixStatus, 'X'), read);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.text).error.code).toBe(code);
  });
});

describe('a preloaded write', () => {
  const cancel = { module: 'ecom.orders', method: 'cancelOrder', args: ['o-4', {}] };
  it('answers a foreign target and a Wix 400, 403, 404 or null on the preload identically, and never sends the write', async () => {
    const replies = await Promise.all(OBJECT_ANSWERS.map(([, answer]) => raw('getOrder', answer, cancel)));
    for (const [i, reply] of replies.entries()) {
      expect(reply.status, OBJECT_ANSWERS[i]![0]).toBe(403);
      expect(reply.text).toBe(replies[0]!.text);
      expect(reply.headers).toEqual(replies[0]!.headers);
      expect(reply.sent).toEqual(['getOrder']);
    }
  });
});
