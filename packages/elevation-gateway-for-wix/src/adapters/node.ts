// Node's http (and Express): a web-standard handler (`selfHostedGateway(...).fetch`) served from an
// IncomingMessage, its reply written to the ServerResponse. The body is streamed to the handler
// and never read past the limit; whatever fails is the gateway's 500 reply, never an exception
// into Node, never a stack trace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ERROR_STATUS, INTERNAL_MESSAGE, type ErrorCode, type ErrorReply } from '../contract/envelopes.ts';
import { GatewayError } from '../gateway/errors.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length']);

export interface NodeHandlerOptions {
  /**
   * Most body bytes ever read (default 1 MiB); past it the reply is 413 and the connection is left
   * unread until the server's keep-alive timeout. Keep it ≥ the policy's `limits.bodyBytes`, so the
   * gateway answers first.
   */
  maxBodyBytes?: number;
  /** The public origin requests are addressed to (`https://api.example.com`), instead of the Host header (e.g. behind a proxy). */
  origin?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function reply(res: ServerResponse, code: ErrorCode, message: string): void {
  const requestId = crypto.randomUUID();
  const body: ErrorReply = { error: { code, message, requestId } };
  res.writeHead(ERROR_STATUS[code], { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': requestId });
  res.end(JSON.stringify(body));
}

/**
 * The body as a web stream, read only as fast as the handler reads it. Past `max` bytes Node's
 * stream is paused for good (backpressure stops the socket): no byte more is read, not even to
 * discard it. What the handler leaves unread within `max` is discarded after the reply, so the
 * connection can serve the next request.
 */
function bodyOf(req: IncomingMessage, max: number, tooLarge: () => Error) {
  let size = 0;
  let state: 'streaming' | 'discarding' | 'done' = 'streaming';
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > max) {
      req.off('data', onData).pause();
      if (state === 'streaming') controller.error(tooLarge());
      state = 'done';
    } else if (state === 'streaming') {
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if ((controller.desiredSize ?? 0) <= 0) req.pause();
    }
  };
  const discard = () => {
    if (state === 'streaming') state = 'discarding';
    if (state === 'discarding') req.resume();
  };
  const end = (error?: unknown) => {
    if (state === 'streaming') {
      if (error === undefined) controller.close();
      else controller.error(error);
    }
    state = 'done';
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Already read (a body parser ran first): an empty body, not a wait for data that never comes.
      if (req.readableEnded) return end();
      req.on('data', onData).pause();
      req.once('end', () => end());
      req.once('error', end);
    },
    pull() {
      if (state === 'streaming') req.resume();
    },
    cancel: discard,
  });
  return {
    stream,
    discard,
    get overflowed() {
      return size > max;
    },
  };
}

/** `http.createServer(toNodeHandler(gateway.fetch))`, or `app.post('/elevate', toNodeHandler(gateway.fetch))` before any body parser. */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(max) || max < 0) throw new RangeError('toNodeHandler: maxBodyBytes must be an integer ≥ 0');
  if (options.origin !== undefined && !/^https?:\/\/[^/\s]+$/.test(options.origin)) throw new TypeError('toNodeHandler: origin is scheme://host[:port]');
  const tooLargeMessage = `the body is larger than ${max} bytes`;

  async function serve(req: IncomingMessage, res: ServerResponse, body: ReturnType<typeof bodyOf> | undefined): Promise<void> {
    const host = req.headers.host;
    if (!options.origin && (host === undefined || !HOST.test(host))) return reply(res, 'INVALID_REQUEST', 'a valid Host header is required');
    // Concatenated, never resolved: a target such as `//other.host/` must not change the origin.
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const url =
      (options.origin ?? `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${host}`) + (target.startsWith('/') ? target : '/');
    const aborted = new AbortController();
    res.once('close', () => res.writableFinished || aborted.abort());
    let request: Request;
    try {
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
        if (!req.rawHeaders[i]!.startsWith(':')) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      request = new Request(url, { method: req.method, headers, body: body?.stream ?? null, signal: aborted.signal, duplex: 'half' } as RequestInit);
    } catch {
      return reply(res, 'INVALID_REQUEST', 'the request could not be read (use POST with a JSON body)');
    }

    const response = await handler(request);
    // A handler other than the gateway may answer a body it could not read as it likes: it is a 413.
    if (body?.overflowed && response.status !== 413) {
      await response.body?.cancel();
      return reply(res, 'PAYLOAD_TOO_LARGE', tooLargeMessage);
    }
    const out: Record<string, string | string[]> = {};
    // Hop-by-hop headers are this connection's business (Node sets them), never a handler's.
    response.headers.forEach((value, key) => void (key === 'set-cookie' || HOP_BY_HOP.has(key) || (out[key] = value)));
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    res.writeHead(response.status, out);
    if (!response.body || req.method === 'HEAD') return void res.end();
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
  }

  return (req, res) => {
    let body: ReturnType<typeof bodyOf> | undefined;
    const declared = Number(req.headers['content-length'] ?? 0);
    const failed = () => {
      try {
        if (!res.headersSent) reply(res, 'INTERNAL', INTERNAL_MESSAGE);
        else res.destroy();
      } catch {
        res.destroy();
      }
    };
    try {
      if (declared > max) {
        // Marked as being read, then paused: Node would otherwise read the whole declared body to discard it.
        req.pause().read(0);
        return reply(res, 'PAYLOAD_TOO_LARGE', tooLargeMessage);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') body = bodyOf(req, max, () => new GatewayError('PAYLOAD_TOO_LARGE', tooLargeMessage));
    } catch {
      return failed();
    }
    serve(req, res, body)
      .catch(failed)
      .finally(() => body?.discard());
  };
}
