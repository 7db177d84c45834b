import { tmpdir } from 'node:os';
import { TrustDomain, silentLogger, type HostServices, type NodeAttestor, type PluginData } from '@spire-ts/core/plugin';
import { AzureEmulator, azureServerEnv, msiPayload, type MsiTokenOptions } from '@spire-ts/emulator-azure';
import { makeAzureMsiNodeAttestor, type AzureMsiInternalOptions } from './index.js';

// Test support for azure_msi's tests against the Azure emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');
export const TENANT = '11111111-2222-3333-4444-555555555555';
export const SUBSCRIPTION = 'aaaaaaaa-0000-0000-0000-000000000001';
export const APP_ID = 'spire-server-app';
export const APP_SECRET = 's3cret';

/** The emulator, with process.env pointing @azure/identity, ARM and the OIDC issuer at it. */
export interface AzureTestEnv {
  az: AzureEmulator;
  close(): Promise<void>;
}

export async function startAzure(): Promise<AzureTestEnv> {
  const az = await AzureEmulator.start();
  az.entra.registerApp(TENANT, APP_ID, APP_SECRET);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(azureServerEnv(az.url))) {
    if (k === 'NODE_EXTRA_CA_CERTS') continue;
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  return {
    az,
    close: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await az.close();
    },
  };
}

/** plugin_data with one tenant using the registered application. */
export function tenantData(extra: PluginData = {}, tenant: PluginData = {}): PluginData {
  return { tenants: { [TENANT]: { subscription_id: SUBSCRIPTION, app_id: APP_ID, app_secret: APP_SECRET, ...tenant } }, ...extra };
}

/** An AgentStore host service over a set of attested agent IDs. */
export function agentStore(ids: Set<string> = new Set()): HostServices & { ids: Set<string> } {
  return { ids, agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

let seq = 0;
/** Seeds a VM with a managed identity, one NIC, NSG and subnet; returns its principal ID. */
export function seedVm(env: AzureTestEnv, name = `vm-${++seq}`): string {
  const principalId = `principal-${name}`;
  env.az.arm.addVm({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: 'rg',
    name,
    principalId,
    nics: [
      {
        name: `${name}-nic`,
        nsg: { resourceGroup: 'rg', name: 'nsg' },
        subnets: [
          { resourceGroup: 'net', vnet: 'vnet', subnet: 'default' },
          { resourceGroup: 'net', vnet: 'vnet', subnet: 'default' },
        ],
      },
    ],
  });
  return principalId;
}

/** azure_msi's payload with a token of the emulator for `principalId`. */
export async function payloadFor(env: AzureTestEnv, principalId: string, o: Partial<MsiTokenOptions> = {}): Promise<Uint8Array> {
  return msiPayload(await env.az.entra.msi.mint({ tenantId: TENANT, principalId, ...o }));
}

/** azure_msi built through its descriptor, as the catalog does (no SDK retries, 5 s deadline). */
export async function makeAttestor(data: PluginData = tenantData(), o: { host?: HostServices; opts?: AzureMsiInternalOptions } = {}): Promise<NodeAttestor> {
  const d = makeAzureMsiNodeAttestor({ maxRetries: 0, timeoutMs: 5000, ...o.opts });
  const r = d.parseConfig(data, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, trustDomain: td, dataDir: tmpdir(), host: o.host ?? agentStore(), log: silentLogger() });
}

export const noChallenge = async (): Promise<Uint8Array> => new Uint8Array();
