/**
 * The fixed test CA the HTTPS emulators chain to (tls/test-ca.pem, made once, its key in this
 * repository). A process must trust it before it starts, through `NODE_EXTRA_CA_CERTS`; a fixed
 * CA is what makes that possible for an emulator started later. Tests only.
 */
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { issue, type Issued } from './pki.js';
import * as x509 from './x509-lib.js';

/** Absolute path of the test CA's certificate (PEM): the value for `NODE_EXTRA_CA_CERTS`. */
export const TEST_CA_CERT_PATH = fileURLToPath(new URL('../tls/test-ca.pem', import.meta.url));
const TEST_CA_KEY_PATH = fileURLToPath(new URL('../tls/test-ca-key.pem', import.meta.url));

let ca: Promise<Issued> | undefined;

/** The test CA with its key. */
export function testCa(): Promise<Issued> {
  return (ca ??= (async () => {
    const certPem = readFileSync(TEST_CA_CERT_PATH, 'utf8');
    const keyPem = readFileSync(TEST_CA_KEY_PATH, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    const alg = { name: 'ECDSA', namedCurve: 'P-256' };
    const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), alg, true, ['sign']);
    const publicKey = await cert.publicKey.export(alg, ['verify']);
    return { cert, keys: { privateKey, publicKey }, certPem, keyPem };
  })());
}

/** A serving certificate for 127.0.0.1 and localhost (and `dns`), signed by the test CA. */
export async function testServingIdentity(dns: string[] = []): Promise<{ certPem: string; keyPem: string }> {
  const served = await issue({ subject: 'CN=127.0.0.1', dns: ['localhost', ...dns], ips: ['127.0.0.1'], eku: ['1.3.6.1.5.5.7.3.1'] }, await testCa());
  return { certPem: served.certPem, keyPem: served.keyPem };
}
