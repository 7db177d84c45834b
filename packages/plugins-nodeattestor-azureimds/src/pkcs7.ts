/**
 * The PKCS#7 SignedData of an IMDS attested document, parsed with @peculiar/asn1-cms and checked
 * with node's crypto. The signer is the certificate of the bag that the (only) SignerInfo names by
 * issuer and serial number; nothing else in the bag is trusted.
 */
import { createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** rsaEncryption takes the digest algorithm; the others name their own hash. */
const SIGNATURES: Record<string, string | undefined> = {
  '1.2.840.113549.1.1.1': undefined,
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
};

/** A parsed message: its content, bag and signers. */
export interface Pkcs7 {
  sd: SignedData;
  content: Buffer;
  /** Certificates of the bag, each with its ASN.1 form (to match signer identifiers). */
  certificates: { x509: X509Certificate; asn: Certificate }[];
}

/** Parses a DER ContentInfo holding SignedData; throws Error with the reason. */
export function parsePkcs7(der: Uint8Array): Pkcs7 {
  const info = AsnConvert.parse(der, ContentInfo);
  if (info.contentType !== OID_SIGNED_DATA) throw new Error(`unsupported content type ${info.contentType}`);
  const sd = AsnConvert.parse(info.content, SignedData);
  const c = sd.encapContentInfo.eContent;
  const content = c?.single ? Buffer.from(c.single.buffer) : c?.any ? Buffer.from(AsnConvert.parse(c.any, OctetString).buffer) : Buffer.alloc(0);
  const certificates = (sd.certificates ?? []).flatMap((choice) => {
    if (!choice.certificate) return [];
    const der = Buffer.from(AsnConvert.serialize(choice.certificate));
    return [{ x509: new X509Certificate(der), asn: choice.certificate }];
  });
  return { sd, content, certificates };
}

function unsigned(b: ArrayBuffer): Buffer {
  const u = Buffer.from(b);
  let i = 0;
  while (i < u.length - 1 && u[i] === 0) i++;
  return u.subarray(i);
}

/**
 * The one certificate of the bag that signed the message: exactly one SignerInfo, naming a bag
 * certificate by issuer and serial number. Undefined otherwise.
 */
export function onlySigner(p: Pkcs7): { si: SignerInfo; cert: X509Certificate } | undefined {
  if (p.sd.signerInfos.length !== 1) return undefined;
  const si = p.sd.signerInfos[0]!;
  const ias = si.sid.issuerAndSerialNumber;
  if (!ias) return undefined;
  const issuer = Buffer.from(AsnConvert.serialize(ias.issuer));
  const serial = unsigned(ias.serialNumber);
  const match = p.certificates.find(
    (c) => Buffer.from(AsnConvert.serialize(c.asn.tbsCertificate.issuer)).equals(issuer) && unsigned(c.asn.tbsCertificate.serialNumber).equals(serial),
  );
  return match ? { si, cert: match.x509 } : undefined;
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

/** Checks the SignerInfo's signature (and content digest attribute) under `cert`; throws Error. */
export function verifySignerInfo(si: SignerInfo, content: Buffer, cert: X509Certificate): void {
  const digest = DIGESTS[si.digestAlgorithm.algorithm];
  if (!digest) throw new Error(`unsupported digest algorithm ${si.digestAlgorithm.algorithm}`);
  let signed = content;
  if (si.signedAttrs && si.signedAttrs.length > 0) {
    const attr = si.signedAttrs.find((a) => a.attrType === OID_MESSAGE_DIGEST);
    if (!attr || attr.attrValues.length === 0) throw new Error('message digest attribute missing');
    const expected = Buffer.from(AsnConvert.parse(attr.attrValues[0]!, OctetString).buffer);
    const actual = createHash(digest).update(content).digest();
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new Error('message digest mismatch');
    signed = derSet(si.signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a))));
  }
  const alg = si.signatureAlgorithm.algorithm;
  if (!Object.hasOwn(SIGNATURES, alg)) throw new Error(`unsupported signature algorithm ${alg}`);
  if (!verify(SIGNATURES[alg] ?? digest, signed, cert.publicKey, Buffer.from(si.signature.buffer))) throw new Error('signature does not verify under the signer certificate');
}
