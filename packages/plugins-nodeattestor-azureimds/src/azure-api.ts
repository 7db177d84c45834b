import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import type { TokenCredential } from '@azure/identity';
import { armEndpoint, untilAborted } from '@spire-ts/plugin-azure';

/** A network interface as azure_imds's selectors see it (resource IDs). */
export interface ImdsNic {
  nsgId?: string;
  subnetIds: string[];
}

/** What azure_imds reads of a VM (or VMSS instance). */
export interface ImdsVm {
  name: string;
  location: string;
  resourceGroup: string;
  tags: Record<string, string>;
  nics: ImdsNic[];
}

/** The narrow ARM surface azure_imds uses for one tenant (a fake may replace it). */
export interface ImdsArmApi {
  /** The VM of the subscription whose `vmId` is given, undefined when none. */
  vmByVmId(subscriptionId: string, vmId: string, signal: AbortSignal): Promise<ImdsVm | undefined>;
  /** The instance of scale set `vmssName` (found in the subscription) whose `vmId` is given. */
  vmssInstance(subscriptionId: string, vmssName: string, vmId: string, signal: AbortSignal): Promise<ImdsVm | undefined>;
}

const RG = /\/resourceGroups\/([^/]+)\//i;

function resourceGroupOf(id: string | undefined): string {
  return RG.exec(id ?? '')?.[1] ?? '';
}

const NIC_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Network\/networkInterfaces\/([^/]+)$/i;

async function collect<T>(it: AsyncIterableIterator<T>, signal: AbortSignal, match: (v: T) => boolean): Promise<T | undefined> {
  for (;;) {
    const r = await untilAborted(it.next(), signal);
    if (r.done) return undefined;
    if (match(r.value)) return r.value;
  }
}

/**
 * {@link ImdsArmApi} over the Azure SDK's Compute and Network clients, at {@link armEndpoint}.
 * SPIRE asks Azure Resource Graph; its JavaScript SDK needs Node 22 (or a retired runtime), so the
 * same facts are read from Compute (the VM with that `vmId`, or the scale set's instance) and
 * Network (each NIC's security group and subnets), which the Reader role grants as well.
 */
export function sdkImdsArmApi(credential: TokenCredential, maxRetries?: number): ImdsArmApi {
  const endpoint = armEndpoint();
  const common = { endpoint, ...(maxRetries !== undefined ? { retryOptions: { maxRetries } } : {}) };
  const compute = (sub: string) => new ComputeManagementClient(credential, sub, common);
  const network = (sub: string) => new NetworkManagementClient(credential, sub, { ...common, $host: endpoint });
  return {
    async vmByVmId(sub, vmId, signal) {
      const vm = await collect(compute(sub).virtualMachines.listAll({ abortSignal: signal }), signal, (v) => v.vmId === vmId);
      if (!vm) return undefined;
      const net = network(sub);
      const nics: ImdsNic[] = [];
      for (const ref of vm.networkProfile?.networkInterfaces ?? []) {
        const m = NIC_ID.exec(ref.id ?? '');
        if (!m) continue;
        const n = await untilAborted(net.networkInterfaces.get(m[1]!, m[2]!, { abortSignal: signal }), signal);
        nics.push({
          ...(n.networkSecurityGroup?.id ? { nsgId: n.networkSecurityGroup.id } : {}),
          subnetIds: (n.ipConfigurations ?? []).flatMap((c) => (c.subnet?.id ? [c.subnet.id] : [])),
        });
      }
      return { name: vm.name ?? '', location: vm.location, resourceGroup: resourceGroupOf(vm.id), tags: vm.tags ?? {}, nics };
    },
    async vmssInstance(sub, vmssName, vmId, signal) {
      const c = compute(sub);
      const ss = await collect(c.virtualMachineScaleSets.listAll({ abortSignal: signal }), signal, (s) => s.name === vmssName);
      if (!ss) return undefined;
      const rg = resourceGroupOf(ss.id);
      const inst = await collect(c.virtualMachineScaleSetVMs.list(rg, vmssName, { abortSignal: signal }), signal, (i) => i.vmId === vmId);
      if (!inst) return undefined;
      const nics = (inst.networkProfileConfiguration?.networkInterfaceConfigurations ?? []).map((n) => ({
        ...(n.networkSecurityGroup?.id ? { nsgId: n.networkSecurityGroup.id } : {}),
        subnetIds: (n.ipConfigurations ?? []).flatMap((ip) => (ip.subnet?.id ? [ip.subnet.id] : [])),
      }));
      return { name: inst.name ?? '', location: inst.location ?? '', resourceGroup: rg, tags: inst.tags ?? {}, nics };
    },
  };
}
