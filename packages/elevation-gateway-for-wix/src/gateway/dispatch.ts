// The only place the gateway calls an SDK function, and it always does so elevated, through the
// gateway's elevation strategy (elevation.ts). Every call races a timer: the SDK takes no abort
// signal, so a timed-out write may still happen.
import type { MethodInfo } from '../sdk/method-info.ts';
import { GatewayError, internal, invalid } from './errors.ts';
import type { UpstreamSummary } from '../contract/envelopes.ts';
import type { Elevation, SdkFunction } from './elevation.ts';
import { runBuilderQuery } from './builder-query.ts';
import type { Caller } from '../contract/caller.ts';

export type { SdkFunction } from './elevation.ts';

/** Wix's status and application error code, and nothing else of Wix's error. */
export function upstreamOf(error: unknown): UpstreamSummary | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; response?: { status?: unknown }; details?: { applicationError?: { code?: unknown } } };
  const status = typeof e.status === 'number' ? e.status : typeof e.response?.status === 'number' ? e.response.status : undefined;
  if (status === undefined) return undefined;
  const code = e.details?.applicationError?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,80}$/.test(code) ? { status, code } : { status };
}

export async function dispatch(elevation: Elevation, fn: SdkFunction, info: MethodInfo, args: unknown[], timeoutMs: number, caller: Caller): Promise<unknown> {
  // Query methods with a builder overload always get their data overload: (query, options).
  const callArgs = info.queryOverload && !info.signature.builder ? [args[0] ?? {}, args[1] ?? {}, ...args.slice(2)] : args;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GatewayError(
            'UPSTREAM_TIMEOUT',
            info.kind === 'write' || info.kind === 'write-one'
              ? `Wix did not answer within ${timeoutMs} ms. The write may still complete at Wix: check before retrying.`
              : `Wix did not answer within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const call = elevation.elevate(fn, caller);
    // A builder-only query: its JSON form runs on the builder the elevated function returns.
    const pending = info.signature.builder && info.list ? runBuilderQuery(call, args, info.list.queryArg) : call(...callArgs);
    const result = await Promise.race([pending, timeout]);
    if (result !== null && typeof result === 'object' && typeof (result as { find?: unknown }).find === 'function' && !Array.isArray(result)) {
      throw internal('the SDK returned a query builder');
    }
    return result;
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const upstream = upstreamOf(error);
    // 429 is about the app's quota, not the call: try again later.
    if (upstream?.status === 429)
      throw new GatewayError('UPSTREAM_UNAVAILABLE', "Wix is limiting this app's calls right now; try again later.", {}, 'Wix answered 429');
    if (upstream) throw new GatewayError('UPSTREAM_ERROR', `Wix answered ${upstream.status}.`, { upstream }, 'upstream error');
    // Wix Data's SDK validates some arguments itself, before any request (`WDE0035: Invalid skip …`).
    const sdkCode = error instanceof Error ? /^(WDE\d{4}):/.exec(error.message)?.[1] : undefined;
    if (sdkCode) throw invalid(`the SDK refused the arguments (${sdkCode})`);
    throw new GatewayError('UPSTREAM_ERROR', 'Wix could not be reached.', {}, `SDK call failed: ${error instanceof Error ? error.name : typeof error}`);
  } finally {
    clearTimeout(timer);
  }
}
