import { after } from 'node:test';
import type { NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { payloadOf, putAgentPod, td, tokenFor } from './emulator.test-support.js';

// The NodeAttestor contract with k8s_psat served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog, talking to the emulator from its own process.
let started: Promise<{ k: KubeEmulator; p: StartedTestPlugin<NodeAttestor> }> | undefined;
after(async () => {
  const s = await started;
  await s?.p.close();
  await s?.k.close();
});

runNodeAttestorContract('k8s_psat (external, plugin_cmd over gRPC)', async (): Promise<NodeAttestorHarness> => {
  const { k, p } = await (started ??= (async () => {
    const k = await KubeEmulator.start();
    const data = { clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], kube_config_file: k.kubeconfigPath } } };
    const p = await startDescriptorForTest<NodeAttestor>('external', import.meta.resolve('./index.js'), 'k8sPsatNodeAttestor', { data });
    return { k, p };
  })());
  let n = 0;
  const agent = () => putAgentPod(k, { name: `ext-agent-${++n}`, nodeName: `ext-node-${n}` });
  return {
    attestor: p.plugin,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: payloadOf('c1', tokenFor(k, agent())), respond: async () => new Uint8Array() }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'unknown cluster', payload: payloadOf('nope', tokenFor(k, agent())) },
      { name: 'service account not allowed', payload: payloadOf('c1', tokenFor(k, agent(), { serviceAccount: 'web' })) },
      { name: 'pod UID mismatch', payload: payloadOf('c1', tokenFor(k, { ...agent(), uid: 'not-the-pod' })) },
    ],
    close: async () => {},
  };
});
