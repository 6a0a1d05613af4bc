// A minimal app of the Astro-based Wix CLI: @wix/astro on Node, the gateway's integration listed
// before wix() (its 'pre' middleware must run before @wix/astro's). A user's app imports the
// integration as `elevation-gateway-for-wix/astro`; this fixture takes it from the sources.
import node from '@astrojs/node';
import wix from '@wix/astro';
import { defineConfig } from 'astro/config';
import { elevationGateway } from '../../../src/adapters/astro.ts';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  integrations: [elevationGateway(), wix()],
});
