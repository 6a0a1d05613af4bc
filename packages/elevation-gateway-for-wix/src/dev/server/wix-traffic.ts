// What each gateway request sent to the emulated Wix, for the playground's "reached Wix" panel: every
// request the emulator answered while that gateway request ran (token-info through the global fetch,
// the SDK's REST calls through the runtime's clients), found through an AsyncLocalStorage scope, so
// two requests at once never see each other's traffic.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WixExchange {
  method: string;
  /** Host, path and query string as the emulator received them (the path still percent-encoded). */
  url: string;
  /** The JSON body sent, or the decoded `.r` payload of a GET query; undefined when none. */
  body?: unknown;
  status: number;
  /** The emulator's answer (JSON), cut to MAX_SHOWN characters of text when longer. */
  response?: unknown;
  /** Which emulated route answered (`token-info`, `getOrder`, … or `unknown`). */
  route?: string;
}

/** Replies longer than this are shown cut (the panel is for reading, not for copying data out). */
const MAX_SHOWN = 200_000;
const scope = new AsyncLocalStorage<WixExchange[]>();

/** Runs `fn` (one gateway request) and returns what it sent to Wix beside its own result. */
export async function recordWixTraffic<T>(fn: () => Promise<T>): Promise<{ result: T; exchanges: WixExchange[] }> {
  const exchanges: WixExchange[] = [];
  const result = await scope.run(exchanges, fn);
  return { result, exchanges };
}

/** Wraps the emulator's `handle` so that what it answers inside a recorded request is kept. */
export function recordingHandle(
  handle: (request: Request) => Promise<Response>,
  /** What the emulator recorded of the request it answered with `response` (its route, a GET's decoded payload). */
  describe: (response: Response) => { route?: string; payload?: unknown } | undefined,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const exchanges = scope.getStore();
    if (!exchanges) return handle(request);
    const text = request.body ? await request.clone().text() : '';
    const response = await handle(request);
    const answered = await response.clone().text();
    const recorded = describe(response);
    const url = new URL(request.url);
    // The caller's token goes to token-info in the body: the panel says so without showing it.
    const shownBody = (value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { token?: unknown }).token === 'string'
        ? { ...value, token: "(the caller's token, not shown)" }
        : value;
    exchanges.push({
      method: request.method,
      url: `${url.host}${url.pathname}${url.search}`,
      ...(recorded?.payload !== undefined ? { body: recorded.payload } : text ? { body: shownBody(parseOrText(text)) } : {}),
      status: response.status,
      ...(answered
        ? { response: answered.length > MAX_SHOWN ? `${answered.slice(0, MAX_SHOWN)}… (${answered.length} characters)` : parseOrText(answered) }
        : {}),
      ...(recorded?.route ? { route: recorded.route } : {}),
    });
    return response;
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
