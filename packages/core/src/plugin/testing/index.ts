/**
 * Test helpers for plugin authors, beside the plugin API (`@spire-ts/core/plugin`): the contract
 * suite of each plugin type, fakes of the plugin types a component talks to, and
 * `loadPluginForTest`, which loads a plugin executable the way the server does. Each `run*Contract`
 * registers node:test blocks; call it at the top level of a test file.
 */
export { runDataStoreContract, type DataStoreSetup } from '../../plugins/datastore/contract-suite.js';
export { runKeyManagerContract, type KeyManagerCapabilities } from '../../plugins/keymanager/contract-suite.js';
export { runNodeAttestorContract, type NodeAttestorHarness } from '../../plugins/nodeattestor/contract-suite.js';
export { runUpstreamAuthorityContract } from '../../plugins/upstreamauthority/contract-suite.js';
export { makeCaCsr, type TestCaCsr } from '../../plugins/upstreamauthority/ca-csr.js';
export { runNotifierContract, type NotifierHarness } from '../../plugins/notifier/contract-suite.js';
export { runBundlePublisherContract, type BundlePublisherHarness } from '../../plugins/bundlepublisher/contract-suite.js';
export { runCredentialComposerContract } from '../../plugins/credentialcomposer/contract-suite.js';
export { sampleBundle } from '../../plugins/sample-bundle.js';
export { realBundle } from '../../plugins/real-bundle.js';
export { FakeTaskClock } from '../../plugins/task-clock.fake.js';
export { makeEntry } from '../../plugins/datastore/suite/context.js';
export { FakeNotifier } from '../../plugins/notifier/notifier.fake.js';
export { FakeBundlePublisher } from '../../plugins/bundlepublisher/bundle-publisher.fake.js';
export { FakeNodeAttestor } from '../../plugins/nodeattestor/node-attestor.fake.js';
export {
  loadPluginForTest,
  TEST_BUILTINS,
  type LoadPluginForTestOptions,
  type LoadedTestPlugin,
  type ExternalPluginsView,
} from './load-plugin.js';
export { isSpireError, rejectsWith } from '../../testing/spire-error-matcher.js';
export { recordingLogger, type LogRecord } from '../../plugins/recording-logger.js';
export { orCleanUp } from '../../plugins/or-clean-up.js';
