import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { TrustDomain, silentLogger, type ChallengeFn, type HostServices, type NodeAttestor, type PluginData } from '@spire-ts/core/plugin';
import { AzureEmulator, azureServerEnv, imdsPayload, type AttestedDocument, type AttestedVm } from '@spire-ts/emulator-azure';
import { makeAzureImdsNodeAttestor, type AzureImdsInternalOptions } from './index.js';

// Test support for azure_imds's tests against the Azure emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');
export const DOMAIN = 'contoso.onmicrosoft.com';
export const TENANT = '11111111-2222-3333-4444-555555555555';
export const SUBSCRIPTION = 'aaaaaaaa-0000-0000-0000-000000000001';

export interface AzureTestEnv {
  az: AzureEmulator;
  /** The emulator's test root (PEM), which replaces Azure's roots. */
  rootPem: string;
  close(): Promise<void>;
}

export async function startAzure(): Promise<AzureTestEnv> {
  const az = await AzureEmulator.start();
  az.entra.registerApp(TENANT, 'app', 'pw');
  az.entra.registerDomain(DOMAIN, TENANT);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(azureServerEnv(az.url))) {
    if (k === 'NODE_EXTRA_CA_CERTS') continue;
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const rootPem = (await az.imds.chain()).root.certPem;
  return {
    az,
    rootPem,
    close: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await az.close();
    },
  };
}

/** plugin_data with the one tenant domain authenticated by secret. */
export function tenantData(extra: PluginData = {}, tenant: PluginData = {}): PluginData {
  return { tenants: { [DOMAIN]: { secret_auth: { app_id: 'app', app_secret: 'pw' }, allowed_vm_tags: ['env'], ...tenant } }, ...extra };
}

export function agentStore(ids: Set<string> = new Set()): HostServices & { ids: Set<string> } {
  return { ids, agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

let seq = 0;
/** Seeds a VM (tags env=prod, team=a; one NIC with NSG and subnet) and returns its IMDS identity. */
export function seedVm(env: AzureTestEnv, o: { subscriptionId?: string } = {}): AttestedVm & { name: string } {
  const name = `vm-${++seq}`;
  const vmId = randomUUID();
  const subscriptionId = o.subscriptionId ?? SUBSCRIPTION;
  env.az.arm.addVm({
    subscriptionId,
    resourceGroup: 'rg',
    name,
    vmId,
    location: 'westeurope',
    tags: { env: 'prod', team: 'a' },
    nics: [{ name: `${name}-nic`, nsg: { resourceGroup: 'rg', name: 'nsg' }, subnets: [{ resourceGroup: 'net', vnet: 'vnet', subnet: 'default' }] }],
  });
  return { vmId, subscriptionId, name };
}

/** The agent side: answers the nonce with the document `sign` makes (default: IMDS's for `vm`). */
export function agent(
  env: AzureTestEnv,
  vm: AttestedVm,
  o: { domain?: string; vmssName?: string; sign?: (nonce: string) => Promise<AttestedDocument> } = {},
): ChallengeFn & { nonces: string[] } {
  const nonces: string[] = [];
  const fn = async (challenge: Uint8Array) => {
    const nonce = Buffer.from(challenge).toString('utf8');
    nonces.push(nonce);
    const doc = await (o.sign ?? ((n) => env.az.imds.attestedDocument(vm, n)))(nonce);
    return imdsPayload(doc, { agentDomain: o.domain ?? DOMAIN, ...(o.vmssName ? { vmssName: o.vmssName } : {}) });
  };
  return Object.assign(fn, { nonces });
}

/** azure_imds built through its descriptor with the emulator's root as the only anchor. */
export async function makeAttestor(env: AzureTestEnv, data: PluginData = tenantData(), o: { host?: HostServices; opts?: AzureImdsInternalOptions } = {}): Promise<NodeAttestor> {
  const d = makeAzureImdsNodeAttestor({ roots: [env.rootPem], maxRetries: 0, timeoutMs: 5000, ...o.opts });
  const r = d.parseConfig(data, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, trustDomain: td, dataDir: tmpdir(), host: o.host ?? agentStore(), log: silentLogger() });
}
