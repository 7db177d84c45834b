import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { webcrypto } from 'node:crypto';
import { TEST_CA_CERT_PATH, x509 } from '@spire-ts/emulator-kit';
import { PKCS10_ENROLL_PATH, type EjbcaEmulator } from './index.js';

// Test support: a bare HTTPS client of the emulator and a CSR maker (not shipped behaviour).

export interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** POSTs `body` to the enrollment path with the given client certificate (or none). */
export function post(e: EjbcaEmulator, body: unknown, client?: { certPem: string; keyPem: string }, path = PKCS10_ENROLL_PATH): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${e.url}${path}`,
      { method: 'POST', ca: readFileSync(TEST_CA_CERT_PATH, 'utf8'), ...(client ? { cert: client.certPem, key: client.keyPem } : {}), headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

/** A PEM CSR with subject C=US, O=SPIFFE and the URI SAN, as SPIRE's server CA asks. */
export async function caCsrPem(uri = 'spiffe://example.org'): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=US, O=SPIFFE',
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: uri }])],
  });
  return csr.toString('pem');
}

/** An enrollment request with the emulator's default names. */
export async function enrollBody(over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    certificate_request: await caCsrPem(),
    certificate_authority_name: 'Fake-Sub-CA',
    end_entity_profile_name: 'fakeSpireIntermediateCAEEP',
    certificate_profile_name: 'fakeSubCACP',
    username: 'spiffe://example.org',
    password: 'pw',
    include_chain: true,
    account_binding_id: 'foo123',
    ...over,
  };
}
