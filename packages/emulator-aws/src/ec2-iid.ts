/**
 * The instance identity document side of EC2, for tests: a self-signed test "AWS" certificate
 * and key (AWS's own signing key being out of reach), identity documents shaped as the instance
 * metadata service serves them, their RSA-2048 PKCS#7 (`rsa2048`) and their RSA signature over
 * the document bytes (`signature`, PKCS#1 v1.5 SHA-256), and the aws_iid agent's payload.
 */
// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
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
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';

/** What the aws_iid agent sends: the document text and its two signatures (base64). */
export interface IidAttestationData {
  document: string;
  /** RSA signature (PKCS#1 v1.5, SHA-256) over the document bytes, base64. */
  signature: string;
  /** The RSA-2048 PKCS#7 SignedData (DER, base64, no PEM armour) holding the document. */
  rsa2048: string;
}

/** The identity document's fields a test sets. */
export interface IidDocumentFields {
  accountId: string;
  region: string;
  instanceId: string;
  availabilityZone?: string;
  imageId?: string;
  instanceType?: string;
  privateIp?: string;
  pendingTime?: Date;
}

/** An identity document as the instance metadata service serves it (pretty-printed JSON). */
export function buildIidDocument(f: IidDocumentFields): string {
  const doc = {
    accountId: f.accountId,
    architecture: 'x86_64',
    availabilityZone: f.availabilityZone ?? `${f.region}a`,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: f.imageId ?? 'ami-0123456789abcdef0',
    instanceId: f.instanceId,
    instanceType: f.instanceType ?? 't3.micro',
    kernelId: null,
    pendingTime: (f.pendingTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    privateIp: f.privateIp ?? '10.0.0.10',
    ramdiskId: null,
    region: f.region,
    version: '2017-09-30',
  };
  return JSON.stringify(doc, null, 2);
}

/** The agent's payload bytes: `{"document","signature","rsa2048"}` as JSON. */
export function iidPayload(data: IidAttestationData): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ document: data.document, signature: data.signature, rsa2048: data.rsa2048 }));
}

/** How {@link IidSigner.pkcs7} builds a SignedData (the defaults are AWS's shape). */
export interface Pkcs7Options {
  /** Signed attributes (content type, signing time, message digest); default true. */
  signedAttributes?: boolean;
  /** Replaces the messageDigest attribute's value. */
  messageDigest?: Uint8Array;
  /** Embed the signer's certificate (AWS does not); default false. */
  includeCertificate?: boolean;
}

/** Options of {@link IidSigner.create}. */
export interface IidSignerOptions {
  /** Subject and issuer common name (default `ec2.amazonaws.com test`). */
  commonName?: string;
  /** Serial number, hex (default random). */
  serialNumber?: string;
}

function derSet(items: ArrayBuffer[]): Buffer {
  // DER orders the elements of a SET OF by their encodings.
  const body = Buffer.concat(items.map((i) => Buffer.from(i)).sort(Buffer.compare));
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([0x31]), len, body]);
}

/**
 * A test "AWS": an RSA-2048 key and its self-signed certificate, which signs identity documents
 * as AWS does. Give its certificate to aws_iid through the plugin's test-only region certificate
 * override ({@link IidSigner.certsByRegion}). Immutable; every method may be called any number
 * of times.
 */
export class IidSigner {
  private constructor(
    /** The certificate, PEM. */
    readonly certPem: string,
    private readonly cert: Certificate,
    private readonly key: KeyObject,
  ) {}

  /** Makes a fresh key and certificate (valid from an hour ago for ten years). */
  static async create(opts: IidSignerOptions = {}): Promise<IidSigner> {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: opts.serialNumber ?? Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
        name: `C=US, ST=Washington State, L=Seattle, O=Amazon Web Services LLC, CN=${opts.commonName ?? 'ec2.amazonaws.com test'}`,
        notBefore: new Date(now - 3600_000),
        notAfter: new Date(now + 10 * 365 * 86400_000),
        keys,
        signingAlgorithm: alg,
      },
      webcrypto as never,
    );
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    return new IidSigner(cert.toString('pem'), AsnConvert.parse(cert.rawData, Certificate), createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  }

  /** Region → this certificate's PEM, for every region given: the override table aws_iid reads. */
  certsByRegion(regions: readonly string[]): Record<string, string> {
    return Object.fromEntries(regions.map((r) => [r, this.certPem]));
  }

  /** The RSA signature of `signature`: PKCS#1 v1.5 SHA-256 over the document bytes, base64. */
  rsaSignature(document: string): string {
    return nodeSign('sha256', Buffer.from(document, 'utf8'), this.key).toString('base64');
  }

  /** A PKCS#7 SignedData holding `content` (DER), signed by this key and naming this certificate. */
  pkcs7(content: string | Uint8Array, opts: Pkcs7Options = {}): Buffer {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const digest = createHash('sha256').update(bytes).digest();
    let signedAttrs: Attribute[] | undefined;
    let toSign: Buffer = bytes;
    if (opts.signedAttributes ?? true) {
      signedAttrs = [
        new Attribute({ attrType: OID_CONTENT_TYPE, attrValues: [AsnObjectIdentifierConverter.toASN(OID_DATA).toBER()] }),
        new Attribute({ attrType: OID_SIGNING_TIME, attrValues: [AsnConvert.serialize(new Time(new Date()))] }),
        new Attribute({ attrType: OID_MESSAGE_DIGEST, attrValues: [AsnConvert.serialize(new OctetString(opts.messageDigest ?? digest))] }),
      ];
      const encoded = signedAttrs.map((a) => AsnConvert.serialize(a));
      signedAttrs = signedAttrs.map((a, i) => ({ a, e: Buffer.from(encoded[i]!) })).sort((x, y) => Buffer.compare(x.e, y.e)).map((x) => x.a);
      toSign = derSet(encoded);
    }
    const signerInfo = new SignerInfo({
      version: 1,
      sid: new SignerIdentifier({
        issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: this.cert.tbsCertificate.issuer, serialNumber: this.cert.tbsCertificate.serialNumber }),
      }),
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID_SHA256 }),
      ...(signedAttrs ? { signedAttrs } : {}),
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_RSA, parameters: null }),
      signature: new OctetString(nodeSign('sha256', toSign, this.key)),
    });
    const signedData = new SignedData({
      version: 1,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID_SHA256 })]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID_DATA, eContent: new EncapsulatedContent({ single: new OctetString(bytes) }) }),
      ...(opts.includeCertificate ? { certificates: new CertificateSet([new CertificateChoices({ certificate: this.cert })]) } : {}),
      signerInfos: new SignerInfos([signerInfo]),
    });
    return Buffer.from(AsnConvert.serialize(new ContentInfo({ contentType: OID_SIGNED_DATA, content: AsnConvert.serialize(signedData) })));
  }

  /** The document with both signatures, as the agent reads them from the metadata service. */
  sign(document: string, opts: Pkcs7Options = {}): IidAttestationData {
    return { document, signature: this.rsaSignature(document), rsa2048: this.pkcs7(document, opts).toString('base64') };
  }
}
