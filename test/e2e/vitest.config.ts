// The repository's end-to-end tests (run by `npm test` after the package's and the example's own):
// the packed package installed into a fresh Wix app, and a policy change to the example. One file
// at a time: each installs packages and runs whole builds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
