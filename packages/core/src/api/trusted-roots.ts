import { X509Certificate } from 'node:crypto';
import type { DataStore } from '../plugins/datastore/contract.js';
import { SpiffeId, type TrustDomain } from '../spiffeid/index.js';

/** The roots a client X509-SVID may chain to, and which trust domain each belongs to. */
export interface TrustedRoots {
  /** Every root, DER: the local bundle's and those of the trust domains of admin_ids. */
  roots: Uint8Array[];
  /** Node `fingerprint256` of the roots, by trust domain name. */
  byTrustDomain: Map<string, Set<string>>;
}

/**
 * Reads the roots TLS listeners trust for client certificates: the local trust domain's bundle
 * and the bundle of each trust domain an admin ID belongs to (the admin socket's TCP listener
 * and the web console use this one definition). Throws what the store throws.
 */
export async function readTrustedRoots(dataStore: DataStore, td: TrustDomain, adminIds: Iterable<string>): Promise<TrustedRoots> {
  const tds = new Set<string>([td.name]);
  for (const id of adminIds) tds.add(SpiffeId.parse(id).trustDomain.name);
  const byTrustDomain = new Map<string, Set<string>>();
  const roots: Uint8Array[] = [];
  for (const name of tds) {
    const b = await dataStore.fetchBundle(`spiffe://${name}`);
    const set = new Set<string>();
    for (const c of b?.rootCas ?? []) {
      roots.push(c.derBytes);
      set.add(new X509Certificate(c.derBytes).fingerprint256);
    }
    byTrustDomain.set(name, set);
  }
  return { roots, byTrustDomain };
}
