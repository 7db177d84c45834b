import type { CASigner } from './signer.js';
import type { CertInfo } from './x509/certificate.js';

/** The active X.509 authority. */
export interface X509CA {
  signer: CASigner;
  certificate: CertInfo;
  /**
   * When signed by an UpstreamAuthority: the CA certificate then the upstream intermediates (no
   * root), appended to every SVID chain. Empty for a self-signed CA.
   */
  upstreamChain: Uint8Array[];
}
