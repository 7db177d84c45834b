/**
 * Azure Resource Manager as SPIRE's Azure attestors call it: the subscription's resources list
 * (`$filter` on resource type and `identity/principalId`, paged through `nextLink`), virtual
 * machine GET and network interface GET. Every call needs a bearer the emulated Entra ID issued.
 * Tests seed virtual machines with {@link ArmService.addVm}; any `api-version` is accepted.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, type Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';

/** A network interface of a seeded VM. */
export interface NicSeed {
  name: string;
  /** Resource group of the NIC (default: the VM's). */
  resourceGroup?: string;
  /** Network security group `{ resourceGroup, name }`. */
  nsg?: { resourceGroup: string; name: string };
  /** Subnets of its IP configurations. */
  subnets?: { resourceGroup: string; vnet: string; subnet: string }[];
}

/** What a test seeds for one virtual machine. */
export interface VmSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Principal ID of its system-assigned managed identity. */
  principalId?: string;
  /** The VM's `vmId` (default a random UUID). */
  vmId?: string;
  location?: string;
  tags?: Record<string, string>;
  nics?: NicSeed[];
}

/** A scale set and its instances (each a {@link VmSeed} without subscription/resource group). */
export interface VmssSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  instances: { vmId: string; tags?: Record<string, string>; nsg?: { resourceGroup: string; name: string }; subnets?: { resourceGroup: string; vnet: string; subnet: string }[] }[];
}

/** A seeded VM as ARM serves it. */
export interface ArmVm {
  id: string;
  seed: VmSeed;
  vmId: string;
}

