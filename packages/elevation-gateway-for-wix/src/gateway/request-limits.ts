// Bounds on what a request may be, each checked before work that grows with the input: the body
// stream is not read past the byte limit, nesting is measured on the text before JSON.parse, and
// strings, arrays and keys are bounded before anything walks the arguments.
import type { Limits } from '../contract/compiled-policy.ts';
import { GatewayError, invalid } from './errors.ts';
import { CURSOR_MAX_LENGTH } from './obligations/signed-cursor.ts';

/** Keys that shadow Object.prototype members make the SDK throw; they are refused up front. */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalid('the body is not valid UTF-8');
  }
}

export async function readBodyText(request: Request, limits: Limits): Promise<string> {
  const tooLarge = () => new GatewayError('PAYLOAD_TOO_LARGE', `the body is larger than ${limits.bodyBytes} bytes`);
  const declared = request.headers.get('content-length');
  const declaredBytes = declared !== null && /^\d{1,15}$/.test(declared) ? Number(declared) : undefined;
  if (declaredBytes !== undefined && declaredBytes > limits.bodyBytes) throw tooLarge();
  if (!request.body) return '';
  // Read chunk by chunk even when a length is declared: a Request built in code can carry a
  // stream longer than its Content-Length, and nothing past the limit is ever read.
  // The reader keeps its lock: the body is this request's alone, read once (releasing it makes
  // Node build a "Reader released" TypeError, which costs 2 ms on a fresh process's first request).
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The stream broke (a client gone mid-body, say): the request is what is wrong, and what
      // broke it stays out of the reply and the log.
      throw invalid('the body could not be read');
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > limits.bodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return decode(chunks[0]!);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return decode(bytes);
}

/** Nesting depth of a JSON text, measured without parsing it. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function parseJsonBody(text: string, limits: Limits): unknown {
  if (text.trim() === '') throw invalid('the body is empty: send JSON { module, method, args }');
  if (jsonDepthExceeds(text, limits.jsonDepth)) throw invalid(`the body is nested deeper than ${limits.jsonDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('the body is not valid JSON');
  }
}

/** Walks the parsed body once: string and array lengths, key counts, prototype-shadowing keys. */
export function checkShape(value: unknown, limits: Limits, path = 'body'): void {
  if (typeof value === 'string') {
    // A cursor carries its listing's first page, so it may be longer than other strings (as long as the SDK allows).
    const max = path.endsWith('.cursorPaging.cursor') ? Math.max(limits.stringLength, CURSOR_MAX_LENGTH) : limits.stringLength;
    if (value.length > max) throw invalid(`${path}: string longer than ${max} characters`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (value.length > limits.arrayLength) throw invalid(`${path}: array longer than ${limits.arrayLength} items`);
    value.forEach((v, i) => checkShape(v, limits, `${path}.${i}`));
    return;
  }
  const keys = Object.keys(value);
  if (keys.length > limits.arrayLength) throw invalid(`${path}: object with more than ${limits.arrayLength} keys`);
  for (const key of keys) {
    if (key.length > limits.stringLength) throw invalid(`${path}: key longer than ${limits.stringLength} characters`);
    if (PROTOTYPE_KEYS.has(key)) throw invalid(`${path}: the key "${key}" is not allowed (it shadows a built-in property)`);
    checkShape((value as Record<string, unknown>)[key], limits, `${path}.${key}`);
  }
}
