// The origin allow-list in front of the gateway: preflights granted to listed origins only, by name;
// requests from other origins refused before the gateway runs.
import { describe, expect, it } from 'vitest';
import { withCors } from './cors.ts';

const URL_ = 'https://backend.example/api/elevate';
const calls: Request[] = [];
const handler = withCors(
  async (request) => {
    calls.push(request);
    return new Response('{"result":1}', { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' } });
  },
  { origins: ['https://shop.example'] },
);
const preflight = (origin: string, headers = 'authorization, content-type', method = 'POST') =>
  handler(new Request(URL_, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } }));

describe('withCors', () => {
  it('grants a preflight from a listed origin, by name, never with credentials', async () => {
    const reply = await preflight('https://shop.example');
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(reply.headers.get('access-control-allow-methods')).toBe('POST');
    expect(reply.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-wix-consistent');
    expect(reply.headers.get('access-control-allow-credentials')).toBeNull();
    expect(reply.headers.get('vary')).toBe('Origin');
    expect(calls).toHaveLength(0);
  });

  it('gives another origin no grant, for its preflight or its request, and never runs the gateway for it', async () => {
    const reply = await preflight('https://evil.example');
    expect(reply.status).toBe(403);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    const post = await handler(new Request(URL_, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: '{}' }));
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('refuses a preflight for another method or header', async () => {
    expect((await preflight('https://shop.example', 'authorization, x-custom')).status).toBe(403);
    expect((await preflight('https://shop.example', 'content-type', 'PUT')).status).toBe(403);
  });

  it("grants a listed origin's request its reply, exposing the request id", async () => {
    calls.length = 0;
    const reply = await handler(new Request(URL_, { method: 'POST', headers: { origin: 'https://shop.example', authorization: 't' }, body: '{}' }));
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe('{"result":1}');
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(reply.headers.get('access-control-expose-headers')).toBe('x-request-id, retry-after');
    expect(reply.headers.get('vary')).toBe('Origin');
    expect(calls).toHaveLength(1);
  });

  it('passes same-origin and origin-less requests through untouched', async () => {
    calls.length = 0;
    const same = await handler(new Request(URL_, { method: 'POST', headers: { origin: 'https://backend.example' }, body: '{}' }));
    const none = await handler(new Request(URL_, { method: 'POST', body: '{}' }));
    expect([same.status, none.status]).toEqual([200, 200]);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('refuses `*`, `null` and malformed origins in the list', () => {
    for (const origin of [
      '*',
      'null',
      'shop.example',
      'https://shop.example/',
      'https://Shop.example',
      'https://shop.example:443',
      'https://u@shop.example',
      'ftp://shop.example',
    ]) {
      expect(() => withCors(async () => new Response(), { origins: [origin] })).toThrow(/not an origin/);
    }
  });
});
