import { X509Certificate } from 'node:crypto';
import { defineNodeAttestor, type NodeAttestor, type PluginDescriptor } from '@spire-ts/core/plugin';
import { azureCredential } from '@spire-ts/plugin-azure';
import { AZURE_IMDS_ROOTS } from './azure-roots.js';
import { sdkImdsArmApi, type ImdsArmApi } from './azure-api.js';
import { parseImdsConfig, readPemCertificates, type ImdsConfig, type ImdsTenantConfig } from './config.js';
import { ImdsErrors as E } from './errors.js';
import { AZURE_TIMEOUT_MS, ImdsAttestor, type ResolvedTenant } from './imds-attestor.js';
import { lookupTenantId } from './tenant-lookup.js';

export { DEFAULT_AGENT_PATH_TEMPLATE, parseImdsConfig, type ImdsConfig, type ImdsTenantAuth, type ImdsTenantConfig } from './config.js';
export { AZURE_TIMEOUT_MS, ImdsAttestor, PLUGIN_NAME, newNonce, type ImdsAttestorDeps, type ResolvedTenant } from './imds-attestor.js';
export { DEFAULT_METADATA_DOMAIN, validateAttestedDocument, type AttestedContent, type AttestedDocument } from './doc-validation.js';
export { sdkImdsArmApi, type ImdsArmApi, type ImdsNic, type ImdsVm } from './azure-api.js';
export { AZURE_IMDS_ROOTS } from './azure-roots.js';

/** TEST-ONLY: a PEM file whose certificates replace Azure's embedded roots (for a real server in e2e tests). */
export const TEST_ROOTS_ENV = 'SPIRE_TEST_AZURE_IMDS_ROOTS_FILE';

/** Internal settings of {@link makeAzureImdsNodeAttestor}, for tests and embedding; no config key sets them. */
export interface AzureImdsInternalOptions {
  /** TEST-ONLY: PEM root certificates replacing Azure's (the in-process form of {@link TEST_ROOTS_ENV}). */
  roots?: string[];
  /** Bound on each stage of network calls (default {@link AZURE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** SDK retries per ARM call (default: the SDK's). */
  maxRetries?: number;
  /** Clock of certificate validity, epoch ms. */
  now?: () => number;
  /** Replaces the ARM clients per tenant. */
  armFactory?: (tenantId: string, tenant: ImdsTenantConfig) => ImdsArmApi;
}

function anchors(opts: AzureImdsInternalOptions, config: ImdsConfig, log: { warn: (o: object, m: string) => void }): X509Certificate[] {
  let base: X509Certificate[];
  try {
    const file = process.env[TEST_ROOTS_ENV];
    if (opts.roots) base = opts.roots.map((p) => new X509Certificate(p));
    else if (file) base = readPemCertificates(file);
    else base = AZURE_IMDS_ROOTS.map((r) => new X509Certificate(r.pem));
    if (opts.roots || file) log.warn({ roots: base.length }, 'Azure IMDS roots replaced for testing; never do this in production');
  } catch (e) {
    throw E.testRoots(e);
  }
  return [...base, ...config.additionalRoots];
}

async function resolveTenants(config: ImdsConfig, opts: AzureImdsInternalOptions, timeoutMs: number): Promise<Map<string, ResolvedTenant>> {
  const out = new Map<string, ResolvedTenant>();
  for (const [domain, t] of config.tenants) {
    let tenantId: string;
    try {
      tenantId = await lookupTenantId(domain, timeoutMs);
    } catch (e) {
      throw E.tenantLookup(e);
    }
    if (opts.armFactory) {
      out.set(domain, { tenantId, arm: opts.armFactory(tenantId, t) });
      continue;
    }
    let credential;
    try {
      const a = t.auth;
      credential =
        a.kind === 'secret'
          ? azureCredential({ tenantId, clientId: a.appId, clientSecret: a.appSecret })
          : a.kind === 'token'
            ? azureCredential({ tenantId, clientId: a.appId, assertionFile: a.tokenPath })
            : azureCredential({ tenantId });
    } catch (e) {
      throw E.credential(tenantId, e);
    }
    out.set(domain, { tenantId, arm: sdkImdsArmApi(credential, opts.maxRetries) });
  }
  return out;
}

/**
 * The azure_imds descriptor with internal settings. Creating it resolves each tenant domain to its
 * tenant ID (Microsoft's OpenID configuration) and builds its credential: `secret_auth`,
 * `token_auth` (a client assertion read from the file at each token request) or the default
 * chain. The anchors are Azure's public roots plus `trust_bundle_path`, unless the test-only
 * {@link TEST_ROOTS_ENV} file (or the `roots` option) replaces Azure's.
 */
export function makeAzureImdsNodeAttestor(opts: AzureImdsInternalOptions = {}): PluginDescriptor<'NodeAttestor', NodeAttestor, ImdsConfig> {
  return defineNodeAttestor<ImdsConfig>({
    name: 'azure_imds',
    parseConfig: (raw, core) => parseImdsConfig(raw, core),
    create: async ({ config, trustDomain, host, log }) => {
      const timeoutMs = opts.timeoutMs ?? AZURE_TIMEOUT_MS;
      const roots = anchors(opts, config, log);
      const tenants = await resolveTenants(config, opts, timeoutMs);
      return new ImdsAttestor(config, { trustDomain, host, log, tenants, roots, timeoutMs, now: opts.now ?? Date.now });
    },
  });
}

/**
 * The built-in NodeAttestor "azure_imds": attests Azure VMs by the IMDS attested document they
 * fetch for the server's nonce, with selectors from ARM. Trust on first use.
 */
export const azureImdsNodeAttestor = makeAzureImdsNodeAttestor();
