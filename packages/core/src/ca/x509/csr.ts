import { createPublicKey, verify } from 'node:crypto';
import { children, decodeOid, readTlv } from './der.js';
import { OID } from './oids.js';

/** A parsed PKCS#10 certificate request. */
export interface ParsedCsr {
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
  const spki = infoParts[2];
  if (!spki || spki.tag !== 0x30) throw new Error('malformed certificate request');
  const algOid = children(alg.content)[0];
  if (!algOid || algOid.tag !== 0x06) throw new Error('malformed certificate request');
  return {
    spki: spki.raw,
    info: info.raw,
    signatureAlgorithm: decodeOid(algOid.content),
    signature: sig.content.subarray(1),
  };
}

/** Verifies a parsed CSR's self-signature. Throws when it is unsupported or does not verify. */
export function verifyCsr(csr: ParsedCsr): void {
  const hash = CSR_HASH[csr.signatureAlgorithm];
  if (!hash) throw new Error(`unsupported CSR signature algorithm ${csr.signatureAlgorithm}`);
  const key = createPublicKey({ key: Buffer.from(csr.spki), format: 'der', type: 'spki' });
  if (!verify(hash, csr.info, key, csr.signature)) throw new Error('CSR signature check failed');
}
