/**
 * The `@spire-ts/core/ca-testing` entry: fakes for tests that run the kernel's CA itself (a plugin
 * package's CA integration tests, the external plugin host's tests). Plugin contract suites are
 * in `@spire-ts/core/testing`, which stays free of CA internals.
 */
export { FakeCADataStore } from './datastore-subset.fake.js';
export { FakeClock } from './fake-clock.js';
export { InlineSigningPool } from '../pool/signing-pool.fake.js';
export { workloadCsr } from './fixture.js';

// Kernel pieces for tests that run a plugin against the real kernel (the catalog and external
// loader, the CA). Test files only: plugin source imports `@spire-ts/core/plugin`.
export { Catalog } from '../../catalog/catalog.js';
export { createServiceContainer, type ServiceContainer } from '../../di/service-container.js';
export type { PluginConfig } from '../../config/plugin-config.js';
export { ExternalPlugins } from '../../catalog/external/loader.js';
export { parseServerConfigText } from '../../config/load.js';
export { CAManager } from '../manager/ca-manager.js';
export { ServerCA } from '../server-ca.js';
export { startCAService } from '../ca-service.js';
export { selfSignX509CA } from '../x509-ca-builder.js';
export { signerFor } from '../signer.js';
export { newWorld, startManager, type World } from './manager-fixture.js';
