import { defineConfig } from 'vitest/config';
import { APP_ID } from './src/dev/emulator/tokens.ts';
import { SOURCE_ALIASES } from './src/dev/testing/source-aliases.ts';

export default defineConfig({
  // What Wix's runtime defines for an app's backend (api.ts reads it): the emulated app's id.
  define: { 'import.meta.env.APP_ID': JSON.stringify(APP_ID) },
  resolve: { alias: SOURCE_ALIASES.map((a) => ({ find: new RegExp(`^${a.find.replace(/[/.-]/g, '\\$&')}$`), replacement: a.replacement })) },
  test: {
    globalSetup: ['test/build-dist.ts'],
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
