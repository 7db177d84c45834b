import { errorMessage, SpireError } from '../../errors.js';
import type { X509Certificate } from '../../plugins/types.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import { CAErrors } from '../errors.js';
import type { X509CA } from '../server-ca.js';
import type { CASigner } from '../signer.js';
import { buildCACSR } from '../x509-ca-builder.js';
import { readCertificate } from '../x509/certificate.js';
import { sec, type CAManagerConfig } from './manager-config.js';
import { sameKey } from './same-key.js';
import { x509CAValidationProblem } from './x509-ca-validation.js';

/** What the stream works with: the manager's configuration and its upstream roots sync. */
export interface UpstreamStreamDeps extends Pick<CAManagerConfig, 'trustDomain' | 'clock' | 'log' | 'caSubject' | 'credentialComposers'> {
  upstreamAuthority: UpstreamAuthority;
  caTtlMs: number;
  /** Brings reported upstream roots into the bundle (upstream-roots.ts). */
  syncRoots(roots: readonly X509Certificate[]): Promise<void>;
}

/**
 * The X.509 CA signed by an UpstreamAuthority, and the subscription that comes with it (SPIRE's
 * MintX509CAAndSubscribe): the first message carries the CA chain and the upstream roots, later
 * ones carry root updates, which are synced into the bundle as they come (upstream-roots.ts). One
 * subscription is open at a time; minting a new CA ends the previous one.
 */
export class UpstreamStream {
  private stream?: AbortController;

  constructor(private readonly d: UpstreamStreamDeps) {}

  /**
   * Has the UpstreamAuthority sign a CA for `signer`'s key, checks it, syncs the upstream roots
   * into the bundle and keeps following root updates. Throws INTERNAL when the UpstreamAuthority
   * fails or answers a CA for another key or without roots, INVALID_ARGUMENT when the CA fails
   * the check before use (x509-ca-validation); the roots are then not synced.
   */
  async mintX509CA(signer: CASigner): Promise<X509CA> {
    const d = this.d;
    const csr = await buildCACSR(signer, { trustDomainId: d.trustDomain.idString(), subject: d.caSubject, credentialComposers: d.credentialComposers });
    this.stream?.abort();
    const ac = new AbortController();
    this.stream = ac;
    const it = d.upstreamAuthority.mintX509CAAndSubscribe({ csr, preferredTtlSeconds: sec(d.caTtlMs) }, ac.signal)[Symbol.asyncIterator]();
    let first;
    try {
      first = await it.next();
    } catch (err) {
      ac.abort();
      throw err instanceof SpireError ? err : CAErrors.upstreamFailed(errorMessage(err), err);
    }
    if (first.done || first.value.x509CaChain.length === 0) {
      ac.abort();
      throw CAErrors.upstreamFailed('no X509 CA chain in the response');
    }
    const chain = first.value.x509CaChain;
    const upstreamRoots = first.value.upstreamX509Roots;
    let cert;
    try {
      cert = readCertificate(chain[0]!);
      if (!sameKey(cert.spki, signer.publicKey)) throw CAErrors.upstreamInvalid('public key does not match the CA key');
      if (upstreamRoots.length === 0) throw CAErrors.upstreamInvalid('no upstream root');
      // Before the roots reach the bundle: the CA must sign an X509-SVID that verifies against them.
      const problem = await x509CAValidationProblem({ certificate: cert, signer, upstreamChain: chain, roots: upstreamRoots.map((r) => r.asn1) }, d.trustDomain, d.clock.now());
      if (problem) throw CAErrors.upstreamCAFailedValidation(problem);
      await d.syncRoots(upstreamRoots);
    } catch (err) {
      // A refused CA ends its subscription: the authority stops following it.
      ac.abort();
      throw err;
    }
    void this.follow(it, ac.signal);
    return { signer, certificate: cert, upstreamChain: chain };
  }

  /** Ends the open subscription, if any. Safe to call twice. */
  close(): void {
    this.stream?.abort();
  }

  private async follow(it: AsyncIterator<{ upstreamX509Roots: X509Certificate[] }>, signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const n = await it.next();
        if (n.done || signal.aborted) return;
        if (n.value.upstreamX509Roots.length === 0) continue;
        try {
          await this.d.syncRoots(n.value.upstreamX509Roots);
        } catch (err) {
          // As SPIRE: this update is lost, the stream goes on.
          this.d.log.error({ error: errorMessage(err) }, 'Failed to store X.509 CAs received by the upstream authority plugin.');
        }
      }
    } catch (err) {
      if (!signal.aborted) this.d.log.warn({ error: errorMessage(err) }, 'Upstream authority stream ended');
    }
  }
}
