import { defineNodeAttestor, type NodeAttestor, type PluginDescriptor } from '@spire-ts/core/plugin';
import { sdkComputeApi, type ComputeApi } from './compute-client.js';
import { parseGcpIitConfig, type GcpIitConfig } from './config.js';
import { certUrl, GOOGLE_CERT_URL, GoogleCertKeys, type CertFetch } from './google-certs.js';
import { GCP_TIMEOUT_MS, GcpIitAttestor } from './iit-attestor.js';

export type { GcpIitConfig } from './config.js';
export { DEFAULT_AGENT_PATH_TEMPLATE, DEFAULT_MAX_METADATA_VALUE_SIZE, parseGcpIitConfig } from './config.js';
export { GcpIitAttestor, GCP_TIMEOUT_MS, PLUGIN_NAME, type GcpIitAttestorDeps } from './iit-attestor.js';
export { GOOGLE_CERT_URL, GoogleCertKeys, certUrl, type CertFetch } from './google-certs.js';
export { verifyIdentityToken, TOKEN_AUDIENCE, GOOGLE_ISSUERS, type IdentityToken, type ComputeEngineClaims } from './iit-verify.js';
export { sdkComputeApi, type ComputeApi, type InstanceView } from './compute-client.js';

/** Internal settings of {@link makeGcpIitNodeAttestor}, for tests and embedding; no config key sets them. */
export interface GcpIitInternalOptions {
  /** Bound on each Google call (default 20 s). */
  timeoutMs?: number;
  /** Clock of token validation and of the certificate cache, epoch ms. */
  now?: () => number;
  /** Replaces the Compute client (a fake of {@link ComputeApi}). */
  compute?: ComputeApi;
  /** Replaces how the certificates are fetched. */
  certFetch?: CertFetch;
}

/**
 * The gcp_iit descriptor with internal settings. Google's certificates come from Google, unless
 * the test-only `SPIRE_TEST_GCP_ENDPOINT` variable names an emulator (then a warning is logged).
 */
export function makeGcpIitNodeAttestor(opts: GcpIitInternalOptions = {}): PluginDescriptor<'NodeAttestor', NodeAttestor, GcpIitConfig> {
  return defineNodeAttestor<GcpIitConfig>({
    name: 'gcp_iit',
    parseConfig: (raw, core) => parseGcpIitConfig(raw, core),
    create: ({ config, trustDomain, host, log }) => {
      const url = certUrl();
      if (url !== GOOGLE_CERT_URL) log.warn({ url }, "Google's identity-token certificates are read from a test endpoint; never do this in production");
      const certs = new GoogleCertKeys(url, opts.now, opts.certFetch);
      const compute = opts.compute ?? (config.useInstanceMetadata ? sdkComputeApi(config.serviceAccountFile) : undefined);
      return new GcpIitAttestor(config, { trustDomain, host, log, certs, ...(compute ? { compute } : {}), timeoutMs: opts.timeoutMs ?? GCP_TIMEOUT_MS, ...(opts.now ? { now: opts.now } : {}) });
    },
  });
}

/**
 * The built-in NodeAttestor "gcp_iit": attests Compute Engine instances by the instance identity
 * token Google signs for them. Trust on first use through the AgentStore host service.
 */
export const gcpIitNodeAttestor = makeGcpIitNodeAttestor();
