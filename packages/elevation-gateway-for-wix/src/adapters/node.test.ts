// The Node adapter runs the gateway's contract suite over a real loopback socket
// (`http.createServer(toNodeHandler(selfHostedGateway(...).fetch))`, the client on Node's own
// fetch); then what is its own: a body past the limit stops being read, a failing handler is the
// gateway's 500 JSON reply, the origin is never taken from the request target.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTERNAL_MESSAGE } from '../contract/envelopes.ts';
import { APP_ID, DEV_APP_SECRET, devTokens } from '../dev/emulator/index.ts';
import { createContractWix, describeContract, type ContractWix, readReply } from '../dev/testing/contract-suite.ts';
import { memorySink, silentSink } from '../gateway/decision-log.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import { selfHostedGateway } from './self-hosted.ts';
import { toNodeHandler } from './node.ts';

// Node's own fetch reaches the server; the global one is Wix's (AppStrategy's exchange).
const loopbackFetch = globalThis.fetch;

interface Served {
  url: string;
  sockets: Socket[];
  close(): Promise<void>;
}

async function serve(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
  const sockets: Socket[] = [];
  const server = createServer(listener);
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/**
 * A client that does not listen: POSTs up to `total` bytes on a raw socket as fast as it takes them
 * (chunked unless a length is declared), goes on writing for 300 ms after the reply, then hangs up.
 */
function upload(url: string, total: number, declaredLength?: number): Promise<{ status: number; body: any; written: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let written = 0;
    let over = false;
    const framing = declaredLength === undefined ? 'transfer-encoding: chunked' : `content-length: ${declaredLength}`;
    const head = `POST /elevate HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: ${devTokens.visitor}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`;
    const data = Buffer.alloc(64 * 1024, 'x');
    const chunk = declaredLength === undefined ? Buffer.concat([Buffer.from(`${data.byteLength.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
    const finish = () => {
      over = true;
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
      const json = received.slice(received.indexOf('{'), received.lastIndexOf('}') + 1);
      resolve({ status, body: JSON.parse(json), written });
    };
    socket.on('data', (d: Buffer) => {
      const first = received === '';
      received += d.toString('utf8');
      if (first) setTimeout(finish, 300);
    });
    socket.on('error', (e) => (received ? undefined : reject(e)));
    const pump = () => {
      while (!over && written < total) {
        written += data.byteLength;
        if (!socket.write(chunk)) return void socket.once('drain', () => setImmediate(pump));
      }
    };
    socket.once('connect', () => (socket.write(head), setImmediate(pump)));
  });
}

let wix: ContractWix;
let gatewayServer: Served;
beforeAll(async () => {
  wix = createContractWix();
  vi.stubGlobal('fetch', wix.emulator.fetch);
  const gateway = selfHostedGateway({
    appId: APP_ID,
    appSecret: DEV_APP_SECRET,
    policy: async () => generated,
    fetch: wix.emulator.fetch,
    decisionLog: silentSink,
  });
  gatewayServer = await serve(toNodeHandler(gateway.fetch));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await gatewayServer?.close();
});

describeContract('toNodeHandler(selfHostedGateway(...).fetch) on a loopback http server', () => ({
  wix,
  async post(token, body) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    const response = await loopbackFetch(`${gatewayServer.url}/elevate`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return readReply(response);
  },
}));

describe('toNodeHandler', () => {
  const opened: Served[] = [];
  const open = async (...args: Parameters<typeof toNodeHandler>) => {
    const served = await serve(toNodeHandler(...args));
    opened.push(served);
    return served;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('refuses a streamed body past the limit (413) and stops reading it', async () => {
    const gateway = selfHostedGateway({
      appId: APP_ID,
      appSecret: DEV_APP_SECRET,
      policy: async () => generated,
      fetch: wix.emulator.fetch,
      decisionLog: silentSink,
    });
    // The gateway answers its own 413; another handler's answer to a body it could not read becomes one.
    const other = async (request: Request) =>
      request.text().then(
        () => new Response('read it all'),
        () => new Response('could not read', { status: 400 }),
      );
    for (const handler of [gateway.fetch, other]) {
      const served = await open(handler, { maxBodyBytes: 16 * 1024 });
      wix.emulator.reset();
      const total = 256 * 1024 * 1024;
      const reply = await upload(served.url, total);
      expect(reply.status).toBe(413);
      expect(reply.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('larger than'), requestId: expect.any(String) } });
      expect(reply.written).toBeLessThan(total);
      expect(served.sockets[0]!.bytesRead).toBeLessThan(2 * 1024 * 1024);
      expect(wix.emulator.requests).toEqual([]);
    }
  });

  it('a client that hangs up halfway through its body is logged as a bad request (400), nothing reaching Wix, and the server keeps serving', async () => {
    const log = memorySink();
    const gateway = selfHostedGateway({ appId: APP_ID, appSecret: DEV_APP_SECRET, policy: async () => generated, fetch: wix.emulator.fetch, decisionLog: log });
    const served = await open(gateway.fetch);
    wix.emulator.reset();
    const { hostname, port } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const half = '{"module":"stores.productsV3","method":"queryProducts","args":[';
    socket.write(
      `POST /elevate HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: ${devTokens.visitor}\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n${half}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await vi.waitFor(() => expect(log.entries).toHaveLength(1));
    expect(log.entries[0]).toMatchObject({ decision: 'error', code: 'INVALID_REQUEST' });
    expect(wix.emulator.requests).toEqual([]);
    const next = await loopbackFetch(`${served.url}/elevate`, { method: 'POST', headers: { authorization: devTokens.visitor }, body: 'not json' });
    expect(next.status).toBe(400);
  });

  it('refuses a declared length past the limit without calling the handler', async () => {
    const handler = vi.fn(async () => new Response('never'));
    const served = await open(handler, { maxBodyBytes: 1024 });
    const reply = await upload(served.url, 1024 * 1024 * 1024, 1024 * 1024 * 1024);
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(handler).not.toHaveBeenCalled();
    expect(served.sockets[0]!.bytesRead).toBeLessThan(2 * 1024 * 1024);
  });

  it("answers a handler that throws or rejects with the gateway's 500 JSON, no stack, and keeps serving", async () => {
    const failing = [
      () => {
        throw new Error('secret detail at handler.ts:12');
      },
      async () => Promise.reject(new TypeError('another secret detail')),
      async () => new Response(new ReadableStream({ start: (c) => c.error(new Error('body failed')) }), { status: 200 }),
    ];
    for (const [i, fail] of failing.entries()) {
      let calls = 0;
      // Not even async: a handler that throws before returning a promise is caught too.
      const served = await open((() => (calls++ === 0 ? fail() : Promise.resolve(new Response('still serving')))) as never);
      const response = await loopbackFetch(`${served.url}/elevate`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
      if (i < 2) {
        const r = response as Response;
        expect(r.status).toBe(500);
        const text = await r.text();
        expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: INTERNAL_MESSAGE, requestId: expect.any(String) } });
        expect(text).not.toMatch(/secret|stack|\.ts:|at /);
      } else {
        // The status was already sent when the body failed: the connection is cut, the server lives on.
        const failed = response instanceof Response ? await response.text().catch((e: unknown) => e) : response;
        expect(failed).toBeInstanceOf(Error);
      }
      const next = await loopbackFetch(`${served.url}/elevate`, { method: 'POST', body: '{}' });
      expect(await next.text()).toBe('still serving');
    }
  });

  it('discards what a handler left unread within the limit, so the connection serves the next request', async () => {
    const served = await open(async () => (await new Promise((resolve) => setTimeout(resolve, 20)), new Response('answered unread', { status: 401 })), {
      maxBodyBytes: 1024 * 1024,
    });
    const body = 'x'.repeat(512 * 1024);
    for (let i = 0; i < 3; i++) {
      const response = await loopbackFetch(`${served.url}/elevate`, { method: 'POST', body, signal: AbortSignal.timeout(3000) });
      expect([response.status, await response.text()]).toEqual([401, 'answered unread']);
    }
  });

  it('passes the request through: method, headers, body, the Host as origin, never the target', async () => {
    const seen: { url: string; method: string; auth: string | null; body: string }[] = [];
    const served = await open(async (request) => {
      seen.push({ url: request.url, method: request.method, auth: request.headers.get('authorization'), body: await request.text() });
      return new Response('ok', { status: 201, headers: { 'x-one': '1', 'set-cookie': 'a=1' } });
    });
    const port = new URL(served.url).port;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '//other.example/elevate?x=1', headers: { authorization: 'tok' } }, resolve);
      req.on('error', reject);
      req.end('{"a":1}');
    });
    response.resume();
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-one']).toBe('1');
    expect(response.headers['set-cookie']).toEqual(['a=1']);
    expect(seen).toEqual([{ url: `http://127.0.0.1:${port}//other.example/elevate?x=1`, method: 'POST', auth: 'tok', body: '{"a":1}' }]);
  });

  it('gives an empty body when a body parser already read it (no hang)', async () => {
    const gateway = selfHostedGateway({
      appId: APP_ID,
      appSecret: DEV_APP_SECRET,
      policy: async () => generated,
      fetch: wix.emulator.fetch,
      decisionLog: silentSink,
    });
    const handler = toNodeHandler(gateway.fetch);
    const served = await serve((req, res) => {
      req.resume();
      req.on('end', () => handler(req, res));
    });
    opened.push(served);
    const response = await loopbackFetch(`${served.url}/elevate`, { method: 'POST', headers: { authorization: devTokens.visitor }, body: '{"module":"x"}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe('INVALID_REQUEST');
  });
});
