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
export { opensslVerify, opensslText, openssl } from '../ca/test-support/openssl.js';
export { FakeCADataStore } from '../ca/test-support/datastore-subset.fake.js';
export { FakeClock } from '../ca/test-support/fake-clock.js';
export { InlineSigningPool } from '../ca/pool/signing-pool.fake.js';
export { workloadCsr } from '../ca/test-support/fixture.js';

// Kernel pieces for tests that run a plugin against the real kernel (the catalog and external
// loader, the CA). Test files only: plugin source imports `@spire-ts/core/plugin`.
export { Catalog } from '../catalog/catalog.js';
export type { PluginConfig } from '../catalog/plugin-config.js';
export { ExternalPlugins } from '../catalog/external/loader.js';
export { parseServerConfigText } from '../config/load.js';
export { CAManager } from '../ca/manager/ca-manager.js';
export { ServerCA } from '../ca/server-ca.js';
export { startCAService } from '../ca/ca-service.js';
export { selfSignX509CA } from '../ca/x509-ca-builder.js';
export { signerFor } from '../ca/signer.js';
