// The same app with the integrations in the wrong order: the build must refuse it.
import node from '@astrojs/node';
import wix from '@wix/astro';
import { defineConfig } from 'astro/config';
import { elevationGateway } from '../../../src/adapters/astro.ts';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  integrations: [wix(), elevationGateway()],
});
