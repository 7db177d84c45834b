import { randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from './x509-lib.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const SIGNING = { name: 'ECDSA', hash: 'SHA-256' };
const DAY = 24 * 60 * 60 * 1000;

/** Imports a node:crypto public key into WebCrypto so @peculiar/x509 can put it in a certificate. */
async function importPublic(key: KeyObject): Promise<CryptoKey> {
  const spki = key.export({ type: 'spki', format: 'der' });
  if (key.asymmetricKeyType === 'rsa') {
    return webcrypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
  }
  const crv = key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : key.asymmetricKeyDetails?.namedCurve === 'secp521r1' ? 'P-521' : 'P-256';
  return webcrypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: crv }, true, ['verify']);
}

/** What a certificate the test CA issues looks like. */
export interface IssueOptions {
  /** Subject common name ('' for an empty subject). */
  cn: string;
  publicKey: KeyObject;
  /** Extra extensions (e.g. a critical one the verifier does not know). */
  extensions?: x509.Extension[];
}

/**
 * A test certificate authority (P-256, a day of validity) for DevID certificates and for EK-like
 * certificates in unit tests. Each `create` makes a fresh key, so two CAs never trust each other.
 */
export class TestCa {
  private constructor(
    private readonly keys: CryptoKeyPair,
    /** The CA certificate. */
    readonly cert: x509.X509Certificate,
  ) {}

  /** A self-signed root CA, or an intermediate signed by `parent`. */
  static async create(cn: string, parent?: TestCa): Promise<TestCa> {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
      subject: `CN=${cn}`,
      issuer: parent ? parent.cert.subject : `CN=${cn}`,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
      publicKey: keys.publicKey,
      signingKey: parent ? parent.keys.privateKey : keys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    return new TestCa(keys, cert);
  }

  /** The CA certificate's DER. */
  get der(): Buffer {
    return Buffer.from(this.cert.rawData);
  }

  /** The CA certificate as PEM. */
  get pem(): string {
    return this.cert.toString('pem') + '\n';
  }

  /** Issues an end-entity certificate (digitalSignature) for `o.publicKey`. Resolves with its DER. */
  async issue(o: IssueOptions): Promise<Buffer> {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
      subject: o.cn === '' ? '' : `CN=${o.cn}`,
      issuer: this.cert.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
      publicKey: await importPublic(o.publicKey),
      signingKey: this.keys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), ...(o.extensions ?? [])],
    });
    return Buffer.from(cert.rawData);
  }
}
