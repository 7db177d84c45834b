import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { agent, agentStore, makeAttestor, seedVm, startAzure, td, type AzureTestEnv } from './emulator.test-support.js';

// The NodeAttestor contract, with azure_imds built through its descriptor and pointed at the emulator.
let started: Promise<AzureTestEnv> | undefined;
after(async () => (await started)?.close());

runNodeAttestorContract('azure_imds', async (): Promise<NodeAttestorHarness> => {
  const env = await (started ??= startAzure());
  const attestor = await makeAttestor(env, undefined, { host: agentStore() });
  return {
    attestor,
    trustDomain: td,
    challenges: true,
    valid: async () => ({ payload: new Uint8Array(), respond: agent(env, seedVm(env)) }),
    invalid: async () => {
      const vm = seedVm(env);
      return [
        { name: 'empty answer', payload: new Uint8Array(), respond: async () => new Uint8Array() },
        { name: 'forged signer', payload: new Uint8Array(), respond: agent(env, vm, { sign: (n) => env.az.imds.forgedDocument(vm, n) }) },
        { name: 'stale nonce', payload: new Uint8Array(), respond: agent(env, vm, { sign: () => env.az.imds.attestedDocument(vm, 'stale') }) },
        { name: 'unknown tenant', payload: new Uint8Array(), respond: agent(env, vm, { domain: 'other.onmicrosoft.com' }) },
      ];
    },
    close: async () => attestor.close?.(),
  };
});
