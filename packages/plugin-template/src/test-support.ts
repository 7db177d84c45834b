import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginBundle } from '@spire-ts/plugin-sdk';

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bundle-file-'));
}

/** A bundle with `n` self-signed CA certificates made by openssl (DER). */
export function bundleWithCerts(dir: string, n: number): PluginBundle {
  const x509Authorities = [];
  for (let i = 0; i < n; i++) {
    const key = join(dir, `ca${i}.key`);
    const der = join(dir, `ca${i}.der`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-outform', 'DER', '-out', der, '-subj', `/CN=test-ca-${i}`, '-days', '1'], { stdio: 'ignore' });
    x509Authorities.push({ asn1: new Uint8Array(readFileSync(der)), tainted: false });
  }
  return { trustDomain: 'example.org', x509Authorities, jwtAuthorities: [], refreshHint: 0, sequenceNumber: 1 };
}

/** Subjects of every certificate in a PEM file, as `openssl storeutl` reads them. */
export function pemSubjects(path: string): string[] {
  const out = execFileSync('openssl', ['storeutl', '-noout', '-text', '-certs', path], { encoding: 'utf8' });
  return [...out.matchAll(/Subject: (.*)/g)].map((m) => m[1]!.trim());
}
