/**
 * PKCS#7 (CMS) SignedData as the cloud attestors read it: AWS's instance identity signature and
 * Azure's IMDS attested document. Parsed with @peculiar/asn1-cms and checked with node:crypto.
 * Error messages are worded as the Go PKCS#7 libraries SPIRE uses word them, so that the
 * attestors' messages match SPIRE's.
 */
import { createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms: rsaEncryption takes the signer's digest algorithm; the others name their hash. */
const SIGNATURES: Record<string, string | undefined> = {
  '1.2.840.113549.1.1.1': undefined,
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
};

/** A parsed SignedData and the content its signers sign. */
export interface Pkcs7Message {
  readonly signedData: SignedData;
  /** The encapsulated content (empty when the message is detached). */
  readonly content: Buffer;
}

/** A certificate as both node:crypto and the ASN.1 model see it (to match signer identifiers). */
export interface Pkcs7Certificate {
  readonly x509: X509Certificate;
  readonly asn: Certificate;
}

/**
 * Parses a DER ContentInfo holding SignedData. Throws Error with the parser's message, or naming
 * the content type when it is not SignedData. Certificates in the message are not parsed here
 * (see {@link bagCertificates}); a caller that trusts none of them never reads them.
 */
export function parsePkcs7(der: Uint8Array): Pkcs7Message {
  const info = AsnConvert.parse(der, ContentInfo);
  if (info.contentType !== OID_SIGNED_DATA) throw new Error(`pkcs7: cannot parse data: unimplemented content type ${info.contentType}`);
  const signedData = AsnConvert.parse(info.content, SignedData);
  const c = signedData.encapContentInfo.eContent;
  const content = c?.single ? Buffer.from(c.single.buffer) : c?.any ? Buffer.from(AsnConvert.parse(c.any, OctetString).buffer) : Buffer.alloc(0);
  return { signedData, content };
}

/** The certificates the message carries. Throws Error when one of them is not a certificate node can read. */
export function bagCertificates(m: Pkcs7Message): Pkcs7Certificate[] {
  return (m.signedData.certificates ?? []).flatMap((choice) => {
    if (!choice.certificate) return [];
    return [{ x509: new X509Certificate(Buffer.from(AsnConvert.serialize(choice.certificate))), asn: choice.certificate }];
  });
}

function unsigned(b: ArrayBuffer): Buffer {
  const u = Buffer.from(b);
  let i = 0;
  while (i < u.length - 1 && u[i] === 0) i++;
  return u.subarray(i);
}

/** Whether the SignerInfo names `cert` by issuer and serial number. */
export function isSignerOf(si: SignerInfo, cert: Pkcs7Certificate): boolean {
  const ias = si.sid.issuerAndSerialNumber;
  if (!ias) return false;
  const tbs = cert.asn.tbsCertificate;
  return (
    Buffer.from(AsnConvert.serialize(ias.issuer)).equals(Buffer.from(AsnConvert.serialize(tbs.issuer))) &&
    unsigned(ias.serialNumber).equals(unsigned(tbs.serialNumber))
  );
}

function derSet(items: Buffer[]): Buffer {
  const body = Buffer.concat([...items].sort(Buffer.compare));
  const len: number[] = [];
  if (body.length < 0x80) len.push(body.length);
  else {
    for (let v = body.length; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    len.unshift(0x80 | len.length);
  }
  return Buffer.concat([Buffer.from([0x31, ...len]), body]);
}

const hexUpper = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

function verifySigner(si: SignerInfo, content: Buffer, certFor: (si: SignerInfo) => X509Certificate | undefined): void {
  const digestName = DIGESTS[si.digestAlgorithm.algorithm];
  let signed = content;
  if (si.signedAttrs && si.signedAttrs.length > 0) {
    const attr = si.signedAttrs.find((a) => a.attrType === OID_MESSAGE_DIGEST);
    if (!attr || attr.attrValues.length === 0) throw new Error('pkcs7: attribute type not in attributes');
    if (!digestName) throw new Error(`pkcs7: unsupported digest algorithm ${si.digestAlgorithm.algorithm}`);
    const expected = Buffer.from(AsnConvert.parse(attr.attrValues[0]!, OctetString).buffer);
    const actual = createHash(digestName).update(content).digest();
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new Error(`pkcs7: Message digest mismatch\n\tExpected: ${hexUpper(expected)}\n\tActual  : ${hexUpper(actual)}`);
    }
    // The signature covers the attributes' DER as a SET OF; like the Go libraries, re-encode
    // them (DER sorts a SET OF by encoding).
    signed = derSet(si.signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a))));
  }
  const cert = certFor(si);
  if (!cert) throw new Error('pkcs7: No certificate for signer');
  const sigAlg = si.signatureAlgorithm.algorithm;
  const hash = Object.hasOwn(SIGNATURES, sigAlg) ? (SIGNATURES[sigAlg] ?? digestName) : undefined;
  if (!hash) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  if (!verify(hash, signed, cert.publicKey, Buffer.from(si.signature.buffer))) {
    throw new Error(cert.publicKey.asymmetricKeyType === 'ec' ? 'x509: ECDSA verification failure' : 'crypto/rsa: verification error');
  }
}

/**
 * Verifies every signer of the message, in the Go libraries' order: the content digest in the
 * signed attributes (when present), then the signer's certificate from `certFor` (which decides
 * what is trusted: a fixed certificate, or one of the bag), then the signature. Throws Error
 * worded as those libraries word it; returns nothing when every signer verifies.
 */
export function verifyPkcs7Signers(m: Pkcs7Message, certFor: (si: SignerInfo) => X509Certificate | undefined): void {
  if (m.signedData.signerInfos.length === 0) throw new Error('pkcs7: Message has no signers');
  for (const si of m.signedData.signerInfos) verifySigner(si, m.content, certFor);
}
