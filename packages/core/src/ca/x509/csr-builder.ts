import type { DistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import { bitString, explicit, oid, seq, set, smallInt } from '../../der.js';
import { extension } from './extensions.js';
import { encodeName } from './name.js';
import { OID } from './oids.js';
import { implicitPrim, utf8Bytes } from '../../der.js';

/**
 * DER CertificationRequestInfo of the server CA's CSR to an UpstreamAuthority: the CA subject,
 * its public key and an extensionRequest with the trust domain URI SAN (as SPIRE's CSR carries).
 */
export function buildCaCsrInfo(subject: DistinguishedName, spki: Uint8Array, trustDomainId: string): Uint8Array {
  const san = extension(OID.subjectAltName, false, seq(implicitPrim(6, utf8Bytes(trustDomainId))));
  const extReq = seq(oid(OID.extensionRequest), set(seq(san)));
  return seq(smallInt(0), encodeName(subject), spki, explicit(0, extReq));
}

/** DER CertificationRequest from the info, the signature algorithm and the signature. */
export function assembleCsr(info: Uint8Array, signatureAlgorithm: Uint8Array, signature: Uint8Array): Uint8Array {
  return seq(info, signatureAlgorithm, bitString(signature));
}
