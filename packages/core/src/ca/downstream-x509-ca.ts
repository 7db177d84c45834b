import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.js';
import { CAErrors } from './errors.js';
import type { X509CA } from './x509-ca.js';
import { defaultCASubject } from './x509-ca-builder.js';
import { assembleCertificate, randomSerial } from './x509/certificate.js';
import { parseCsr } from './x509/csr.js';
import { buildCaTbs, signatureAlgorithmDer } from './x509/svid-template.js';

/** What a downstream X.509 CA is made from. */
export interface DownstreamX509CAParams {
  /** The trust domain ID (`spiffe://td`) named in the CA's URI SAN. */
  trustDomainId: string;
  /** The downstream server's DER CSR; only its public key is used. */
  csr: Uint8Array;
  /** Validity (Unix ms); the caller keeps notAfter within the signing authority's own. */
  notBefore: number;
  notAfter: number;
}

/**
 * Mints a downstream X.509 CA (SPIRE's SignDownstreamX509CA) with `active`: an intermediate CA
 * for the CSR's key, signed by the active authority's signer. Returns that CA followed by the
 * active authority's upstream chain (empty when self-signed). Throws UNAVAILABLE without an
 * active authority and INVALID_ARGUMENT for a CSR that does not parse.
 */
export async function signDownstreamX509CA(active: X509CA | undefined, p: DownstreamX509CAParams): Promise<Uint8Array[]> {
  if (!active) throw CAErrors.noDownstreamSigner();
  let spki: Uint8Array;
  try {
    spki = parseCsr(p.csr).spki;
  } catch (err) {
    throw CAErrors.malformedDownstreamCsr(errorMessage(err));
  }
  const signer = active.signer;
  const tbs = buildCaTbs(
    {
      trustDomainId: p.trustDomainId,
      subject: defaultCASubject(),
      policies: [],
      extraExtensions: [],
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      serial: randomSerial(randomBytes),
      spki,
    },
    signer.keyType,
    { subjectDer: active.certificate.subjectDer, subjectKeyId: active.certificate.subjectKeyId, keyType: signer.keyType },
  );
  const [sig] = await signer.signRaw([tbs]);
  return [assembleCertificate(tbs, signatureAlgorithmDer(signer.keyType), sig!), ...active.upstreamChain];
}
