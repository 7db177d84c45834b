import { verify } from 'node:crypto';
import { children, decodeOid, readTlv } from './der.js';
import { OID } from './oids.js';
import { publicKeyFromSpki, type SpkiInfo } from './spki.js';

/** A parsed PKCS#10 certificate request. */
export interface ParsedCsr {
  /** DER Name of the subject, byte for byte. */
  subject: Uint8Array;
  /** URI SANs from the extensionRequest attribute. */
  uris: string[];
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The signed CertificationRequestInfo. */
  info: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
}

const CSR_HASH: Record<string, string> = {
  [OID.ecdsaWithSHA256]: 'sha256',
  [OID.ecdsaWithSHA384]: 'sha384',
  [OID.ecdsaWithSHA512]: 'sha512',
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};

/** Parses a DER CSR. Throws an Error describing the problem on malformed input. */
export function parseCsr(der: Uint8Array): ParsedCsr {
  const outer = readTlv(der);
  if (outer.tag !== 0x30 || outer.raw.length !== der.length) throw new Error('malformed certificate request');
  const [info, alg, sig] = children(outer.content);
  if (!info || !alg || !sig || info.tag !== 0x30 || sig.tag !== 0x03) throw new Error('malformed certificate request');
  const infoParts = children(info.content);
  const subject = infoParts[1];
  const spki = infoParts[2];
  if (!subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new Error('malformed certificate request');
  const uris: string[] = [];
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
          for (const gn of children(san.content)) if (gn.tag === 0x86) uris.push(new TextDecoder().decode(gn.content));
        }
      }
    }
  }
  const algOid = children(alg.content)[0];
  if (!algOid || algOid.tag !== 0x06) throw new Error('malformed certificate request');
  return {
    subject: subject.raw,
    uris,
    spki: spki.raw,
    info: info.raw,
    signatureAlgorithm: decodeOid(algOid.content),
    signature: sig.content.subarray(1),
  };
}

/**
 * Verifies a parsed CSR's self-signature. Throws when it is unsupported or does not verify.
 * `info` is `readSpki(csr.spki)` when the caller already has it.
 */
export function verifyCsr(csr: ParsedCsr, info?: SpkiInfo): void {
  const hash = CSR_HASH[csr.signatureAlgorithm];
  if (!hash) throw new Error(`unsupported CSR signature algorithm ${csr.signatureAlgorithm}`);
  const key = publicKeyFromSpki(csr.spki, info);
  if (!verify(hash, csr.info, key, csr.signature)) throw new Error('CSR signature check failed');
}
