import { defineConfig } from 'vitest/config';
import { APP_ID } from './src/dev/emulator/tokens';

export default defineConfig({
  // What Wix's runtime defines for an app's backend (api.ts reads it): the emulated app's id.
  define: { 'import.meta.env.APP_ID': JSON.stringify(APP_ID) },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
