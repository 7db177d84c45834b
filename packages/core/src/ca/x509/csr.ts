import { verify } from 'node:crypto';
import { children, decodeOid, readTlv } from './der.js';
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
  signatureAlgorithm: string;
  signature: Uint8Array;
}

const CSR_HASH: Record<string, { hash: string; ecdsa: boolean }> = {
  [OID.ecdsaWithSHA256]: { hash: 'sha256', ecdsa: true },
  [OID.ecdsaWithSHA384]: { hash: 'sha384', ecdsa: true },
  [OID.ecdsaWithSHA512]: { hash: 'sha512', ecdsa: true },
  [OID.sha256WithRSA]: { hash: 'sha256', ecdsa: false },
  [OID.sha384WithRSA]: { hash: 'sha384', ecdsa: false },
  [OID.sha512WithRSA]: { hash: 'sha512', ecdsa: false },
};

const MALFORMED = 'malformed certificate request';
const latin1 = new TextDecoder('latin1');

/** Parses a DER CSR. Throws an Error describing the problem on malformed input. */
export function parseCsr(der: Uint8Array): ParsedCsr {
  try {
    return parseCsrUnchecked(der);
  } catch (err) {
    // The reader throws its own errors for truncated input; anything else means a missing part.
    if (err instanceof TypeError) throw new Error(MALFORMED);
    throw err;
  }
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
  const algOid = children(alg.content)[0];
  if (!algOid || algOid.tag !== 0x06) throw new Error(MALFORMED);
  return {
    subject: subject.raw,
    uris,
    dnsNames,
    spki: spki.raw,
    info: info.raw,
    signatureAlgorithm: decodeOid(algOid.content),
    signature: sig.content.subarray(1),
  };
}

/**
 * Verifies a parsed CSR's self-signature. Throws when it is unsupported or does not verify.
 * `info` is `readSpki(csr.spki)` when the caller already has it. ECDSA over P-256/P-384 goes
 * through the native verifier when it is loaded (`ec-verify-native.ts`), anything else through
 * node:crypto; both give the same verdicts.
 */
export function verifyCsr(csr: ParsedCsr, info: SpkiInfo = readSpki(csr.spki)): void {
  const alg = CSR_HASH[csr.signatureAlgorithm];
  if (!alg) throw new Error(`unsupported CSR signature algorithm ${csr.signatureAlgorithm}`);
  if (alg.ecdsa !== (info.algorithm === 'ec') || (!alg.ecdsa && info.algorithm !== 'rsa')) throw new Error('CSR signature algorithm does not match its public key');
  let ok = alg.ecdsa && info.algorithm === 'ec' && info.curve ? nativeEcVerify(info.curve, alg.hash, info.keyBits, csr.info, csr.signature) : undefined;
  ok ??= verify(alg.hash, csr.info, publicKeyFromSpki(csr.spki, info), csr.signature);
  if (!ok) throw new Error('CSR signature check failed');
}
