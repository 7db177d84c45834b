import { makeCa, type CaCredentials, type PcaKeyAlgorithm } from './acm-pca-ca.js';

/** Options of {@link seedUpstreamCa}. */
export interface SeedUpstreamCaOptions {
  /** Secret names are `<prefix>/cert`, `<prefix>/key` and `<prefix>/bundle` (default `spire/upstream`). */
  prefix?: string;
  /** When true the CA is an intermediate and the bundle secret holds its root; otherwise a self-signed root and no bundle. */
  intermediate?: boolean;
  keyAlgorithm?: PcaKeyAlgorithm;
}

/** The secrets {@link seedUpstreamCa} wrote, and the CA behind them. */
export interface SeededUpstreamCa {
  certArn: string;
  keyArn: string;
  /** Set for an intermediate CA. */
  bundleArn?: string;
  /** The CA whose key signs. */
  ca: CaCredentials;
  /** The trust root: the CA itself, or its issuer. */
  root: CaCredentials;
}

/**
 * Makes an upstream CA in memory and stores it as three PEM string secrets, as an operator would
 * for UpstreamAuthority "awssecret": the CA certificate, its PKCS#8 key and, for an intermediate,
 * the root as the bundle. Calling it again with the same prefix replaces the values.
 */
export async function seedUpstreamCa(sm: { put(name: string, value: string): { arn: string } }, o: SeedUpstreamCaOptions = {}): Promise<SeededUpstreamCa> {
  const prefix = o.prefix ?? 'spire/upstream';
  const keyAlgorithm = o.keyAlgorithm ?? 'EC_prime256v1';
  const root = await makeCa({ subject: 'CN=Upstream Root,O=Emulator', keyAlgorithm });
  const ca = o.intermediate ? await makeCa({ subject: 'CN=Upstream Intermediate,O=Emulator', keyAlgorithm, issuer: root }) : root;
  const certArn = sm.put(`${prefix}/cert`, ca.certPem).arn;
  const keyArn = sm.put(`${prefix}/key`, ca.keyPem).arn;
  const bundleArn = o.intermediate ? sm.put(`${prefix}/bundle`, root.certPem).arn : undefined;
  return { certArn, keyArn, ...(bundleArn ? { bundleArn } : {}), ca, root };
}
