import { ChainError, parseCert, verifyChains, type Cert } from './x509/chain/index.js';

/**
 * Whether `chain` (a certificate first, then the intermediates it may need) verifies up to one of
 * the `tainted` authorities taken as roots: how SPIRE decides that a CA or an SVID was signed,
 * directly or not, by a tainted authority. A certificate that cannot be parsed chains to nothing.
 */
export function chainsToTainted(chain: readonly Uint8Array[], tainted: readonly Uint8Array[], now: Date): boolean {
  if (chain.length === 0 || tainted.length === 0) return false;
  let certs: Cert[];
  let roots: Cert[];
  try {
    certs = chain.map(parseCert);
    roots = tainted.map(parseCert);
  } catch {
    return false;
  }
  try {
    verifyChains(certs[0]!, certs.slice(1), roots, now);
    return true;
  } catch (err) {
    if (err instanceof ChainError) return false;
    throw err;
  }
}
