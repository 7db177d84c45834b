import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import { armEndpoint, untilAborted } from '@spire-ts/plugin-azure';

/** What azure_msi reads of a network interface. */
export interface NicView {
  nsgId?: string;
  subnetIds: string[];
}

/** The narrow ARM surface azure_msi uses for one tenant (a fake lives beside it for unit tests). */
export interface MsiArmApi {
  readonly subscriptionId: string;
  /** IDs of the subscription's virtual machines whose managed identity is `principalId` (every page). */
  vmIdsByPrincipal(principalId: string, signal: AbortSignal): Promise<(string | undefined)[]>;
  /** The network interface IDs of a VM. */
  vmNicIds(resourceGroup: string, name: string, signal: AbortSignal): Promise<string[]>;
  nic(resourceGroup: string, name: string, signal: AbortSignal): Promise<NicView>;
}

/** Settings of the SDK-backed {@link MsiArmApi}. */
export interface SdkArmSettings {
  credential: TokenCredential;
  subscriptionId: string;
  /** SDK retries per call (default: the SDK's). */
  maxRetries?: number;
}

/** {@link MsiArmApi} over the Azure SDK's ARM clients, at {@link armEndpoint}. */
export function sdkArmApi(s: SdkArmSettings): MsiArmApi {
  const endpoint = armEndpoint();
  const common = { endpoint, ...(s.maxRetries !== undefined ? { retryOptions: { maxRetries: s.maxRetries } } : {}) };
  const resources = new ResourceManagementClient(s.credential, s.subscriptionId, { ...common, $host: endpoint });
  const compute = new ComputeManagementClient(s.credential, s.subscriptionId, common);
  const network = new NetworkManagementClient(s.credential, s.subscriptionId, { ...common, $host: endpoint });
  return {
    subscriptionId: s.subscriptionId,
    async vmIdsByPrincipal(principalId, signal) {
      const filter = `resourceType eq 'Microsoft.Compute/virtualMachines' and identity/principalId eq '${principalId}'`;
      const ids: (string | undefined)[] = [];
      const pages = resources.resources.list({ filter, abortSignal: signal }).byPage();
      for (;;) {
        const page = await untilAborted(pages.next(), signal);
        if (page.done) return ids;
        for (const r of page.value) ids.push(r.id);
      }
    },
    async vmNicIds(resourceGroup, name, signal) {
      const vm = await untilAborted(compute.virtualMachines.get(resourceGroup, name, { abortSignal: signal }), signal);
      return (vm.networkProfile?.networkInterfaces ?? []).flatMap((n) => (n.id ? [n.id] : []));
    },
    async nic(resourceGroup, name, signal) {
      const n = await untilAborted(network.networkInterfaces.get(resourceGroup, name, { abortSignal: signal }), signal);
      return {
        ...(n.networkSecurityGroup?.id ? { nsgId: n.networkSecurityGroup.id } : {}),
        subnetIds: (n.ipConfigurations ?? []).flatMap((c) => (c.subnet?.id ? [c.subnet.id] : [])),
      };
    },
  };
}
