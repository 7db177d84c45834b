import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDomain } from '@spire-ts/core/plugin';

/** The trust domain the tests configure. */
export const TD = 'example.org';
/** Core config of the tests. */
export const core = { trustDomain: TrustDomain.parse(TD), dataDir: '/tmp' };

/** A server CA CSR (DER) for `spiffe://<td>` and a self-signed CA (PEM), made by openssl. */
export function opensslMaterial(td = TD): { csr: Uint8Array; caPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cert-manager-'));
  try {
    const key = join(dir, 'k');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-outform', 'DER', '-out', join(dir, 'csr'), '-subj', '/C=US/O=SPIFFE', '-addext', `subjectAltName=URI:spiffe://${td}`], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=upstream', '-days', '1'], { stdio: 'ignore' });
    return { csr: new Uint8Array(readFileSync(join(dir, 'csr'))), caPem: readFileSync(join(dir, 'ca.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first item of a stream. */
export async function first<T>(it: AsyncIterable<T>): Promise<T> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}
