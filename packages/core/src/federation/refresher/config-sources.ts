import type { FederatesWithConfig } from '../../config/types.js';
import type { Logger } from '../../log/logger.js';
import type { DataStore } from '../../plugins/datastore/contract.js';

/** How one federated trust domain's bundle endpoint is reached and authenticated. */
export interface TrustDomainConfig {
  /** Trust domain name, `example.org`. */
  trustDomain: string;
  bundleEndpointUrl: string;
  profile: 'https_web' | 'https_spiffe';
  /** The SPIFFE ID the endpoint must present (https_spiffe only). */
  endpointSpiffeId?: string;
}

/** Whether two configs reach the same endpoint the same way. */
export function sameConfig(a: TrustDomainConfig, b: TrustDomainConfig): boolean {
  return a.bundleEndpointUrl === b.bundleEndpointUrl && a.profile === b.profile && (a.endpointSpiffeId ?? '') === (b.endpointSpiffeId ?? '');
}

/** The `federation.federates_with` blocks of server.conf as configs. */
export function staticConfigs(federatesWith: readonly FederatesWithConfig[]): TrustDomainConfig[] {
  return federatesWith.map((f) => ({
    trustDomain: f.trustDomain.name,
    bundleEndpointUrl: f.bundleEndpointUrl,
    profile: f.profile.type,
    ...(f.profile.type === 'https_spiffe' ? { endpointSpiffeId: f.profile.endpointSpiffeId } : {}),
  }));
}

/**
 * The relationships stored through the TrustDomain API. One with a profile this server does not
 * know is skipped with SPIRE's warning. Throws what the store throws.
 */
export async function dataStoreConfigs(ds: DataStore, log: Logger): Promise<TrustDomainConfig[]> {
  const { federationRelationships } = await ds.listFederationRelationships({});
  const out: TrustDomainConfig[] = [];
  for (const fr of federationRelationships) {
    if (fr.bundleEndpointProfile === 'https_web') {
      out.push({ trustDomain: fr.trustDomain, bundleEndpointUrl: fr.bundleEndpointUrl, profile: 'https_web' });
    } else if (fr.bundleEndpointProfile === 'https_spiffe') {
      out.push({ trustDomain: fr.trustDomain, bundleEndpointUrl: fr.bundleEndpointUrl, profile: 'https_spiffe', endpointSpiffeId: fr.endpointSpiffeId ?? '' });
    } else {
      log.warn({ trust_domain: fr.trustDomain, bundle_endpoint_profile: String(fr.bundleEndpointProfile) }, 'Ignoring federation relationship with unknown profile type');
    }
  }
  return out;
}

/**
 * The relationships to manage, by trust domain: the stored ones, then the static ones over them,
 * so server.conf wins for a trust domain both name (as SPIRE; the TrustDomain API and the
 * `federation` CLI still show the stored one).
 */
export function mergeConfigs(stored: readonly TrustDomainConfig[], fromConfigFile: readonly TrustDomainConfig[]): Map<string, TrustDomainConfig> {
  const merged = new Map<string, TrustDomainConfig>();
  for (const c of stored) merged.set(c.trustDomain, c);
  for (const c of fromConfigFile) merged.set(c.trustDomain, c);
  return merged;
}
