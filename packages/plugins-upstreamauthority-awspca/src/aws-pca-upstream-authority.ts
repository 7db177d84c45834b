import { checkCaCsr, untaintedRoots, DEFAULT_UPSTREAM_CA_TTL_MS, parseCertificatesPem, toPem, type Logger, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';
import { AwsPcaErrors } from './errors.js';
import type { PcaClient } from './pca-client.js';

/** What the plugin settled at configuration. */
export interface AwsPcaSettings {
  certificateAuthorityArn: string;
  signingAlgorithm: string;
  caSigningTemplateArn: string;
  /** DER roots added to the upstream root. */
  supplementalBundle: Uint8Array[];
}

/** The certificates of `certs` without repeats, in order. */
function dedupe(certs: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const k = Buffer.from(c).toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * UpstreamAuthority "aws_pca": has ACM Private CA issue the server CA from its CSR, with SPIRE's
 * CA template and signing algorithm, valid until now + the TTL the server asks for. The minted
 * chain is the issued certificate, then ACM PCA's chain without its last certificate; the roots
 * are that last certificate (the root) plus the supplemental bundle, without repeats.
 */
export class AwsPcaUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly settings: AwsPcaSettings,
    private readonly pca: PcaClient,
    private readonly trustDomainId: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Yields one response. Throws INVALID_ARGUMENT for a CSR SPIRE's rules refuse (checked here,
   * before ACM PCA issues anything: it must verify and name exactly the trust domain ID);
   * INTERNAL with SPIRE's messages when ACM PCA refuses the CSR, the certificate is not issued
   * within the wait limit, or the answer does not parse.
   */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): AsyncIterable<MintX509CAResponse> {
    const s = this.settings;
    try {
      checkCaCsr(req.csr, this.trustDomainId);
    } catch (err) {
      throw AwsPcaErrors.invalidCsr((err as Error).message);
    }
    // SPIRE asks for a validity of "now" when no TTL is given; SPIRE's upstream default applies instead.
    const ttlMs = req.preferredTtlSeconds > 0 ? req.preferredTtlSeconds * 1000 : DEFAULT_UPSTREAM_CA_TTL_MS;
    this.log.info({ signing_algorithm: s.signingAlgorithm }, 'Submitting CSR to ACM');
    let certArn: string;
    try {
      certArn = await this.pca.issue(
        {
          caArn: s.certificateAuthorityArn,
          csrPem: toPem([req.csr], 'CERTIFICATE REQUEST'),
          signingAlgorithm: s.signingAlgorithm,
          templateArn: s.caSigningTemplateArn,
          notAfterSeconds: Math.floor((this.now() + ttlMs) / 1000),
        },
        signal,
      );
    } catch (err) {
      throw AwsPcaErrors.submitCsr(awsErrorText(err), err);
    }
    this.log.info({ certificate_arn: certArn }, 'Waiting for issuance from ACM');
    let issued;
    try {
      issued = await this.pca.waitForCertificate(s.certificateAuthorityArn, certArn, signal);
    } catch (err) {
      throw AwsPcaErrors.waitIssuance(awsErrorText(err), err);
    }
    let cert: Uint8Array;
    try {
      cert = parseCertificatesPem(issued.certificate)[0]!;
    } catch (err) {
      throw AwsPcaErrors.parseCertificate(err);
    }
    let chain: Uint8Array[];
    try {
      chain = parseCertificatesPem(issued.certificateChain);
    } catch (err) {
      throw AwsPcaErrors.parseChain(err);
    }
    this.log.info({ certificate_arn: certArn }, 'Certificate and chain received');
    // ACM PCA lists the chain issuer first and the root last.
    yield {
      x509CaChain: [cert, ...chain.slice(0, -1)],
      upstreamX509Roots: untaintedRoots(dedupe([chain.at(-1)!, ...s.supplementalBundle])),
    };
  }

  /** Always throws UNIMPLEMENTED, as SPIRE's aws_pca. */
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw AwsPcaErrors.publishUnsupported();
  }

  /** Releases the ACM PCA client. Safe to call twice. */
  close(): void {
    this.pca.close();
  }
}
