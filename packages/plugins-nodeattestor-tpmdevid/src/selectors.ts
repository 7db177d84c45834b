import { fingerprint, type Cert } from '@spire-ts/core/plugin';

/**
 * SPIRE's tpm_devid selector values: `subject:cn:` and `issuer:cn:` of the DevID certificate
 * (when not empty), then `ca:fingerprint:<sha1 hex>` for each CA certificate of every verified
 * chain, each once, in chain order.
 */
export function selectorValues(leaf: Cert, chains: Cert[][]): string[] {
  const out: string[] = [];
  if (leaf.subject.CommonName !== '') out.push(`subject:cn:${leaf.subject.CommonName}`);
  if (leaf.issuer.CommonName !== '') out.push(`issuer:cn:${leaf.issuer.CommonName}`);
  const seen = new Set<string>();
  for (const chain of chains) {
    for (const c of chain.slice(1)) {
      const fp = fingerprint(c);
      if (seen.has(fp)) continue;
      seen.add(fp);
      out.push(`ca:fingerprint:${fp}`);
    }
  }
  return out;
}
