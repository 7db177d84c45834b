import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { TEST_CA_CERT_PATH } from '@spire-ts/emulator-kit';
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

/** An enrollment request with the emulator's default names. */
export async function enrollBody(over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    certificate_request: (await makeCaCsr(['spiffe://example.org'])).pem,
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
