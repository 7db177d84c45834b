// @peculiar/x509 needs the Reflect metadata polyfill loaded before it (its DI container asks for it).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh P-256 key pair, as SPIRE's agent makes for each SVID. */
export interface KeyPair {
  keys: webcrypto.CryptoKeyPair;
  /** PKCS#8 PEM of the private key (for TLS). */
  privateKeyPem: string;
}

/** Generates a P-256 key pair. */
export async function newKey(): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const b64 = pkcs8.toString('base64').replace(/(.{64})/g, '$1\n');
  return { keys, privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n` };
}

/**
 * A DER PKCS#10 request for `key`. SPIRE's agent sends a bare request (no SAN) for its own SVID;
 * a URI SAN can be given to check that the server ignores what the CSR asks for.
 */
export async function csrFor(key: KeyPair, uriSan?: string): Promise<Buffer> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=spire-ts test agent',
    keys: key.keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: uriSan ? [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: uriSan }])] : [],
  });
  return Buffer.from(csr.rawData);
}

/** PEM of DER certificates, in order. */
export function certsPem(ders: Uint8Array[]): string {
  return ders
    .map((d) => {
      const b64 = Buffer.from(d).toString('base64').replace(/(.{64})/g, '$1\n');
      return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
    })
    .join('');
}