/** The ARM resource ID of a resource. */
export function armId(subscriptionId: string, resourceGroup: string, provider: string, type: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${type}/${name}`;
}

function notFound(type: string, name: string, rg: string): HttpError {
  return new HttpError(404, { error: { code: 'ResourceNotFound', message: `The Resource '${type}/${name}' under resource group '${rg}' was not found.` } });
}

const FILTER = /^resourceType eq '([^']+)' and identity\/principalId eq '([^']+)'$/;

export class ArmService {
  /** Seeded virtual machines by resource ID. */
  readonly vms = new Map<string, ArmVm>();
  /** Network interfaces by resource ID (ARM JSON). */
  readonly nics = new Map<string, unknown>();
  /** Seeded scale sets by resource ID. */
  readonly scaleSets = new Map<string, VmssSeed>();
  /** Results per page of the resources list (smaller values exercise `nextLink`). */
  pageSize = 100;

  constructor(readonly env: AzureEnv) {}

  /** Seeds a VM, its NICs, and returns it. */
  addVm(seed: VmSeed): ArmVm {
    const id = armId(seed.subscriptionId, seed.resourceGroup, 'Microsoft.Compute', 'virtualMachines', seed.name);
    const vm: ArmVm = { id, seed, vmId: seed.vmId ?? randomUUID() };
    this.vms.set(id, vm);
    for (const n of seed.nics ?? []) {
      const rg = n.resourceGroup ?? seed.resourceGroup;
      const nicId = armId(seed.subscriptionId, rg, 'Microsoft.Network', 'networkInterfaces', n.name);
      this.nics.set(nicId, {
        id: nicId,
        name: n.name,
        type: 'Microsoft.Network/networkInterfaces',
        location: seed.location ?? 'westus',
        properties: {
          provisioningState: 'Succeeded',
          ...(n.nsg ? { networkSecurityGroup: { id: armId(seed.subscriptionId, n.nsg.resourceGroup, 'Microsoft.Network', 'networkSecurityGroups', n.nsg.name) } } : {}),
          ipConfigurations: (n.subnets ?? []).map((s, i) => ({
            id: `${nicId}/ipConfigurations/ipconfig${i + 1}`,
            name: `ipconfig${i + 1}`,
            properties: {
              privateIPAddress: `10.0.0.${i + 4}`,
              subnet: { id: `${armId(seed.subscriptionId, s.resourceGroup, 'Microsoft.Network', 'virtualNetworks', s.vnet)}/subnets/${s.subnet}` },
            },
          })),
        },
      });
    }
    return vm;
  }

  /** Seeds a virtual machine scale set with its instances. */
  addVmss(seed: VmssSeed): string {
    const id = armId(seed.subscriptionId, seed.resourceGroup, 'Microsoft.Compute', 'virtualMachineScaleSets', seed.name);
    this.scaleSets.set(id, seed);
    return id;
  }

  private vmssVmsJson(ss: VmssSeed): unknown {
    const ssId = armId(ss.subscriptionId, ss.resourceGroup, 'Microsoft.Compute', 'virtualMachineScaleSets', ss.name);
    return {
      value: ss.instances.map((inst, i) => ({
        id: `${ssId}/virtualMachines/${i}`,
        name: `${ss.name}_${i}`,
        instanceId: String(i),
        location: ss.location ?? 'westus',
        tags: inst.tags ?? {},
        properties: {
          vmId: inst.vmId,
          networkProfileConfiguration: {
            networkInterfaceConfigurations: [
              {
                name: `${ss.name}-nic`,
                properties: {
                  ...(inst.nsg ? { networkSecurityGroup: { id: armId(ss.subscriptionId, inst.nsg.resourceGroup, 'Microsoft.Network', 'networkSecurityGroups', inst.nsg.name) } } : {}),
                  ipConfigurations: (inst.subnets ?? []).map((s, j) => ({
                    name: `ipconfig${j + 1}`,
                    properties: { subnet: { id: `${armId(ss.subscriptionId, s.resourceGroup, 'Microsoft.Network', 'virtualNetworks', s.vnet)}/subnets/${s.subnet}` } },
                  })),
                },
              },
            ],
          },
        },
      })),
    };
  }

  private vmJson(vm: ArmVm): unknown {
    const s = vm.seed;
    return {
      id: vm.id,
      name: s.name,
      type: 'Microsoft.Compute/virtualMachines',
      location: s.location ?? 'westus',
      tags: s.tags ?? {},
      ...(s.principalId ? { identity: { type: 'SystemAssigned', principalId: s.principalId, tenantId: randomUUID() } } : {}),
      properties: {
        vmId: vm.vmId,
        provisioningState: 'Succeeded',
        networkProfile: {
          networkInterfaces: (s.nics ?? []).map((n, i) => ({
            id: armId(s.subscriptionId, n.resourceGroup ?? s.resourceGroup, 'Microsoft.Network', 'networkInterfaces', n.name),
            properties: { primary: i === 0 },
          })),
        },
      },
    };
  }

  private list(sub: string, filter: string, skip: number): unknown {
    const m = FILTER.exec(filter);
    if (filter !== '' && !m) throw new HttpError(400, { error: { code: 'InvalidFilterInQueryString', message: `Invalid $filter '${filter}' specified in the query string.` } });
    const matches = [...this.vms.values()].filter(
      (v) => v.seed.subscriptionId === sub && (!m || (m[1]!.toLowerCase() === 'microsoft.compute/virtualmachines' && v.seed.principalId === m[2])),
    );
    const page = matches.slice(skip, skip + this.pageSize).map((v) => ({
      id: v.id,
      name: v.seed.name,
      type: 'Microsoft.Compute/virtualMachines',
      location: v.seed.location ?? 'westus',
      ...(v.seed.principalId ? { identity: { type: 'SystemAssigned', principalId: v.seed.principalId } } : {}),
    }));
    const next = skip + this.pageSize < matches.length;
    const q = new URLSearchParams({ 'api-version': '2021-04-01', ...(filter ? { $filter: filter } : {}), $skiptoken: String(skip + this.pageSize) });
    return { value: page, ...(next ? { nextLink: `${this.env.url}/subscriptions/${sub}/resources?${q.toString()}` } : {}) };
  }

  routes(): Route[] {
    const base = '/subscriptions/{sub}/resourceGroups/{rg}/providers';
    return [
      {
        method: 'GET',
        path: '/subscriptions/{sub}/providers/Microsoft.Compute/virtualMachines',
        name: 'arm.virtualMachines.listAll',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          return { json: { value: [...this.vms.values()].filter((v) => v.seed.subscriptionId === r.params.sub).map((v) => this.vmJson(v)) } };
        },
      },
      {
        method: 'GET',
        path: '/subscriptions/{sub}/resources',
        name: 'arm.resources.list',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          return { json: this.list(r.params.sub!, r.query.get('$filter') ?? '', Number(r.query.get('$skiptoken') ?? 0)) };
        },
      },
      {
        method: 'GET',
        path: '/subscriptions/{sub}/providers/Microsoft.Compute/virtualMachineScaleSets',
        name: 'arm.virtualMachineScaleSets.listAll',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          const value = [...this.scaleSets.entries()]
            .filter(([, s]) => s.subscriptionId === r.params.sub)
            .map(([id, s]) => ({ id, name: s.name, type: 'Microsoft.Compute/virtualMachineScaleSets', location: s.location ?? 'westus', properties: {} }));
          return { json: { value } };
        },
      },
      {
        method: 'GET',
        path: `${base}/Microsoft.Compute/virtualMachineScaleSets/{name}/virtualMachines`,
        name: 'arm.virtualMachineScaleSetVMs.list',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          const ss = this.scaleSets.get(armId(r.params.sub!, r.params.rg!, 'Microsoft.Compute', 'virtualMachineScaleSets', r.params.name!));
          if (!ss) throw notFound('Microsoft.Compute/virtualMachineScaleSets', r.params.name!, r.params.rg!);
          return { json: this.vmssVmsJson(ss) };
        },
      },
      {
        method: 'GET',
        path: `${base}/Microsoft.Compute/virtualMachines/{name}`,
        name: 'arm.virtualMachines.get',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          const vm = this.vms.get(armId(r.params.sub!, r.params.rg!, 'Microsoft.Compute', 'virtualMachines', r.params.name!));
          if (!vm) throw notFound('Microsoft.Compute/virtualMachines', r.params.name!, r.params.rg!);
          return { json: this.vmJson(vm) };
        },
      },
      {
        method: 'GET',
        path: `${base}/Microsoft.Network/networkInterfaces/{name}`,
        name: 'arm.networkInterfaces.get',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          const nic = this.nics.get(armId(r.params.sub!, r.params.rg!, 'Microsoft.Network', 'networkInterfaces', r.params.name!));
          if (!nic) throw notFound('Microsoft.Network/networkInterfaces', r.params.name!, r.params.rg!);
          return { json: nic };
        },
      },
    ];
  }
}
