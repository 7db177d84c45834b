import { MsiErrors as E } from './errors.js';
import type { MsiArmApi } from './azure-api.js';

const VM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Compute\/virtualMachines\/([^/]+)$/;
const NSG_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Network\/networkSecurityGroups\/([^/]+)$/;
const NIC_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Network\/networkInterfaces\/([^/]+)$/;
const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/;

function parse(re: RegExp, what: string, id: string): string[] {
  const m = re.exec(id);
  if (!m) throw E.malformedId(what, id);
  return m.slice(1);
}

/**
 * SPIRE's selector values of the VM whose managed identity is `principalId`, through ARM: exactly
 * one VM must carry the identity; then `subscription-id`, `vm-name`, and from each NIC its
 * `network-security-group`, `virtual-network` and `virtual-network-subnet`. Deduplicated, sorted.
 */
export async function resolveSelectors(api: MsiArmApi, principalId: string, signal: AbortSignal): Promise<string[]> {
  let ids: (string | undefined)[];
  try {
    ids = await api.vmIdsByPrincipal(principalId, signal);
  } catch (e) {
    throw E.listByPrincipal(principalId, e);
  }
  if (ids.length === 0) throw E.principalNotFound(principalId);
  if (ids.length > 1) throw E.tooManyVms(principalId);
  if (!ids[0]) throw E.vmMissingId(principalId);
  const [rg, vmName] = parse(VM_ID, 'virtual machine', ids[0]) as [string, string];
  const set = new Set<string>([`subscription-id:${api.subscriptionId}`, `vm-name:${rg}:${vmName}`]);
  let nicIds: string[];
  try {
    nicIds = await api.vmNicIds(rg, vmName, signal);
  } catch (e) {
    throw E.getVm(`${rg}:${vmName}`, e);
  }
  for (const nicId of nicIds) {
    const [nicRg, nicName] = parse(NIC_ID, 'network interface', nicId) as [string, string];
    let nic;
    try {
      nic = await api.nic(nicRg, nicName, signal);
    } catch (e) {
      throw E.getNic(`${nicRg}:${nicName}`, e);
    }
    if (nic.nsgId) set.add(`network-security-group:${parse(NSG_ID, 'network security group', nic.nsgId).join(':')}`);
    for (const subnetId of nic.subnetIds) {
      const [srg, vnet, subnet] = parse(SUBNET_ID, 'virtual network subnet', subnetId);
      set.add(`virtual-network:${srg}:${vnet}`);
      set.add(`virtual-network-subnet:${srg}:${vnet}:${subnet}`);
    }
  }
  return [...set].sort();
}
