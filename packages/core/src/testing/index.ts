/**
 * Contract suites and fakes for plugin authors and the core team. Each `run*Contract` registers
 * node:test blocks; call it at the top level of a test file.
 */
export { runDataStoreContract, type DataStoreSetup } from '../plugins/datastore/contract-suite.js';
export { runNodeAttestorContract, type NodeAttestorHarness } from '../plugins/nodeattestor/contract-suite.js';
export { runNotifierContract, type NotifierHarness } from '../plugins/notifier/contract-suite.js';
export { runBundlePublisherContract, type BundlePublisherHarness } from '../plugins/bundlepublisher/contract-suite.js';
export { sampleBundle } from '../plugins/sample-bundle.js';
export { FakeNotifier } from '../plugins/notifier/notifier.fake.js';
export { FakeBundlePublisher } from '../plugins/bundlepublisher/bundle-publisher.fake.js';
export { FakeNodeAttestor } from '../plugins/nodeattestor/node-attestor.fake.js';
export { runKeyManagerContract } from '../plugins/keymanager/contract-suite.js';
export { runUpstreamAuthorityContract } from '../plugins/upstreamauthority/contract-suite.js';
export { runCredentialComposerContract } from '../plugins/credentialcomposer/contract-suite.js';
export { opensslVerify, opensslText, openssl } from './openssl.js';
// The CA's fakes (FakeCADataStore, FakeClock, InlineSigningPool, workloadCsr) are in the
// `@spire-ts/core/ca-testing` entry: this one holds no kernel internals.
