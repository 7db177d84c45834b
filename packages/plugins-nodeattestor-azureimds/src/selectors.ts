import type { ImdsVm } from './azure-api.js';
import { ImdsErrors as E } from './errors.js';

const NSG_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft.Network\/networkSecurityGroups\/([^/]+)$/i;
const VNET = /virtualNetworks\/([^/]+)/;
const SUBNET = /subnets\/([^/]+)$/;

/**
 * SPIRE's azure_imds selector values of a VM: `subscription-id`, `vm-name`, `vm-location`,
 * `resource-group`, `vmss-name` (scale set instances), `vm-tag:<tag>:<value>` for the tenant's
 * allowed tags, and per NIC `network-security-group:<rg>:<name>`, `virtual-network:<vnet>` and
 * `virtual-network-subnet:<vnet>:<subnet>`. Deduplicated and sorted.
 */
export function vmSelectors(vm: ImdsVm, subscriptionId: string, allowedTags: readonly string[], vmssName?: string): string[] {
  const set = new Set<string>([`subscription-id:${subscriptionId}`, `vm-name:${vm.name}`, `vm-location:${vm.location}`, `resource-group:${vm.resourceGroup}`]);
  if (vmssName !== undefined) set.add(`vmss-name:${vmssName}`);
  for (const tag of allowedTags) {
    const v = vm.tags[tag];
    if (v !== undefined) set.add(`vm-tag:${tag}:${v}`);
  }
  for (const nic of vm.nics) {
    if (nic.nsgId) {
      const m = NSG_ID.exec(nic.nsgId);
      if (!m) throw E.malformedId('network security group', nic.nsgId);
      set.add(`network-security-group:${m[1]}:${m[2]}`);
    }
    for (const id of nic.subnetIds) {
      const vnet = VNET.exec(id)?.[1] ?? '';
      const subnet = SUBNET.exec(id)?.[1] ?? '';
      set.add(`virtual-network:${vnet}`);
      set.add(`virtual-network-subnet:${vnet}:${subnet}`);
    }
  }
  return [...set].sort();
}

const VMSS_CHARS = /^[a-zA-Z0-9._-]+$/;

/** SPIRE's check of the agent-supplied scale set name; returns the problem or undefined. */
export function vmssNameProblem(name: string): string | undefined {
  if (name.length < 1) return `VMSS name must be at least 1 character(s) long, got ${name.length}`;
  if (name.length > 64) return `VMSS name must be at most 64 characters long, got ${name.length}`;
  if (!VMSS_CHARS.test(name)) return 'VMSS name can only contain alphanumeric characters, underscores, periods, and hyphens';
  if (!/^[a-zA-Z0-9]/.test(name)) return 'VMSS name must start with an alphanumeric character';
  if (!/[a-zA-Z0-9_]$/.test(name)) return 'VMSS name must end with an alphanumeric character or an underscore';
  return undefined;
}
