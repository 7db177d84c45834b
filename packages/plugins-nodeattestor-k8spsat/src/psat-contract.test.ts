import { after } from 'node:test';
import type { NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { contractHarness, makeAttestor } from './emulator.test-support.js';

// The NodeAttestor contract, with k8s_psat built through its descriptor and pointed at the
// emulator through a kubeconfig.
let started: Promise<{ k: KubeEmulator; a: NodeAttestor }> | undefined;
after(async () => (await started)?.k.close());

runNodeAttestorContract('k8s_psat', async (): Promise<NodeAttestorHarness> => {
  const { k, a } = await (started ??= (async () => {
    const k = await KubeEmulator.start();
    return { k, a: await makeAttestor(k) };
  })());
  return contractHarness(k, a, 'contract');
});
