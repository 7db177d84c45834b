import { after } from 'node:test';
import type { NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { contractHarness } from './emulator.test-support.js';

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
    try {
      const p = await startDescriptorForTest<NodeAttestor>('external', import.meta.resolve('./index.js'), 'k8sPsatNodeAttestor', { data });
      return { k, p };
    } catch (err) {
      // A plugin that never starts must not leave the emulator listening (the file would hang).
      await k.close();
      throw err;
    }
  })());
  return contractHarness(k, p.plugin, 'ext', { podUidMismatch: true });
});
