// The frontend's way to make an elevated call: `{ module, method, args }` to the gateway's endpoint
// through Wix's authenticated fetch (which adds the caller's token), typed by the SDK's own function
// types for exactly the calls the policy grants.
import { httpClient } from '@wix/essentials';
import { ERROR_STATUS, type ErrorCode, type SuccessReply, type UpstreamSummary } from '../contract/envelopes.ts';
import { ElevateError } from './elevate-error.ts';
import type { CallArgs, CallResult, ElevatedApi, NoCalls, PermittedCall, PermittedCallsShape } from './permitted-call.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ElevateClientOptions {
  /**
   * The endpoint's full URL, as the app's structure serves it; overrides `baseUrl`. The Astro-based
   * CLI: `new URL('/api/elevate', location.origin).href`; the current Wix CLI:
   * `` `${location.origin}${import.meta.env.WIX_SERVER_BASE_PATH || '/'}elevate` ``; self-hosted: where it runs.
   */
  url?: string;
  /** The legacy Wix CLI for Apps' backend base URL; the endpoint is `<baseUrl>/elevate` (default: `import.meta.env.BASE_API_URL`). */
  baseUrl?: string;
  /** How requests are sent (default: `httpClient.fetchWithAuth` from `@wix/essentials`). */
  fetch?: FetchLike;
}

/**
 * The client, typed by the app's own policy: `createElevateClient<PermittedCalls>()` with
 * `PermittedCalls` from the app's src/generated/policy.ts.
 */
export interface ElevateClient<Calls extends PermittedCallsShape = NoCalls> {
  /** `call('ecom.orders.getOrder', 'o-1')` */
  call<C extends PermittedCall<Calls>>(call: C, ...args: Extract<CallArgs<Calls, C>, unknown[]>): Promise<CallResult<Calls, C>>;
  /** `api.ecom.orders.getOrder('o-1')`: the same calls, shaped like the SDK's namespaces. */
  api: ElevatedApi<Calls>;
}

export const ENDPOINT = 'elevate';

function defaultBaseUrl(): string | undefined {
  // Written out literally so that Vite (the Wix CLI's bundler) replaces it at build time; outside
  // Vite (plain Node, tsx) `import.meta.env` does not exist.
  try {
    return import.meta.env.BASE_API_URL;
  } catch {
    return undefined;
  }
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

function readReply(status: number, headers: Headers, text: string): unknown {
  const requestId = headers.get('x-request-id') ?? undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ElevateError({ code: 'BAD_RESPONSE', status, requestId, message: `The gateway's reply is not JSON (HTTP ${status}).` });
  }
  if (body !== null && typeof body === 'object') {
    if (status === 200 && Object.hasOwn(body, 'result')) return (body as SuccessReply).result;
    const error = (body as { error?: unknown }).error as Record<string, unknown> | undefined;
    if (status !== 200 && error && typeof error === 'object' && isErrorCode(error.code) && typeof error.message === 'string') {
      const upstream = error.upstream as UpstreamSummary | undefined;
      const retryAfter = Number(headers.get('retry-after'));
      throw new ElevateError({
        code: error.code,
        status,
        message: error.message,
        requestId: typeof error.requestId === 'string' ? error.requestId : requestId,
        ...(upstream && typeof upstream === 'object' ? { upstream } : {}),
        ...(Number.isFinite(retryAfter) && headers.has('retry-after') ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
  }
  throw new ElevateError({ code: 'BAD_RESPONSE', status, requestId, message: `The gateway's reply does not follow its contract (HTTP ${status}).` });
}

export function createElevateClient<Calls extends PermittedCallsShape = NoCalls>(options: ElevateClientOptions = {}): ElevateClient<Calls> {
  let url: string;
  if (options.url !== undefined) url = options.url;
  else {
    const baseUrl = options.baseUrl ?? defaultBaseUrl();
    if (!baseUrl) {
      throw new TypeError(
        'createElevateClient: no endpoint URL; pass { url } (the Astro-based and current Wix CLI, self-hosted) or { baseUrl }, or run under the legacy Wix CLI for Apps, which sets import.meta.env.BASE_API_URL',
      );
    }
    url = `${baseUrl.replace(/\/+$/, '')}/${ENDPOINT}`;
  }
  const send: FetchLike = options.fetch ?? ((input, init) => httpClient.fetchWithAuth(input, init));

  async function callByName(name: string, args: unknown[]): Promise<unknown> {
    const dot = name.lastIndexOf('.');
    const module = name.slice(0, dot);
    const method = name.slice(dot + 1);
    // A trailing `undefined` would cross JSON as `null`, which the SDK reads as a value.
    const trimmed = [...args];
    while (trimmed.length && trimmed[trimmed.length - 1] === undefined) trimmed.pop();
    let response: Response;
    let text: string;
    try {
      response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ module, method, args: trimmed }),
      });
      text = await response.text();
    } catch (cause) {
      if (cause instanceof ElevateError) throw cause;
      throw new ElevateError({
        code: 'NETWORK_ERROR',
        status: 0,
        message: `The gateway could not be reached: ${(cause as Error)?.message ?? String(cause)}`,
        cause,
      });
    }
    return readReply(response.status, response.headers, text);
  }

  // api.<package>.<namespace>.<method>(...args); `then` and symbols stay undefined so that the
  // proxies are never mistaken for promises or iterables.
  const level = (path: string[]): unknown =>
    new Proxy(Object.create(null), {
      get(_target, key) {
        if (typeof key !== 'string' || key === 'then') return undefined;
        const next = [...path, key];
        if (next.length === 3) return (...args: unknown[]) => callByName(next.join('.'), args);
        return level(next);
      },
    });

  return {
    call: ((name: string, ...args: unknown[]) => callByName(name, args)) as unknown as ElevateClient<Calls>['call'],
    api: level([]) as ElevatedApi<Calls>,
  };
}
