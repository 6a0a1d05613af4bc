// What the Astro middleware imports from Astro's build: the route the integration was given, and
// the app id @wix/astro declares in its env schema (from .env at build time, as @wix/astro reads it).
declare module 'virtual:elevation-gateway-for-wix/astro-route' {
  export const route: string;
}
declare module 'astro:env/client' {
  export const WIX_CLIENT_ID: string;
}
