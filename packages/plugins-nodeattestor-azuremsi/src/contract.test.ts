import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { msiPayload } from '@spire-ts/emulator-azure';
import { TENANT, agentStore, makeAttestor, payloadFor, seedVm, startAzure, td, type AzureTestEnv } from './emulator.test-support.js';

// The NodeAttestor contract, with azure_msi built through its descriptor and pointed at the emulator.
let started: Promise<AzureTestEnv> | undefined;
after(async () => (await started)?.close());

runNodeAttestorContract('azure_msi', async (): Promise<NodeAttestorHarness> => {
  const env = await (started ??= startAzure());
  const attestor = await makeAttestor(undefined, { host: agentStore() });
  const none = async () => new Uint8Array();
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: await payloadFor(env, seedVm(env)), respond: none }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'not JSON', payload: new TextEncoder().encode('nope') },
      { name: 'alg none', payload: msiPayload(env.az.entra.msi.forgeNone({ tenantId: TENANT, principalId: seedVm(env) })) },
      { name: 'HS256', payload: msiPayload(await env.az.entra.msi.forgeHs256({ tenantId: TENANT, principalId: seedVm(env) })) },
      { name: 'unpublished key', payload: await payloadFor(env, seedVm(env), { kid: 'unpublished' }) },
      { name: 'tenant not configured', payload: await payloadFor(env, seedVm(env), { tenantId: '33333333-0000-0000-0000-000000000000' }) },
    ],
    close: async () => attestor.close?.(),
  };
});
