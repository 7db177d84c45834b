import { defineNodeAttestor, type NodeAttestor, type PluginDescriptor } from '@spire-ts/core/plugin';
import { azureCredential, oidcIssuer } from '@spire-ts/plugin-azure';
import { sdkArmApi, type MsiArmApi } from './azure-api.js';
import { parseMsiConfig, type MsiConfig, type MsiTenantConfig } from './config.js';
import { MsiErrors as E } from './errors.js';
import { fetchOwnSubscriptionId } from './instance-metadata.js';
import { CachingKeySet } from './key-set.js';
import { AZURE_TIMEOUT_MS, MsiAttestor } from './msi-attestor.js';

export { DEFAULT_AGENT_PATH_TEMPLATE, DEFAULT_RESOURCE_ID, parseMsiConfig, type MsiConfig, type MsiTenantConfig } from './config.js';
export { AZURE_TIMEOUT_MS, MsiAttestor, PLUGIN_NAME, type MsiAttestorDeps } from './msi-attestor.js';
export { ALLOWED_ALGS, TOKEN_LEEWAY_S, expectedIssuers } from './token.js';
export { CachingKeySet, KEY_SET_REFRESH_MS, type KeySet } from './key-set.js';
export { sdkArmApi, type MsiArmApi, type NicView, type SdkArmSettings } from './azure-api.js';
export { INSTANCE_METADATA_URL } from './instance-metadata.js';

/** Internal settings of {@link makeAzureMsiNodeAttestor}, for tests and embedding; no config key sets them. */
export interface AzureMsiInternalOptions {
  /** Bound on each stage of Azure calls (default {@link AZURE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** SDK retries per ARM call (default: the SDK's). */
  maxRetries?: number;
  /** Clock of the token checks and the key-set cache, epoch ms. */
  now?: () => number;
  /** Replaces the ARM clients (a fake of {@link MsiArmApi}) per tenant. */
  armFactory?: (tenantId: string, tenant: MsiTenantConfig) => MsiArmApi;
  /** Where the subscription of a tenant without credentials comes from (default: IMDS). */
  ownSubscriptionId?: () => Promise<string>;
}

async function armClients(config: MsiConfig, opts: AzureMsiInternalOptions, timeoutMs: number): Promise<Map<string, MsiArmApi>> {
  const out = new Map<string, MsiArmApi>();
  for (const [tid, t] of config.tenants) {
    if (opts.armFactory) {
      out.set(tid, opts.armFactory(tid, t));
      continue;
    }
    let subscriptionId = t.subscriptionId;
    if (t.appId === '') {
      try {
        subscriptionId = await (opts.ownSubscriptionId ?? (() => fetchOwnSubscriptionId(timeoutMs)))();
      } catch (e) {
        throw E.instanceMetadata(e);
      }
    }
    let credential;
    try {
      credential = azureCredential({ tenantId: tid, clientId: t.appId, clientSecret: t.appSecret });
    } catch (e) {
      throw E.credential(tid, e);
    }
    out.set(tid, sdkArmApi({ credential, subscriptionId, ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) }));
  }
  return out;
}

/**
 * The azure_msi descriptor with internal settings. Creating it builds one ARM client per tenant:
 * a client-secret credential when `app_id`/`app_secret` are set, else the default credential
 * chain with the subscription of the VM the server runs on (asked of IMDS, so this fails off
 * Azure, as in SPIRE). Microsoft's OIDC issuer and ARM are fixed, except under the test-only
 * `SPIRE_TEST_AZURE_ENDPOINT` (see @spire-ts/plugin-azure).
 */
export function makeAzureMsiNodeAttestor(opts: AzureMsiInternalOptions = {}): PluginDescriptor<'NodeAttestor', NodeAttestor, MsiConfig> {
  return defineNodeAttestor<MsiConfig>({
    name: 'azure_msi',
    parseConfig: (raw, core) => parseMsiConfig(raw, core),
    create: async ({ config, trustDomain, host, log }) => {
      const timeoutMs = opts.timeoutMs ?? AZURE_TIMEOUT_MS;
      const now = opts.now ?? Date.now;
      const arm = await armClients(config, opts, timeoutMs);
      const keySet = new CachingKeySet(oidcIssuer(), now);
      return new MsiAttestor(config, { trustDomain, host, log, keySet, arm, timeoutMs, now });
    },
  });
}

/**
 * The built-in NodeAttestor "azure_msi": attests Azure VMs by the access token of their managed
 * identity, with selectors from Azure Resource Manager. Trust on first use through the AgentStore
 * host service.
 */
export const azureMsiNodeAttestor = makeAzureMsiNodeAttestor();
