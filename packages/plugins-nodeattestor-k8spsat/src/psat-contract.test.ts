import { after } from 'node:test';
import type { NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { makeAttestor, payloadOf, putAgentPod, td, tokenFor } from './emulator.test-support.js';

// The NodeAttestor contract, with k8s_psat built through its descriptor and pointed at the
// emulator through a kubeconfig.
let started: Promise<{ k: KubeEmulator; a: NodeAttestor }> | undefined;
after(async () => (await started)?.k.close());

runNodeAttestorContract('k8s_psat', async (): Promise<NodeAttestorHarness> => {
  const { k, a } = await (started ??= (async () => {
    const k = await KubeEmulator.start();
    return { k, a: await makeAttestor(k) };
  })());
  let n = 0;
  const agent = () => putAgentPod(k, { name: `contract-agent-${++n}`, nodeName: `contract-node-${n}` });
  return {
    attestor: a,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: payloadOf('c1', tokenFor(k, agent())), respond: async () => new Uint8Array() }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'unknown cluster', payload: payloadOf('nope', tokenFor(k, agent())) },
      { name: 'service account not allowed', payload: payloadOf('c1', tokenFor(k, agent(), { serviceAccount: 'web' })) },
    ],
    close: async () => {},
  };
});
