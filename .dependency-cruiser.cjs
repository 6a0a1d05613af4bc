// Import boundaries of the tree (run by `npm test` through `npm run lint:imports`): the folders are
// the pipeline, and each layer imports only what is below it. Test files may import test helpers.
const TESTS = '(\\.test\\.ts|\\.property\\.[a-z]+\\.ts|\\.typecheck\\.ts)$';
const NODE_ONLY = '^(node:)?(fs|path|url|module|child_process|os|crypto|net|http|worker_threads)$';
// The package's sources; the example app and fixtures import it by its name only.
const SRC = '^packages/elevation-gateway-for-wix/src/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No file may reach itself through its imports.', from: {}, to: { circular: true } },
    {
      name: 'core-is-runtime-only',
      severity: 'error',
      comment:
        'The gateway core ships to workerd: no build-time code (compiler, SDK reader and catalogue), no reviewer tools, no CLI, no dev runtime, no Node-only modules.',
      from: { path: SRC + 'gateway/', pathNot: TESTS },
      to: {
        path: [
          SRC + '(policy|review|cli|dev|client|dashboard|backend)/',
          SRC + 'sdk/(catalogue|signature-reader|list-shape)\\.ts$',
          '^node_modules/typescript/',
        ],
      },
    },
    { name: 'core-no-node-builtins', severity: 'error', from: { path: SRC + 'gateway/', pathNot: TESTS }, to: { dependencyTypes: ['core'], path: NODE_ONLY } },
    {
      name: 'shared-ground-below-all',
      severity: 'error',
      comment: 'src/contract and src/conditions are imported by the compiler and the core alike, and import neither.',
      from: { path: SRC + '(contract|conditions)/', pathNot: TESTS },
      to: { path: SRC + '(gateway|policy|review|cli|dev|client|dashboard|backend|generated)/' },
    },
    {
      name: 'sdk-below-compiler-and-core',
      severity: 'error',
      from: { path: SRC + 'sdk/', pathNot: TESTS },
      to: { path: SRC + '(gateway|policy|review|cli|dev|client|dashboard|backend|generated)/' },
    },
    {
      name: 'compiler-beside-core',
      severity: 'error',
      comment: 'The compiler and the core share src/conditions and src/contract; neither imports the other.',
      from: { path: SRC + 'policy/', pathNot: TESTS },
      to: { path: SRC + '(gateway|review|cli|dev|client|dashboard|backend)/' },
    },
    {
      name: 'reviewer-tools-below-cli',
      severity: 'error',
      from: { path: SRC + 'review/', pathNot: TESTS },
      to: { path: SRC + '(cli|dev|client|dashboard|backend)/' },
    },
    {
      name: 'client-reads-the-contract-only',
      severity: 'error',
      comment: "The frontend client shares the wire envelopes with the gateway, and takes its types from the app's generated module (a type parameter).",
      from: { path: SRC + 'client/', pathNot: TESTS },
      to: { path: SRC + '(gateway|policy|review|cli|dev|sdk|conditions|backend)/' },
    },
    {
      name: 'adapter-is-thin',
      severity: 'error',
      comment: 'A runtime adapter hands the core the request its runtime gives it: nothing else.',
      from: { path: SRC + 'adapters/', pathNot: TESTS },
      to: { path: SRC + '(policy|review|cli|dev|client|sdk|conditions)/' },
    },
    {
      name: 'shipped-code-has-no-dev-tooling',
      severity: 'error',
      comment:
        'The runtime, the adapters, the client and the CLI never reach the local dev tooling (its vite and msw are optional peers), the tests or their fixtures; `elevate dev` is the one way in.',
      from: { path: SRC, pathNot: [TESTS, SRC + 'dev/', SRC + 'cli/dev-command\\.ts$'] },
      to: { path: [SRC + 'dev/', '^packages/elevation-gateway-for-wix/(test|bench)/'] },
    },
    {
      name: 'dev-command-loads-the-server-lazily',
      severity: 'error',
      comment:
        '`elevate dev` imports the local server only when it runs (a dynamic import, after checking vite and msw resolve), so that no other command loads them.',
      from: { path: SRC + 'cli/dev-command\\.ts$' },
      to: { path: SRC + 'dev/', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'shipped-dev-tooling-has-no-test-support',
      severity: 'error',
      comment: 'src/dev ships (`elevate dev`) but src/dev/testing does not: only tests and the test support itself import it.',
      from: { path: SRC, pathNot: [TESTS, SRC + 'dev/testing/'] },
      to: { path: [SRC + 'dev/testing/', '^packages/elevation-gateway-for-wix/(test|bench)/'] },
    },
    {
      name: 'product-never-reads-an-example',
      severity: 'error',
      comment: "The product's code and tests never depend on an example app: a user's policy change may fail only the user's gates.",
      from: { path: '^packages/' },
      to: { path: '^examples/' },
    },
    {
      name: 'example-uses-the-package-by-name',
      severity: 'error',
      comment: 'The example imports elevation-gateway-for-wix as any app does (its compiled exports), never its sources.',
      from: { path: '^examples/' },
      to: { path: '^packages/elevation-gateway-for-wix/(src|test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
    exclude: { path: ['(^|/)node_modules/', '(^|/)\\.tmp/', '^\\.git/', '(^|/)dist/'] },
  },
};
