// Node's http request and response ↔ the web Request and Response the gateway speaks. The body is
// streamed, so the gateway's own size limit (413) decides how much of it is ever read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** The whole body, when it is at most `max` bytes (then `ok: false`, and the rest is not read). */
export async function readBody(req: IncomingMessage, max: number): Promise<{ ok: true; bytes: Buffer; text: string } | { ok: false }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.resume();
      return { ok: false };
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  return { ok: true, bytes, text: bytes.toString('utf8') };
}

/** The web Request for `req`; `body`: bytes already read from it (else the body is streamed). */
export function toWebRequest(req: IncomingMessage, origin: string, body?: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(hasBody ? (body ? { body } : { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }) : {}),
  } as RequestInit);
}

export async function sendWebResponse(res: ServerResponse, response: Response, extraHeaders: Record<string, string> = {}): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, { ...headers, ...extraHeaders, 'content-length': String(body.length) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
