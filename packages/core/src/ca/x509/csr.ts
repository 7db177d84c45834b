import { constants, verify } from 'node:crypto';
import { checkCsrSignatureInputs, csrSignatureAlgorithm, parseCsrKey, verificationFailure, type CsrKey, type CsrSignatureAlgorithm } from './csr-policy.js';
import { children, decodeOid, readTlv } from '../../der.js';
import { OID } from './oids.js';
import { nativeEcVerify } from './ec-verify-native.js';
import { publicKeyFromSpki, readSpki, type SpkiInfo } from './spki.js';

/** A parsed PKCS#10 certificate request. */
export interface ParsedCsr {
  /** DER Name of the subject, byte for byte. */
  subject: Uint8Array;
  /** URI SANs from the extensionRequest attribute. */
  uris: string[];
  /** DNS SANs from the extensionRequest attribute. */
  dnsNames: string[];
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The signed CertificationRequestInfo. */
  info: Uint8Array;
  /** The signature algorithm's OID. */
  signatureAlgorithm: string;
  /** The signature algorithm as Go's x509 names it (see csr-policy.ts). */
  algorithm: CsrSignatureAlgorithm;
  /** The public key as Go's x509 parses it. */
  key: CsrKey;
  signature: Uint8Array;
}

const MALFORMED = 'asn1: malformed certificate request';
const OFF_CURVE = 'x509: failed to unmarshal elliptic curve point';
const latin1 = new TextDecoder('latin1');

/**
 * Parses a DER CSR as Go's `x509.ParseCertificateRequest` does, including its public-key rules
 * (csr-policy.ts). Throws Error with the reason: `asn1: ...` for a structure that is not a CSR,
 * Go's `x509: ...` message for a key Go refuses.
 */
export function parseCsr(der: Uint8Array): ParsedCsr {
  let csr: ParsedCsr;
  try {
    csr = parseCsrUnchecked(der);
  } catch (err) {
    // The reader throws its own errors for truncated input; a TypeError means a missing part.
    if (err instanceof TypeError) throw new Error(MALFORMED);
    throw new Error(`asn1: ${(err as Error).message}`);
  }
  csr.key = parseCsrKey(csr.spki);
  return csr;
}

function parseCsrUnchecked(der: Uint8Array): ParsedCsr {
  const outer = readTlv(der);
  if (outer.tag !== 0x30 || outer.raw.length !== der.length) throw new Error(MALFORMED);
  const [info, alg, sig] = children(outer.content);
  if (!info || !alg || !sig || info.tag !== 0x30 || alg.tag !== 0x30 || sig.tag !== 0x03 || sig.content.length === 0) throw new Error(MALFORMED);
  const infoParts = children(info.content);
  const version = infoParts[0];
  const subject = infoParts[1];
  const spki = infoParts[2];
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new Error(MALFORMED);
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const attrs = infoParts[3];
  if (attrs && attrs.tag === 0xa0) {
    for (const a of children(attrs.content)) {
      const [type, values] = children(a.content);
      if (!type || !values || decodeOid(type.content) !== OID.extensionRequest) continue;
      for (const exts of children(values.content)) {
        for (const ext of children(exts.content)) {
          const parts = children(ext.content);
          if (decodeOid(parts[0]!.content) !== OID.subjectAltName) continue;
          const san = readTlv(parts[parts.length - 1]!.content);
          for (const gn of children(san.content)) {
            // IA5String values: bytes as they are, as Go reads them.
            if (gn.tag === 0x86) uris.push(latin1.decode(gn.content));
            else if (gn.tag === 0x82) dnsNames.push(latin1.decode(gn.content));
          }
        }
      }
    }
  }
  const [algOid, algParams] = children(alg.content);
  if (!algOid || algOid.tag !== 0x06) throw new Error(MALFORMED);
  const signatureAlgorithm = decodeOid(algOid.content);
  return {
    subject: subject.raw,
    uris,
    dnsNames,
    spki: spki.raw,
    info: info.raw,
    signatureAlgorithm,
    algorithm: csrSignatureAlgorithm(signatureAlgorithm, algParams),
    key: { kind: 'unknown' },
    signature: sig.content.subarray(1),
  };
}

/**
 * Verifies a parsed CSR's self-signature as Go's `CertificateRequest.CheckSignature` does (which
 * keys and algorithms it takes, and its messages: csr-policy.ts). Throws Error when it is
 * unsupported or does not verify. `info` is `readSpki(csr.spki)` when the caller already has it.
 * ECDSA over P-256/P-384 goes through the native verifier when it is loaded
 * (`ec-verify-native.ts`), anything else through node:crypto; both give the same verdicts.
 */
export function verifyCsr(csr: ParsedCsr, info: SpkiInfo = readSpki(csr.spki)): void {
  const { algorithm: alg, key } = csr;
  checkCsrSignatureInputs(alg, key);
  const kind = key.kind as 'rsa' | 'ecdsa' | 'ed25519';
  let ok: boolean | undefined;
  try {
    if (kind === 'ecdsa') ok = nativeEcVerify(info.curve!, alg.hash!, info.keyBits, csr.info, csr.signature);
  } catch {
    // The native verifier throws only for a point off its curve, which Go refuses while parsing.
    throw new Error(OFF_CURVE);
  }
  if (ok === undefined) {
    let pub;
    try {
      pub = publicKeyFromSpki(csr.spki, info);
    } catch (err) {
      if (kind === 'ecdsa') throw new Error(OFF_CURVE);
      throw new Error(`x509: ${(err as Error).message}`);
    }
    const opts = alg.pss ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : pub;
    try {
      ok = verify(alg.hash ?? null, csr.info, opts, csr.signature);
    } catch {
      // OpenSSL throws for some malformed signatures where Go just reports a failed check.
      ok = false;
    }
  }
  if (!ok) throw new Error(verificationFailure(kind));
}

