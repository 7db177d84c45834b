export { runKeyManagerContract } from '../plugins/keymanager/contract-suite.js';
export { runUpstreamAuthorityContract } from '../plugins/upstreamauthority/contract-suite.js';
export { runCredentialComposerContract } from '../plugins/credentialcomposer/contract-suite.js';
export { opensslVerify, opensslText, openssl } from '../ca/test-support/openssl.js';
export { FakeCADataStore } from '../ca/test-support/datastore-subset.fake.js';
export { FakeClock } from '../ca/test-support/fake-clock.js';
export { InlineSigningPool } from '../ca/pool/signing-pool.fake.js';
export { workloadCsr } from '../ca/test-support/fixture.js';
