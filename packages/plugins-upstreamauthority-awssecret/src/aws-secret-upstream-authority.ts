import { signCaCsr, untaintedRoots, type MintX509CAResponse, type UpstreamAuthority, type UpstreamCredentials } from '@spire-ts/core/plugin';
import { AwsSecretErrors } from './errors.js';

/**
 * UpstreamAuthority "awssecret": signs the server CA with a CA certificate and key read from AWS
 * Secrets Manager once, at configuration, so the server CA becomes an intermediate of it. The
 * minted chain is the new CA, then the certificate secret's certificates (none for a self-signed
 * upstream root); the roots are the bundle secret's (or the self-signed root).
 */
export class AwsSecretUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly cred: UpstreamCredentials,
    private readonly trustDomainId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Yields one response; throws INTERNAL "unable to sign CSR: …" for a CSR SPIRE refuses. */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }): AsyncIterable<MintX509CAResponse> {
    let cert: Uint8Array;
    try {
      cert = await signCaCsr(this.cred, req.csr, this.trustDomainId, req.preferredTtlSeconds, this.now());
    } catch (err) {
      throw AwsSecretErrors.signCsr((err as Error).message);
    }
    yield { x509CaChain: [cert, ...this.cred.chain], upstreamX509Roots: untaintedRoots(this.cred.roots) };
  }

  /** Always throws UNIMPLEMENTED, as SPIRE's awssecret. */
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw AwsSecretErrors.publishUnsupported();
  }
}
