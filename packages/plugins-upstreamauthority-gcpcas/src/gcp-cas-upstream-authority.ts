import { createHash } from 'node:crypto';
import {
  checkCaCsr,
  Code,
  DEFAULT_UPSTREAM_CA_TTL_MS,
  parseCertificatesPem,
  parseCsr,
  toPem,
  untaintedRoots,
  type Logger,
  type MintX509CAResponse,
  type UpstreamAuthority,
} from '@spire-ts/core/plugin';
import { googleApiCode, googleApiError } from '@spire-ts/plugin-gcp';
import type { CaInfo, CasClient } from './cas-client.js';
import type { RootCertSpec } from './config.js';
import { casSubject } from './csr-subject.js';
import { GcpCasErrors } from './errors.js';

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

function onePem(pem: string, what: string): Uint8Array {
  try {
    const certs = parseCertificatesPem(pem);
    if (certs.length === 0) throw new Error('no PEM certificate found');
    return certs[0]!;
  } catch (err) {
    throw GcpCasErrors.parseCertificate(what, err);
  }
}

/**
 * The CAs carrying the label, in `spec.caPool` or else in every pool of the region. Throws when
 * CAs match in more than one pool, or when CA Service fails.
 */
export async function findAuthorities(cas: CasClient, spec: RootCertSpec): Promise<CaInfo[]> {
  const region = `projects/${spec.projectName}/locations/${spec.regionName}`;
  const pools = spec.caPool ? [`${region}/caPools/${spec.caPool}`] : await cas.listCaPools(region);
  const filter = `labels.${spec.labelKey}:${spec.labelValue}`;
  const found: CaInfo[] = [];
  let selectedPool = '';
  for (const pool of pools) {
    const page = await cas.listCertificateAuthorities(pool, filter);
    if (page.length === 0) continue;
    if (selectedPool && selectedPool !== pool) throw GcpCasErrors.multiplePools();
    selectedPool = pool;
    found.push(...page);
  }
  return found;
}

/**
 * UpstreamAuthority "gcp_cas": has Google Cloud Certificate Authority Service issue the server
 * CA. The CAs carrying the configured label are looked up on every mint; of those that are
 * ENABLED, the one that expires first issues the certificate, and the roots of the others are
 * trusted too (so a CA rotation in CA Service never leaves agents without the next root).
 */
export class GcpCasUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly spec: RootCertSpec,
    private readonly cas: CasClient,
    private readonly trustDomainId: string,
    private readonly log: Logger,
  ) {}

  /**
   * Yields one response. Throws INVALID_ARGUMENT for a CSR that does not parse or that SPIRE's
   * rules refuse, and when no (ENABLED) CA carries the label; INTERNAL when the CAs cannot be
   * listed (CA Service unreachable: UNAVAILABLE) or match in several pools; CreateCertificate's
   * own status (ALREADY_EXISTS for a key issued before, …) when CA Service refuses to issue.
   */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }): AsyncIterable<MintX509CAResponse> {
    try {
      parseCsr(req.csr);
    } catch (err) {
      throw GcpCasErrors.parseCsr(err);
    }
    let csr;
    try {
      csr = checkCaCsr(req.csr, this.trustDomainId);
    } catch (err) {
      throw GcpCasErrors.invalidCsr((err as Error).message);
    }
    const spec = this.spec;
    let all: CaInfo[];
    try {
      all = await findAuthorities(this.cas, spec);
    } catch (err) {
      const g = googleApiError(err);
      throw GcpCasErrors.loadRoots(g.message, err, g.status === 'UNAVAILABLE' || g.status === 'DEADLINE_EXCEEDED' ? Code.UNAVAILABLE : Code.INTERNAL);
    }
    if (all.length === 0) throw GcpCasErrors.noAuthorities(spec.labelKey, spec.labelValue);
    const enabled = all.filter((ca) => ca.state === 'ENABLED').sort((a, b) => a.expiresAtMs - b.expiresAtMs);
    if (enabled.length === 0) throw GcpCasErrors.noEnabledAuthorities(spec.labelKey, spec.labelValue);
    const [chosen, ...others] = enabled as [CaInfo, ...CaInfo[]];

    const ttlSeconds = req.preferredTtlSeconds > 0 ? req.preferredTtlSeconds : DEFAULT_UPSTREAM_CA_TTL_MS / 1000;
    this.log.info({ ca_certificate: chosen.name, ttl_seconds: ttlSeconds }, 'Minting X509 intermediate CA');
    const slash = chosen.name.lastIndexOf('/certificateAuthorities/');
    let issued;
    try {
      issued = await this.cas.createCertificate({
        parent: chosen.name.slice(0, slash),
        // Required by the Enterprise tier; the same key always gets the same ID.
        certificateId: createHash('sha256').update(csr.spki).digest('base64url'),
        issuingCertificateAuthorityId: chosen.name.slice(slash + '/certificateAuthorities/'.length),
        lifetimeSeconds: ttlSeconds,
        publicKeyPem: toPem([csr.spki], 'PUBLIC KEY'),
        subject: casSubject(csr.subject),
        uris: csr.uris,
      });
    } catch (err) {
      const g = googleApiError(err);
      throw GcpCasErrors.createCertificate(googleApiCode(g, Code.UNKNOWN), g.message, err);
    }
    if (issued.pemCertificateChain.length === 0) throw GcpCasErrors.emptyChain();
    const cert = onePem(issued.pemCertificate, 'certificate');
    const chain = issued.pemCertificateChain.map((p) => onePem(p, 'certificate chain'));
    // The last of each other CA's chain is its root: trusting an intermediate alone would need
    // partial-chain verification, which OpenSSL and others do not do by default.
    const otherRoots = others.map((ca) => onePem(ca.pemCaCertificates.at(-1) ?? '', 'CA certificate'));
    this.log.info({}, 'Successfully minted new X509');
    yield {
      x509CaChain: [cert, ...chain.slice(0, -1)],
      upstreamX509Roots: untaintedRoots(dedupe([chain.at(-1)!, ...otherRoots])),
    };
  }

  /** Always throws UNIMPLEMENTED, as SPIRE's gcp_cas. */
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw GcpCasErrors.publishUnsupported();
  }

  /** Releases the CA Service client. Safe to call twice. */
  async close(): Promise<void> {
    await this.cas.close();
  }
}
