// The layers of docs/ARCHITECTURE.md ("Layers"), checked by `npm run lint` (depcruise step).
// Inside packages/core/src, from the bottom up:
//   0 spiffeid, errors, duration (Go-style durations), der (DER writer and reader), version, log, di,
//     telemetry (the metrics facade and its sinks)
//   1 plugins (the plugin contracts) and testing (the contract-suite entry)
//   2 config, authpolicy, catalog, ca
//   3 cache, federation (bundle endpoint server, federated bundle refresher)
//   4 api
//   5 server, console (the built-in web console)
//   6 cli
// A module may import its own layer and the layers below it, never one above. Test files
// (*.test.ts) and test support (*.test-support.ts, test-support/, testing/ below a layer folder,
// *.fake.ts) are exempt from the layering rules: a test may assemble any part of the kernel.
const core = '^packages/core/src/';
const tests = '(\\.test\\.ts$|\\.test-support\\.ts$|/test-support/|/testing/|\\.fake\\.ts$)';
const layers = [
  ['spiffeid', 'errors\\.ts', 'duration\\.ts', 'der\\.ts', 'version\\.ts', 'log', 'di', 'telemetry', 'profiling'],
  ['plugins', 'testing'],
  ['config', 'authpolicy', 'catalog', 'ca'],
  ['cache', 'federation'],
  ['api'],
  ['server', 'console'],
  ['cli'],
];
// The packages on the plugin side of the plugin API (plugin-kube, plugin-aws, plugin-gcp and plugin-azure: what the
// Kubernetes and cloud plugins share), and how an import of core looks to depcruise: the built or source file when core is
// built, the bare specifier when it is not.
const pluginSide = '^packages/(plugins-[^/]+|plugin-sdk|plugin-template|plugin-kube|plugin-aws|plugin-gcp|plugin-azure)/';
const coreTarget = '^(packages/core/(dist|src)/|@spire-ts/core(/|$))';
const pluginEntry = '^(packages/core/(dist|src)/plugin/|@spire-ts/core/plugin(/testing)?$)';
const folder = (names) => `${core}(${names.join('|')})(/|$)`;

const layerRules = layers.slice(0, -1).map((names, i) => ({
  name: `layer-${names[0].replace(/\\\.ts$/, '')}`,
  comment: `${names.join(', ').replace(/\\/g, '')} (layer ${i}) must not import a higher layer`,
  severity: 'error',
  from: { path: folder(names), pathNot: tests },
  to: { path: folder(layers.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'config-below-catalog',
      comment: 'config describes plugin blocks itself; the catalog reads them (config must not import catalog or ca)',
      severity: 'error',
      from: { path: folder(['config']), pathNot: tests },
      to: { path: folder(['catalog', 'ca']) },
    },
    {
      name: 'testing-entry-plugins-only',
      comment: 'the @spire-ts/core/testing entry publishes plugin contract suites and fakes, not kernel internals',
      severity: 'error',
      from: { path: `${core}testing/` },
      to: { path: folder(layers.slice(2).flat()) },
    },
    {
      name: 'plugin-not-core-root',
      comment:
        'a plugin package, plugin-sdk or the plugin template imports core only through @spire-ts/core/plugin (and /plugin/testing); never the root entry or another part of the kernel',
      severity: 'error',
      from: { path: pluginSide, pathNot: tests },
      to: { path: coreTarget, pathNot: pluginEntry },
    },
    {
      name: 'plugin-tests-core-entries',
      comment:
        "a plugin package's tests import core through @spire-ts/core/plugin, /plugin/testing, /testing or /ca-testing; never the root entry or kernel internals",
      severity: 'error',
      from: { path: pluginSide },
      to: { path: coreTarget, pathNot: `(${pluginEntry})|^(packages/core/(dist|src)/(testing|ca/test-support)/index\\.(js|ts|d\\.ts)|@spire-ts/core/(testing|ca-testing))$` },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles (a worker thread must not load the module that spawns it)',
      severity: 'error',
      // Generated message types refer to each other as their messages do (google.protobuf.Value
      // and ListValue, type-only); the generator, not this rule, owns them.
      from: { path: '^packages/', pathNot: '^packages/core/src/proto/gen/' },
      to: { circular: true },
    },
  ],
  options: {
    // Built output is where a package import resolves to: keep it as a target, do not cruise it.
    doNotFollow: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
