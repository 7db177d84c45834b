import { emptyDistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { CASigner } from '../signer.js';
import { ChainError, parseCert, verifyChains, type Cert } from '../x509/chain/index.js';
import type { CertInfo } from '../x509/certificate.js';

// Key usage bits in Go's order.
const DIGITAL_SIGNATURE = 1;
const KEY_CERT_SIGN = 32;
const CRL_SIGN = 64;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Why a CA certificate is not one SPIRE may sign with (SPIRE's credential validator), or undefined. */
export function x509CAProblem(ca: Cert, trustDomainId: string, now: Date): string | undefined {
  if (!ca.basicConstraints) return 'invalid X509 CA: basic constraints are not valid';
  if (!ca.isCa) return 'invalid X509 CA: cA constraint is not set';
  if ((ca.keyUsage & KEY_CERT_SIGN) === 0) return 'invalid X509 CA: keyCertSign key usage must be set';
  if ((ca.keyUsage & ~(KEY_CERT_SIGN | CRL_SIGN | DIGITAL_SIGNATURE)) !== 0) {
    return 'invalid X509 CA: only keyCertSign, cRLSign, or digitalSignature key usage can be set';
  }
  // A CA need not carry a SPIFFE ID, but when it does it must be the trust domain's.
  if (ca.uris.length > 1) return `invalid X509 CA: expected URI SAN ${JSON.stringify(trustDomainId)} but got ${JSON.stringify(ca.uris)}`;
  if (ca.uris.length === 1 && ca.uris[0] !== trustDomainId) {
    return `invalid X509 CA: expected URI SAN ${JSON.stringify(trustDomainId)} but got ${JSON.stringify(ca.uris[0])}`;
  }
  if (now < ca.notBefore) return `invalid X509 CA: not yet valid until ${rfc3339(ca.notBefore)}`;
  if (now > ca.notAfter) return `invalid X509 CA: already expired as of ${rfc3339(ca.notAfter)}`;
  return undefined;
}

/** Why `leaf` is not an X509-SVID for `id` that chains to `roots` through `intermediates`, or undefined. */
function svidChainProblem(leaf: Cert, intermediates: Cert[], roots: Cert[], id: string, now: Date): string | undefined {
  if (leaf.uris.length !== 1 || leaf.uris[0] !== id) return `x509svid: certificate must contain exactly one URI SAN ${JSON.stringify(id)}`;
  if (leaf.isCa) return 'x509svid: leaf certificate must not have CA flag set to true';
  try {
    verifyChains(leaf, intermediates, roots, now);
  } catch (err) {
    if (err instanceof ChainError) return `x509svid: could not verify leaf certificate: ${err.message}`;
    throw err;
  }
  return undefined;
}

/** The CA to check: its certificate, its signer, and what it chains to. */
export interface X509CAToValidate {
  certificate: CertInfo;
  signer: CASigner;
  /** The CA certificate first, then the intermediates up to (not always including) a root; empty when self-signed. */
  upstreamChain: Uint8Array[];
  /** The roots the chain must lead to: the upstream roots, or the CA certificate itself when self-signed. */
  roots: Uint8Array[];
}

/**
 * Checks a freshly minted X.509 CA before it is used, as SPIRE does: the certificate must be a CA
 * SPIRE may sign with, and a throwaway X509-SVID for `spiffe://<td>/spire/throwaway`, signed
 * with the CA's own signer (never on the main thread), must verify against `roots` through
 * `upstreamChain`: each signature, each validity window at `now`, CA basic constraints and
 * keyCertSign on each issuer. Returns the problem, worded as SPIRE words it, or undefined when
 * the CA is good; throws only what the signer throws. Safe to call twice.
 */
export async function x509CAValidationProblem(ca: X509CAToValidate, trustDomain: TrustDomain, nowMs: number): Promise<string | undefined> {
  const now = new Date(nowMs);
  const td = trustDomain.idString();
  const problem = x509CAProblem(parseCert(ca.certificate.der), td, now);
  if (problem) return `invalid upstream-signed X509 CA: ${problem}`;
  const id = `${td}/spire/throwaway`;
  const issuer = { subjectDer: ca.certificate.subjectDer, subjectKeyId: ca.certificate.subjectKeyId, keyType: ca.signer.keyType };
  // The leaf's key is never used: the CA's own public key serves, so nothing is generated here.
  const [outcome] = await ca.signer.mintX509(issuer, [
    {
      spiffeId: id,
      dnsNames: [],
      subject: emptyDistinguishedName(),
      extraExtensions: [],
      notBefore: ca.certificate.notBefore,
      notAfter: ca.certificate.notAfter,
      serial: Uint8Array.of(1),
      spki: ca.signer.publicKey,
    },
  ]);
  if (!outcome || !('der' in outcome)) return `failed to sign validation certificate: ${outcome?.error ?? 'no certificate'}`;
  const chainProblem = svidChainProblem(parseCert(outcome.der), ca.upstreamChain.map(parseCert), ca.roots.map(parseCert), id, now);
  return chainProblem ? `X509 CA produced an invalid X509-SVID chain: ${chainProblem}` : undefined;
}
