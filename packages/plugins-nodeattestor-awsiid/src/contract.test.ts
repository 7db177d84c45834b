import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { agentStore, contractHarness, makeAttestor, startAws, type AwsTestEnv } from './emulator.test-support.js';

// The NodeAttestor contract, with aws_iid built through its descriptor and pointed at the emulator.
let started: Promise<AwsTestEnv> | undefined;
after(async () => (await started)?.close());

runNodeAttestorContract('aws_iid', async (): Promise<NodeAttestorHarness> => {
  const env = await (started ??= startAws());
  const attestor = await makeAttestor(env, {}, { host: agentStore() });
  return { ...contractHarness(env, attestor), close: async () => attestor.close?.() };
});
