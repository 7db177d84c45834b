import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM armor of DER certificates, for openssl's input files (64-character lines, as openssl reads). */
function certsPem(ders: readonly Uint8Array[]): string {
  return ders.map((d) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(d).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`).join('');
}

/** Runs openssl with files written to a temporary directory; returns its output and status. */
export function openssl(args: (dir: string) => string[], files: Record<string, string>): { status: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ca-openssl-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync('openssl', args(dir), { encoding: 'utf8' });
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `openssl verify -CAfile bundle.pem [-untrusted chain.pem] leaf.pem`, at the given time (Unix
 * seconds) when set. Returns openssl's status and output.
 */
export function opensslVerify(
  bundle: Uint8Array[],
  leaf: Uint8Array,
  intermediates: Uint8Array[] = [],
  atTime?: number,
): { ok: boolean; out: string } {
  const files: Record<string, string> = { 'bundle.pem': certsPem(bundle), 'leaf.pem': certsPem([leaf]) };
  if (intermediates.length > 0) files['chain.pem'] = certsPem(intermediates);
  const r = openssl(
    (d) => [
      'verify',
      ...(atTime !== undefined ? ['-attime', String(atTime)] : []),
      '-CAfile',
      join(d, 'bundle.pem'),
      ...(intermediates.length > 0 ? ['-untrusted', join(d, 'chain.pem')] : []),
      join(d, 'leaf.pem'),
    ],
    files,
  );
  return { ok: r.status === 0 && /: OK\s*$/.test(r.out.trim()), out: r.out };
}

/** `openssl x509 -text -noout` of a certificate. Throws when openssl cannot read it. */
export function opensslText(der: Uint8Array): string {
  const r = openssl((d) => ['x509', '-text', '-noout', '-in', join(d, 'c.pem')], { 'c.pem': certsPem([der]) });
  if (r.status !== 0) throw new Error(`openssl x509 failed: ${r.out}`);
  return r.out;
}
