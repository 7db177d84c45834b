/**
 * The `@spire-ts/core/ca-testing` entry: fakes for tests that run the kernel's CA itself (a plugin
 * package's CA integration tests, the external plugin host's tests). Plugin contract suites are
 * in `@spire-ts/core/testing`, which stays free of CA internals.
 */
export { FakeCADataStore } from './datastore-subset.fake.js';
export { FakeClock } from './fake-clock.js';
export { InlineSigningPool } from '../pool/signing-pool.fake.js';
export { workloadCsr } from './fixture.js';
