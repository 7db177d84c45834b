/**
 * The RSA-2048 signature of an instance identity document: a PKCS#7 SignedData that holds the
 * document. Parsed with @peculiar/asn1-cms, checked with node's crypto against the one region
 * certificate the caller gives; any certificate inside the message is ignored.
 */
import { createHash, timingSafeEqual, verify } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import type { RegionCert } from './region-certs.js';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms: rsaEncryption takes the signer's digest; the others name their own. */
const SIGNATURES: Record<string, string | undefined> = {
  '1.2.840.113549.1.1.1': undefined,
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/**
 * Parses a PKCS#7 ContentInfo holding SignedData. Throws Error with the parser's message, or
 * naming the content type when it is not SignedData.
 */
export function parsePkcs7(der: Uint8Array): SignedData {
  const info = AsnConvert.parse(der, ContentInfo);
  if (info.contentType !== OID_SIGNED_DATA) throw new Error(`pkcs7: cannot parse data: unimplemented content type ${info.contentType}`);
  return AsnConvert.parse(info.content, SignedData);
}

/** The encapsulated content's bytes (empty when the message is detached). */
export function pkcs7Content(sd: SignedData): Buffer {
  const c = sd.encapContentInfo.eContent;
  if (c?.single) return Buffer.from(c.single.buffer);
  if (c?.any) return Buffer.from(AsnConvert.parse(c.any, OctetString).buffer);
  return Buffer.alloc(0);
}

function derSet(items: Buffer[]): Buffer {
  const body = Buffer.concat([...items].sort(Buffer.compare));
  const n = body.length;
  const len: number[] = [];
  if (n < 0x80) len.push(n);
  else {
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    len.unshift(0x80 | len.length);
  }
  return Buffer.concat([Buffer.from([0x31, ...len]), body]);
}

function hexUpper(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));
}

/** The signer names the region certificate: same issuer and serial number. */
function signerIsCert(si: SignerInfo, cert: RegionCert): boolean {
  const ias = si.sid.issuerAndSerialNumber;
  if (!ias) return false;
  const strip = (b: ArrayBuffer) => {
    const u = Buffer.from(b);
    let i = 0;
    while (i < u.length - 1 && u[i] === 0) i++;
    return u.subarray(i);
  };
  const tbs = cert.asn.tbsCertificate;
  return sameBytes(AsnConvert.serialize(ias.issuer), AsnConvert.serialize(tbs.issuer)) && strip(ias.serialNumber).equals(strip(tbs.serialNumber));
}

function checkSigner(si: SignerInfo, content: Buffer, cert: RegionCert): void {
  const digestName = DIGESTS[si.digestAlgorithm.algorithm];
  let signed: Buffer = content;
  if (si.signedAttrs && si.signedAttrs.length > 0) {
    const attr = si.signedAttrs.find((a) => a.attrType === OID_MESSAGE_DIGEST);
    if (!attr || attr.attrValues.length === 0) throw new Error('pkcs7: attribute type not in attributes');
    if (!digestName) throw new Error(`pkcs7: unsupported digest algorithm ${si.digestAlgorithm.algorithm}`);
    const expected = Buffer.from(AsnConvert.parse(attr.attrValues[0]!, OctetString).buffer);
    const actual = createHash(digestName).update(content).digest();
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new Error(`pkcs7: Message digest mismatch\n\tExpected: ${hexUpper(expected)}\n\tActual  : ${hexUpper(actual)}`);
    }
    // The signature covers the attributes' DER as a SET OF; like SPIRE's library, re-encode
    // them (DER sorts a SET OF by encoding).
    signed = derSet(si.signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a))));
  }
  if (!signerIsCert(si, cert)) throw new Error('pkcs7: No certificate for signer');
  const sigAlg = si.signatureAlgorithm.algorithm;
  if (!Object.hasOwn(SIGNATURES, sigAlg)) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  const hash = SIGNATURES[sigAlg] ?? digestName;
  if (!hash) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  if (!verify(hash, signed, cert.x509.publicKey, Buffer.from(si.signature.buffer))) throw new Error('crypto/rsa: verification error');
}

/**
 * Verifies every signer of the message against the region certificate (the signer must name it
 * by issuer and serial number; signed attributes must carry the content's digest) and returns the
 * content the signature covers. Throws Error worded as SPIRE's PKCS#7 library words it.
 */
export function verifyPkcs7(sd: SignedData, cert: RegionCert): Buffer {
  if (sd.signerInfos.length === 0) throw new Error('pkcs7: Message has no signers');
  const content = pkcs7Content(sd);
  for (const si of sd.signerInfos) checkSigner(si, content, cert);
  return content;
}
