/**
 * Import boundaries of DESIGN.md's "Folders and what each may import", and no import cycles,
 * type-only ones included. Run by `npm run lint` and by `npm test` (scripts/test.ts).
 *
 * Paths are regular expressions over repository-relative paths. A unit test (`*.test.ts(x)`)
 * obeys its folder's rules, and may also use test/support/.
 */

const TEST = '\\.test\\.tsx?$';
/** Server and UI frameworks: none of them belongs in engine/ or rules/. */
const FRAMEWORKS = [
  '^node_modules/(@types/)?(mongoose|mongodb|express|react|react-dom)/',
  '^node_modules/@xyflow/',
  '^node_modules/@temporalio/',
];
const IO_LIBRARIES = '^node_modules/(@types/)?(mongoose|mongodb|express)/';
/**
 * Files in workflows/ that do not run in the workflow sandbox: activities (I/O, injected), the
 * worker's entry and factory, and rescore-progress.ts (read by the API and the benchmark through
 * a Temporal client). Every other file there is workflow code, or code it may bundle.
 */
const NOT_WORKFLOW_CODE = ['\\.activities\\.ts$', '^workflows/(worker|create-worker|rescore-progress)\\.ts$'];
/** The worker process's preload (`node --require`): it sets up the SDK's workflow threads, and is never bundled. */
const WORKER_PRELOAD = '^workflows/worker-threads\\.cjs$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'DESIGN.md forbids import cycles, type-only ones included: move the shared declarations to the module that owns them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved cannot be checked against the rules below.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-scripts-in-source',
      severity: 'error',
      comment: 'scripts/ (start, test, benchmarks, tools) is imported by nothing in the source folders.',
      from: { path: '^(engine|rules|workflows|api|builder-ui)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'no-test-code-in-source',
      severity: 'error',
      comment: 'Source files never import test/ or test data (datasets/); unit tests may use test/support/ and datasets/.',
      from: { path: '^(engine|rules|workflows|api|builder-ui)/', pathNot: TEST },
      to: { path: '^(test|datasets)/' },
    },
    {
      name: 'unit-tests-only-test-support',
      severity: 'error',
      comment: 'Unit tests beside their code may use test/support/, not the cross-folder tests or fixtures in test/.',
      from: { path: '^(engine|rules|workflows|api|builder-ui)/' },
      to: { path: '^test/', pathNot: '^test/support/' },
    },

    // engine/: npm libraries only; no I/O, no Node built-ins, no mongoose/express/react/Temporal.
    {
      name: 'engine-no-node-builtins',
      severity: 'error',
      comment: 'engine/ runs in the workflow sandbox and the browser: no Node built-ins.',
      from: { path: '^engine/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'engine-no-frameworks',
      severity: 'error',
      comment: 'engine/ imports npm libraries only: no mongoose, mongodb, express, react or Temporal.',
      from: { path: '^engine/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'engine-only-engine',
      severity: 'error',
      comment: 'engine/ imports nothing of the project outside engine/.',
      from: { path: '^engine/', pathNot: TEST },
      to: { dependencyTypes: ['local'], pathNot: '^engine/' },
    },
    {
      name: 'engine-tests-only-engine-and-rules',
      severity: 'error',
      comment:
        "engine/'s unit tests build their compiled-model fixtures with rules/ (the compiler, templates and graph arbitraries: the only producer of compiled models). Tests ship nowhere, so engine/ itself still depends on nothing.",
      from: { path: `^engine/.*${TEST}` },
      to: { dependencyTypes: ['local'], pathNot: ['^engine/', '^rules/', '^test/support/'] },
    },

    // rules/: engine/ and npm libraries.
    {
      name: 'rules-no-node-builtins',
      severity: 'error',
      comment: 'rules/ runs in the browser (the builder UI validates graphs): no Node built-ins.',
      from: { path: '^rules/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'rules-no-frameworks',
      severity: 'error',
      comment: 'rules/ imports npm libraries and engine/ only: no mongoose, mongodb, express, react or Temporal.',
      from: { path: '^rules/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'rules-only-engine',
      severity: 'error',
      comment: 'rules/ imports engine/ and nothing else of the project.',
      from: { path: '^rules/' },
      to: { dependencyTypes: ['local'], pathNot: ['^rules/', '^engine/', '^test/support/'] },
    },

    // workflows/: workflow code is deterministic and bundled into Temporal's sandbox; activities get their I/O injected.
    {
      name: 'workflows-no-node-builtins',
      severity: 'error',
      comment: 'Nothing under workflows/ uses Node built-ins (workflow code is sandboxed; activities get their I/O injected). Tests may, and so may the worker process\'s preload.',
      from: { path: '^workflows/', pathNot: [TEST, WORKER_PRELOAD] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'workflows-no-io-libraries',
      severity: 'error',
      comment: 'Activities get their I/O injected (repositories are handed in by the worker entry), and workflow code does none.',
      from: { path: '^workflows/' },
      to: { path: [IO_LIBRARIES, '^node_modules/(@types/)?(react|react-dom)/'] },
    },
    {
      name: 'workflows-not-to-api',
      severity: 'error',
      comment: 'workflows/ imports nothing from api/; only the worker entry (a composition root) wires real I/O.',
      from: { path: '^workflows/', pathNot: '^workflows/worker\\.ts$' },
      to: { path: '^api/' },
    },
    {
      name: 'worker-entry-wires-io-only',
      severity: 'error',
      comment:
        "The worker entry is a composition root (DESIGN.md): it may take the repositories, env parsing and webhook notifier it hands to the activities, never the API's app, routers or services.",
      from: { path: '^workflows/worker\\.ts$' },
      to: { path: '^api/', pathNot: ['^api/db/', '^api/env\\.ts$', '^api/webhooks/'] },
    },
    {
      name: 'workflow-code-only-engine',
      severity: 'error',
      comment: 'Workflow code imports @temporalio/workflow, engine/ and shared definitions only.',
      from: { path: '^workflows/', pathNot: [TEST, ...NOT_WORKFLOW_CODE] },
      to: { dependencyTypes: ['local'], pathNot: ['^workflows/', '^engine/'] },
    },
    {
      name: 'workflow-code-no-activities-at-runtime',
      severity: 'error',
      comment: "Workflow code may name the activities' types, but importing their code would bundle it into the sandbox.",
      from: { path: '^workflows/', pathNot: [TEST, ...NOT_WORKFLOW_CODE] },
      to: { path: NOT_WORKFLOW_CODE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflow-code-no-temporal-client-or-worker',
      severity: 'error',
      comment: "The sandbox runs @temporalio/workflow, not the client, worker, activity or testing packages (their types are fine).",
      from: { path: '^workflows/', pathNot: [TEST, ...NOT_WORKFLOW_CODE] },
      to: { path: '^node_modules/@temporalio/(client|worker|activity|testing|proto)/', dependencyTypesNot: ['type-only'] },
    },

    // api/: engine/, rules/, workflow definitions (types, signals); api/contracts/ only engine/ and rules/.
    {
      name: 'api-only-workflow-definitions',
      severity: 'error',
      comment:
        "api/ imports workflow definitions (*.definitions.ts) and types; besides, only the Temporal-free simulation (simulate-lead.ts), the first life a new lead is started with in bulk (first-life.ts) and the client-side progress reader (rescore-progress.ts).",
      from: { path: '^api/' },
      to: {
        path: '^workflows/',
        pathNot: ['\\.definitions\\.ts$', '^workflows/(simulate-lead|rescore-progress|first-life)\\.ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'api-not-to-workflow-io',
      severity: 'error',
      comment: 'Types the API shares with activities belong in the workflow definitions; the worker is not the API.',
      from: { path: '^api/' },
      to: { path: ['\\.activities\\.ts$', '^workflows/(worker|create-worker|all\\.workflows)\\.ts$'] },
    },
    {
      name: 'api-not-to-ui',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^builder-ui/' },
    },
    {
      name: 'api-contracts-only-engine-and-rules',
      severity: 'error',
      comment: "api/contracts/ is browser-safe: it imports engine/ and rules/ (and npm libraries such as zod) only.",
      from: { path: '^api/contracts/' },
      to: { dependencyTypes: ['local'], pathNot: ['^api/contracts/', '^engine/', '^rules/', '^test/support/'] },
    },
    {
      name: 'api-contracts-browser-safe',
      severity: 'error',
      comment: 'api/contracts/ is imported by the builder UI: no Node built-ins, no server frameworks.',
      from: { path: '^api/contracts/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'api-contracts-no-node-builtins',
      severity: 'error',
      from: { path: '^api/contracts/' },
      to: { dependencyTypes: ['core'] },
    },

    // builder-ui/: rules/, engine/, api/contracts/ and its own files; the API over HTTP.
    {
      name: 'builder-ui-allowed-folders',
      severity: 'error',
      comment: 'builder-ui/ imports rules/, engine/, api/contracts/ and its own files; it reaches the API over HTTP.',
      from: { path: '^builder-ui/' },
      to: { dependencyTypes: ['local'], pathNot: ['^builder-ui/', '^rules/', '^engine/', '^api/contracts/', '^test/support/'] },
    },
    {
      name: 'builder-ui-no-node-builtins',
      severity: 'error',
      comment: 'builder-ui/ runs in the browser; only its Vite config runs in Node.',
      from: { path: '^builder-ui/', pathNot: '^builder-ui/vite\\.config\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'builder-ui-no-server-libraries',
      severity: 'error',
      comment: 'builder-ui/ runs in the browser: no mongoose, mongodb, express or Temporal.',
      from: { path: '^builder-ui/' },
      to: { path: [IO_LIBRARIES, '^node_modules/@temporalio/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^builder-ui/dist/', '(^|/)\\.(tools|data)/'] },
    // Type-only imports count: a cycle of types is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve as tsconfig's "moduleResolution": "Bundler" does (package.json "exports", ESM first).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
