// How the core runs an SDK function with the app's authority: a strategy, so that a Wix-hosted
// backend (Wix's runtime gives `auth.elevate` an elevated client) and a self-hosted one (which
// elevates with the app's own credentials) share one core. dispatch.ts is the only caller.
import { auth } from '@wix/essentials';
import type { Caller } from '../contract/caller.ts';

export type SdkFunction = (...args: any[]) => unknown;

export interface Elevation {
  /**
   * The function, run as the app: same arguments, same result. `caller` is who the gateway verified
   * (a self-hosted backend elevates for the caller's own app instance).
   */
  elevate(fn: SdkFunction, caller: Caller): SdkFunction;
}

/**
 * Wix-hosted backends (the Wix CLI runtimes): `auth.elevate` returns a wrapper that resolves the
 * elevated client at call time, so one wrapper per SDK function serves every request.
 */
export function wixHostedElevation(): Elevation {
  const wrappers = new WeakMap<SdkFunction, SdkFunction>();
  return {
    elevate(fn) {
      let wrapper = wrappers.get(fn);
      if (!wrapper) {
        wrapper = auth.elevate(fn as never) as unknown as SdkFunction;
        wrappers.set(fn, wrapper);
      }
      return wrapper;
    },
  };
}
