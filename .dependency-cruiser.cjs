/**
 * The layers of bulkhead, as rules `npm test` enforces (test/architecture/layers.test.ts runs this with
 * dependency-cruiser): a forbidden import fails the build. See lib/README.md for what each folder does.
 *
 *   npx depcruise --config .dependency-cruiser.cjs lib examples main.ts
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other in one direction only (parse -> check -> lower -> emit -> verify).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(lib|examples)' },
      to: { circular: true },
    },
    {
      name: 'analysis-reads-only-manifests',
      comment: 'The analyzer proves what the compiler rendered, so it must not share code with the compiler.',
      severity: 'error',
      from: { path: '^lib/analysis/' },
      to: { path: '^(lib/(?!analysis/)|imports/|main\\.ts)' },
    },
    {
      name: 'constructs-import-only-model',
      comment: 'The construct library is public and usable without platform.yaml: it imports only lib/model and imports/ (not intent, emit, synth, cli, verify, ...).',
      severity: 'error',
      from: { path: '^lib/constructs/' },
      to: { path: '^(lib/(?!constructs/|model/)|main\\.ts)' },
    },
    {
      name: 'model-imports-nothing-of-the-compiler',
      comment: 'The resolved platform is read by every stage; it imports no intent format, YAML or cdk8s.',
      severity: 'error',
      from: { path: '^lib/model/' },
      to: { path: '^(lib/(?!model/)|imports/|node_modules/(cdk8s|cdk8s-plus-28|constructs|yaml)/)' },
    },
    {
      name: 'diff-and-report-not-cli-or-constructs',
      comment: 'Reports and diffs read rendered output and the model, not the constructs that rendered it nor the CLI.',
      severity: 'error',
      from: { path: '^lib/(diff|report)/' },
      to: { path: '^lib/(cli|constructs)/' },
    },
    {
      name: 'stages-not-cli',
      comment: 'lib/cli holds thin commands; no stage depends on them.',
      severity: 'error',
      from: { path: '^lib/(?!cli/)' },
      to: { path: '^lib/cli/' },
    },
    {
      name: 'examples-use-the-public-entry-point',
      comment: 'examples/ show what a cdk8s user can write: only lib/index.ts, the package main export.',
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: '^(lib/(?!index\\.ts$)|imports/|main\\.ts)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|argocd|test)/' },
  },
};
