import { checkCaCsr, untaintedRoots, parseCertificatesPem, type Logger, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { VaultSession, type VaultSessionDeps } from '@spire-ts/plugin-vault';
import type { VaultUaConfig } from './config.js';
import { subjectFields } from './csr-subject.js';
import { VaultUaErrors } from './errors.js';
import { signIntermediate } from './sign-intermediate.js';

const PARSE_PREFIX = 'unable to parse CSR: ';
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * UpstreamAuthority "vault": has a Vault PKI secrets engine sign the server CA through
 * `<pki_mount_point>/root/sign-intermediate`, logged in with one of SPIRE's four auth methods
 * (lazily, at the first mint; again when the token's renewal stops). The root is the last
 * certificate of Vault's `ca_chain`, or `issuing_ca` when there is none; the minted chain is the
 * signed certificate, then the rest of `ca_chain` without the root and without the certificate
 * itself (Vault ≥ 1.11 lists it). JWT keys are not published upstream.
 */
export class VaultUpstreamAuthority implements UpstreamAuthority {
  private readonly session: VaultSession;

  constructor(
    private readonly config: VaultUaConfig,
    private readonly trustDomainId: string,
    log: Logger,
    deps: Omit<VaultSessionDeps, 'log'> = {},
  ) {
    this.session = new VaultSession(config, { ...deps, log });
    if (config.insecureSkipVerify) log.warn('TLS verification of Vault certificates is skipped. This is only recommended for test environments.');
  }

  /**
   * Yields one response. Throws INVALID_ARGUMENT for a CSR that does not parse or that SPIRE's
   * CA rules refuse (checked before Vault is called); INTERNAL `failed to prepare authenticated
   * client: …` when logging in fails; INTERNAL with SPIRE's messages when Vault refuses to sign
   * or answers something that does not parse.
   */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }): AsyncIterable<MintX509CAResponse> {
    let csr;
    try {
      csr = checkCaCsr(req.csr, this.trustDomainId);
    } catch (e) {
      const m = (e as Error).message;
      throw m.startsWith(PARSE_PREFIX) ? VaultUaErrors.parseCsr(m.slice(PARSE_PREFIX.length)) : VaultUaErrors.invalidCsr(m);
    }
    let subject;
    try {
      subject = subjectFields(csr.subject);
    } catch (e) {
      throw VaultUaErrors.parseCsr((e as Error).message);
    }
    const signed = await signIntermediate(this.session, this.config.pkiMountPoint, {
      csrDer: req.csr,
      ...subject,
      uris: csr.uris,
      ttlSeconds: Math.max(0, Math.floor(req.preferredTtlSeconds)),
    });
    let root: Uint8Array;
    try {
      root = parseCertificatesPem(signed.caChain.at(-1) ?? signed.issuingCa)[0]!;
    } catch (e) {
      throw VaultUaErrors.parseRoot(e);
    }
    let cert: Uint8Array;
    try {
      cert = parseCertificatesPem(signed.certificate)[0]!;
    } catch (e) {
      throw VaultUaErrors.parseCertificate(e);
    }
    const chain = [cert];
    for (const pem of signed.caChain) {
      let der: Uint8Array;
      try {
        der = parseCertificatesPem(pem)[0]!;
      } catch (e) {
        throw VaultUaErrors.parseChain(e);
      }
      if (!same(der, root) && !same(der, cert)) chain.push(der);
    }
    yield { x509CaChain: chain, upstreamX509Roots: untaintedRoots([root]) };
  }

  /** Always throws UNIMPLEMENTED, as SPIRE's vault. */
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw VaultUaErrors.publishUnsupported();
  }

  /** Stops renewing the token. Safe to call twice. */
  close(): void {
    this.session.close();
  }
}
