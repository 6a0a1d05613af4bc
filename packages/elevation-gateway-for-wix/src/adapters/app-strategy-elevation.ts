// Elevation for a self-hosted backend, which has no Wix runtime to hand it an elevated client: the
// app's own credentials, for the caller's app instance as token-info verified it (`caller.instanceId`;
// nothing in a request names it). One Wix client per instance, authenticated by @wix/sdk's
// AppStrategy, which exchanges the app secret for an instance token (`/oauth2/token`,
// client_credentials) and reuses it until it expires; the clients are kept in a bounded LRU.
import { AppStrategy, createClient } from '@wix/sdk';
import type { Elevation, SdkFunction } from '../gateway/elevation.ts';
import { GatewayError, internal } from '../gateway/errors.ts';

export interface AppStrategyElevationOptions {
  appId: string;
  /**
   * The app's secret key (Wix Dev Center, OAuth). Read it from the environment where the backend
   * starts, e.g. `appSecret: process.env.WIX_APP_SECRET ?? ''`: never in code, never in a bundle.
   */
  appSecret: string;
  /** Most instances whose client (and token) is kept at once (default 1000); the least recently used goes first. */
  maxInstances?: number;
  /**
   * The fetch the SDK's REST calls go through (default: the global fetch). AppStrategy itself asks
   * `/oauth2/token` with the global fetch whatever is given here (@wix/sdk 1.21.16).
   */
  fetch?: typeof fetch;
}

export const DEFAULT_MAX_INSTANCES = 1000;
/** A token exchange that has not answered by then is given up (the next call starts another). */
const EXCHANGE_TIMEOUT_MS = 10_000;

interface InstanceClient {
  /** The instance token, from AppStrategy's cache or a new exchange. */
  authorize(): Promise<unknown>;
  /** The SDK function bound to this instance's client (once per function). */
  use(fn: SdkFunction): SdkFunction;
}

/** AppStrategy throws a plain Error naming Wix OAuth's status: a 4xx is the app's credentials or installation, the rest an outage. */
function exchangeFailure(error: unknown): GatewayError {
  const status = /Wix OAuth API: (\d{3})\b/.exec(error instanceof Error ? error.message : '')?.[1];
  if (status !== undefined && Number(status) < 500 && status !== '429') {
    return internal(`Wix OAuth refused the app's token for the caller's instance (${status}): a wrong appSecret, or the app is not installed there`);
  }
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    'Wix could not be reached right now; try again later.',
    {},
    `no app token for the instance (${status ? `Wix OAuth answered ${status}` : 'no answer'})`,
  );
}

export function appStrategyElevation(options: AppStrategyElevationOptions): Elevation & { readonly size: number } {
  const { appId, appSecret, fetch: restFetch } = options;
  if (typeof appId !== 'string' || appId.trim() === '') throw new TypeError("appStrategyElevation: appId is required (the app's id)");
  if (typeof appSecret !== 'string' || appSecret.trim() === '') {
    throw new TypeError("appStrategyElevation: appSecret is missing or empty: pass the app's secret key from the environment, e.g. process.env.WIX_APP_SECRET");
  }
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  if (!Number.isInteger(maxInstances) || maxInstances < 1) throw new RangeError('appStrategyElevation: maxInstances must be an integer ≥ 1');

  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const instances = new Map<string, InstanceClient>();

  function instanceClient(instanceId: string): InstanceClient {
    const known = instances.get(instanceId);
    if (known) {
      instances.delete(instanceId);
      instances.set(instanceId, known);
      return known;
    }
    const strategy = AppStrategy({ appId, appSecret, instanceId });
    // Concurrent first calls for an instance share one exchange, so does the SDK's own header lookup.
    let pending: Promise<Awaited<ReturnType<typeof strategy.getAuthHeaders>>> | undefined;
    const getAuthHeaders = () => {
      if (pending) return pending;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the token exchange timed out')), EXCHANGE_TIMEOUT_MS);
      });
      pending = Promise.race([strategy.getAuthHeaders(undefined), timeout]).finally(() => {
        clearTimeout(timer);
        pending = undefined;
      });
      return pending;
    };
    const client = createClient({ auth: { ...strategy, getAuthHeaders }, ...(restFetch ? { fetch: restFetch } : {}) });
    const bound = new WeakMap<SdkFunction, SdkFunction>();
    const entry: InstanceClient = {
      authorize: getAuthHeaders,
      use(fn) {
        let call = bound.get(fn);
        if (!call) {
          call = client.use(fn as never) as SdkFunction;
          bound.set(fn, call);
        }
        return call;
      },
    };
    instances.set(instanceId, entry);
    while (instances.size > maxInstances) instances.delete(instances.keys().next().value!);
    return entry;
  }

  return {
    get size() {
      return instances.size;
    },
    elevate(fn, caller) {
      // The core refuses such a caller before this (401); never elevate on a guess either way.
      if (typeof caller?.instanceId !== 'string' || caller.instanceId === '') throw internal('elevation: the caller has no app instance');
      const instance = instanceClient(caller.instanceId);
      const call = instance.use(fn);
      return async (...args: unknown[]) => {
        // The token first, so that its failure is the gateway's answer, not an SDK error.
        await instance.authorize().catch((error: unknown) => {
          throw exchangeFailure(error);
        });
        return call(...args);
      };
    },
  };
}
