/**
 * A test "Azure" for the IMDS attested document: an RSA root CA, an intermediate whose certificate
 * the signing certificate's Authority Information Access names (Azure's points at
 * www.microsoft.com; here at the emulator), and a signing certificate for `metadata.azure.com`
 * that signs PKCS#7 SignedData over the document's JSON, as IMDS returns it.
 */
import { createHash, createPrivateKey, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnObjectIdentifierConverter, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { newSerial, x509 } from '@spire-ts/emulator-kit';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** A certificate and its private key. */
export interface SigningIdentity {
  cert: x509.X509Certificate;
  certPem: string;
  asn: Certificate;
  key: KeyObject;
}

async function make(subject: string, o: { ca: boolean; dns?: string[]; aia?: string; issuer?: SigningIdentity & { keys: webcrypto.CryptoKeyPair } }) {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca, undefined, true),
    new x509.KeyUsagesExtension(o.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (o.dns) extensions.push(new x509.SubjectAlternativeNameExtension(o.dns.map((d) => ({ type: 'dns' as const, value: d }))));
  if (o.aia) extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: [new x509.GeneralName('url', o.aia)] }));
  const common = { serialNumber: newSerial(), notBefore: new Date(now - 3600_000), notAfter: new Date(now + 365 * 86400_000), signingAlgorithm: RSA, extensions };
  const cert = o.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject, issuer: o.issuer.cert.subject, publicKey: keys.publicKey, signingKey: o.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    cert,
    certPem: cert.toString('pem') + '\n',
    asn: AsnConvert.parse(cert.rawData, Certificate),
    key: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    keys,
  };
}

function derSet(items: ArrayBuffer[]): Buffer {
  const body = Buffer.concat(items.map((i) => Buffer.from(i)).sort(Buffer.compare));
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([0x31]), len, body]);
}

/** PKCS#7 SignedData over `content` signed by `signer`, carrying `bag` certificates (DER, base64 as IMDS gives it). */
export function signPkcs7(content: Uint8Array, signer: SigningIdentity, bag: SigningIdentity[]): string {
  const digest = createHash('sha256').update(content).digest();
  const attrs = [
    new Attribute({ attrType: OID_CONTENT_TYPE, attrValues: [AsnObjectIdentifierConverter.toASN(OID_DATA).toBER()] }),
    new Attribute({ attrType: OID_MESSAGE_DIGEST, attrValues: [AsnConvert.serialize(new OctetString(digest))] }),
  ];
  const encoded = attrs.map((a) => AsnConvert.serialize(a));
  const signedAttrs = attrs.map((a, i) => ({ a, e: Buffer.from(encoded[i]!) })).sort((x, y) => Buffer.compare(x.e, y.e)).map((x) => x.a);
  const tbs = signer.asn.tbsCertificate;
  const si = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber }) }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID_SHA256 }),
    signedAttrs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_RSA, parameters: null }),
    signature: new OctetString(nodeSign('sha256', derSet(encoded), signer.key)),
  });
  const sd = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID_SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID_DATA, eContent: new EncapsulatedContent({ single: new OctetString(content) }) }),
    certificates: new CertificateSet(bag.map((c) => new CertificateChoices({ certificate: c.asn }))),
    signerInfos: new SignerInfos([si]),
  });
  return Buffer.from(AsnConvert.serialize(new ContentInfo({ contentType: OID_SIGNED_DATA, content: AsnConvert.serialize(sd) }))).toString('base64');
}

/** The chain of the test "Azure" signer. */
export interface ImdsPki {
  root: SigningIdentity;
  intermediate: SigningIdentity;
  /** The signing certificate (SAN `metadata.azure.com`), its AIA naming `intermediateUrl`. */
  signer: SigningIdentity;
  intermediateUrl: string;
}

/** Makes the test chain; `intermediateUrl` is where the signer's AIA says its issuer is. */
export async function makeImdsPki(intermediateUrl: string, signerDns: string[] = ['metadata.azure.com']): Promise<ImdsPki> {
  const root = await make('CN=Test Azure Root Certificate Authority, O=Test Microsoft Corporation, C=US', { ca: true });
  const intermediate = await make('CN=Test Azure TLS Issuing CA 01, O=Test Microsoft Corporation, C=US', { ca: true, issuer: root });
  const signer = await make('CN=metadata.azure.com, O=Test Microsoft Corporation, C=US', { ca: false, dns: signerDns, aia: intermediateUrl, issuer: intermediate });
  return { root, intermediate, signer, intermediateUrl };
}

/** A self-signed identity an attacker controls (for forgeries). */
export async function makeAttackerIdentity(dns: string[] = ['metadata.azure.com'], aia?: string): Promise<SigningIdentity> {
  return make('CN=metadata.azure.com, O=Attacker, C=US', { ca: false, dns, ...(aia ? { aia } : {}) });
}
