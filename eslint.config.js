// Lint (run by `npm test` through `npm run lint`): the recommended rules of ESLint and
// typescript-eslint, for the sources, tests, benchmarks and tools. Formatting is prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = { console: 'readonly', process: 'readonly', module: 'writable', require: 'readonly', URL: 'readonly' };
const browser = {
  document: 'readonly',
  window: 'readonly',
  fetch: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  navigator: 'readonly',
  setTimeout: 'readonly',
  Response: 'readonly',
};

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/.tmp/', '**/src/generated/', '**/schema/', '**/coverage/', '**/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Tests and the SDK's own loose types use `any` where the shape is what is being tested.
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests match YAML by its indentation, which reads better as spaces than as {n}.
      'no-regex-spaces': 'off',
    },
  },
  // TypeScript checks names itself.
  { files: ['**/*.ts', '**/*.tsx', '**/*.mts'], rules: { 'no-undef': 'off' } },
  { files: ['**/*.cjs', '**/*.mjs', '**/bin/**'], languageOptions: { globals: node } },
  { files: ['**/src/dev/playground/**/*.js'], languageOptions: { globals: browser } },
);
