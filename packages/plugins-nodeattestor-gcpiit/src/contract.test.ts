import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { agentStore, contractHarness, makeAttestor, startGcp, type GcpTestEnv } from './emulator.test-support.js';

// The NodeAttestor contract, with gcp_iit built through its descriptor and pointed at the emulator.
let started: Promise<GcpTestEnv> | undefined;
after(async () => (await started)?.close());

runNodeAttestorContract('gcp_iit', async (): Promise<NodeAttestorHarness> => {
  const env = await (started ??= startGcp());
  const attestor = await makeAttestor({}, { host: agentStore() });
  return { ...contractHarness(env, attestor), close: async () => attestor.close?.() };
});
