import { runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { makeUA, startEjbca } from './harness.test-support.js';

// The UpstreamAuthority contract, with ejbca built through its descriptor against the EJBCA emulator.
runUpstreamAuthorityContract('ejbca', async () => {
  const env = await startEjbca();
  const ua = await makeUA(env.data);
  return { ua, trustDomain: 'example.org', close: () => env.close() };
});
