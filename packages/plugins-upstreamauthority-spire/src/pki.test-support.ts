// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A certificate with its key, DER and PEM. */
export interface TestCert {
  der: Uint8Array;
  certPem: string;
  keyPem: string;
  /** Unencrypted PKCS#8 DER of the key. */
  keyDer: Uint8Array;
  keys: webcrypto.CryptoKeyPair;
  cert: x509.X509Certificate;
}

async function finish(cert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): Promise<TestCert> {
  const keyDer = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { der: new Uint8Array(cert.rawData), certPem: cert.toString('pem') + '\n', keyPem: x509.PemConverter.encode(keyDer.buffer as ArrayBuffer, 'PRIVATE KEY'), keyDer, keys, cert };
}

const serial = () => randomBytes(16).toString('hex').replace(/^./, '1');

/** A self-signed root CA of `trustDomain` (URI SAN spiffe://<td>), as SPIRE's roots are. */
export async function makeRoot(trustDomain = 'example.org'): Promise<TestCert> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'C=US, O=SPIFFE',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return finish(cert, keys);
}

/** An X509-SVID for `id` signed by `issuer`. */
export async function makeSvid(issuer: TestCert, id: string, ttlMs = 3600_000): Promise<TestCert> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'C=US, O=SPIRE',
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + ttlMs),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: id }]),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return finish(cert, keys);
}
