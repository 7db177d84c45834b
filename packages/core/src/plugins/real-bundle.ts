import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginBundle } from './types.js';

/**
 * A bundle for tests that need real keys: one self-signed P-256 CA certificate with subject
 * `CN=ca-<sequenceNumber>` (made by the `openssl` CLI, which must be on PATH) and one P-256 JWT
 * key with key ID `kid-<sequenceNumber>`; refresh hint 0. Each call makes new keys.
 */
export function realBundle(sequenceNumber = 1): PluginBundle {
  const dir = mkdtempSync(join(tmpdir(), 'real-bundle-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-outform', 'DER', '-out', join(dir, 'c'), '-subj', `/CN=ca-${sequenceNumber}`, '-days', '1'], { stdio: 'ignore' });
    const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    return {
      trustDomain: 'example.org',
      x509Authorities: [{ asn1: new Uint8Array(readFileSync(join(dir, 'c'))), tainted: false }],
      jwtAuthorities: [{ publicKey: new Uint8Array(jwt), keyId: `kid-${sequenceNumber}`, expiresAt: 0, tainted: false }],
      refreshHint: 0,
      sequenceNumber,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
