// Import boundaries of the tree (run by `npm test` through `npm run lint:imports`): the folders are
// the pipeline, and each layer imports only what is below it. Test files may import test helpers.
const TESTS = '(\\.test\\.ts|\\.property\\.[a-z]+\\.ts|\\.typecheck\\.ts)$';
const NODE_ONLY = '^(node:)?(fs|path|url|module|child_process|os|crypto|net|http|worker_threads)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No file may reach itself through its imports.', from: {}, to: { circular: true } },
    {
      name: 'core-is-runtime-only',
      severity: 'error',
      comment:
        'The gateway core ships to workerd: no build-time code (compiler, SDK reader and catalogue), no reviewer tools, no CLI, no dev runtime, no Node-only modules.',
      from: { path: '^src/gateway/', pathNot: TESTS },
      to: {
        path: ['^src/(policy|review|cli|dev|client|dashboard|backend)/', '^src/sdk/(catalogue|signature-reader|list-shape)\\.ts$', '^node_modules/typescript/'],
      },
    },
    { name: 'core-no-node-builtins', severity: 'error', from: { path: '^src/gateway/', pathNot: TESTS }, to: { dependencyTypes: ['core'], path: NODE_ONLY } },
    {
      name: 'shared-ground-below-all',
      severity: 'error',
      comment: 'src/contract and src/conditions are imported by the compiler and the core alike, and import neither.',
      from: { path: '^src/(contract|conditions)/', pathNot: TESTS },
      to: { path: '^src/(gateway|policy|review|cli|dev|client|dashboard|backend|generated)/' },
    },
    {
      name: 'sdk-below-compiler-and-core',
      severity: 'error',
      from: { path: '^src/sdk/', pathNot: TESTS },
      to: { path: '^src/(gateway|policy|review|cli|dev|client|dashboard|backend|generated)/' },
    },
    {
      name: 'compiler-beside-core',
      severity: 'error',
      comment: 'The compiler and the core share src/conditions and src/contract; neither imports the other.',
      from: { path: '^src/policy/', pathNot: TESTS },
      to: { path: '^src/(gateway|review|cli|dev|client|dashboard|backend)/' },
    },
    {
      name: 'reviewer-tools-below-cli',
      severity: 'error',
      from: { path: '^src/review/', pathNot: TESTS },
      to: { path: '^src/(cli|dev|client|dashboard|backend)/' },
    },
    {
      name: 'client-reads-the-contract-only',
      severity: 'error',
      comment: 'The frontend client shares the wire envelopes with the gateway, and takes its types from the generated module.',
      from: { path: '^src/client/', pathNot: TESTS },
      to: { path: '^src/(gateway|policy|review|cli|dev|sdk|conditions|backend)/' },
    },
    {
      name: 'adapter-is-thin',
      severity: 'error',
      from: { path: '^src/backend/', pathNot: TESTS },
      to: { path: '^src/(policy|review|cli|dev|client|sdk)/' },
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
    exclude: { path: '^(node_modules|\\.tmp|\\.git)/' },
  },
};
