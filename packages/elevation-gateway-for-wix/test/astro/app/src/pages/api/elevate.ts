// The app's elevation endpoint, served at /api/elevate: what a user's Astro-based Wix CLI app writes.
import { elevationRoute } from 'elevation-gateway-for-wix/astro';

export const prerender = false;

export const POST = elevationRoute({
  // From .env at build time (Astro inlines it): a token issued for another app is refused.
  appId: import.meta.env.WIX_CLIENT_ID,
  policy: () => import('../../../../../fixtures/shop/src/generated/policy.ts'),
});
