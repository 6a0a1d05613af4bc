// The token-info answers the Astro middleware and the Astro endpoint share: the middleware's check
// of a caller makes the gateway's own check of the same request a cache hit. Kept on globalThis
// because Vite may bundle the middleware while the endpoint loads the package from node_modules:
// two copies of this module, one cache.
import type { IdentityCache } from '../gateway/caller.ts';
import { createIdentityCache } from '../gateway/identity-cache.ts';

const KEY = Symbol.for('elevation-gateway-for-wix/astro-identity-cache');
const shared = globalThis as { [KEY]?: IdentityCache };

export const astroIdentityCache: IdentityCache = (shared[KEY] ??= createIdentityCache());
