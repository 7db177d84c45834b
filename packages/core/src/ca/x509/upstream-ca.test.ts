import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCertificate } from './certificate.js';
import { checkCaCsr, checkUpstreamCredentials, parseCertificatesPem, parseUpstreamKey, signCaCsr } from './upstream-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'upstream-ca-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const CA = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

// Made by the openssl CLI, not by the code under test: two roots, an intermediate of the first.
openssl('req', '-x509', ...EC, '-keyout', 'a.key', '-out', 'a.crt', '-subj', '/CN=root-a', '-days', '2', ...CA);
openssl('req', '-x509', ...EC, '-keyout', 'b.key', '-out', 'b.crt', '-subj', '/CN=root-b', '-days', '2', ...CA);
openssl('req', ...EC, '-keyout', 'i.key', '-out', 'i.csr', '-subj', '/CN=int');
writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
openssl('x509', '-req', '-in', 'i.csr', '-CA', 'a.crt', '-CAkey', 'a.key', '-set_serial', '7', '-days', '1', '-extfile', 'ext.cnf', '-out', 'i.crt');

function csr(uris: string[]): Uint8Array {
  const san = uris.length ? ['-addext', `subjectAltName=${uris.map((u) => `URI:${u}`).join(',')}`] : [];
  openssl('req', '-new', ...EC, '-keyout', 'c.key', '-subj', '/O=SPIFFE', ...san, '-outform', 'DER', '-out', 'c.der');
  return new Uint8Array(readFileSync(join(dir, 'c.der')));
}

const errors = { onlySelfSigned: () => new Error('self'), keyMismatch: () => new Error('mismatch'), notValidated: () => new Error('chain') };
const creds = (key: string, cert: string, bundle?: string) =>
  checkUpstreamCredentials({ ...parseUpstreamKey(read(key)), certs: parseCertificatesPem(read(cert)), ...(bundle ? { bundle: parseCertificatesPem(read(bundle)) } : {}) }, errors);

describe('upstream CA credentials', () => {
  it('takes a self-signed root alone, and an intermediate with its bundle', () => {
    assert.equal(creds('a.key', 'a.crt').chain.length, 0);
    const c = creds('i.key', 'i.crt', 'a.crt');
    assert.equal(c.chain.length, 1);
    assert.equal(c.roots.length, 1);
  });

  it("raises the plugin's own error for each failed check", () => {
    writeFileSync(join(dir, 'both.crt'), read('i.crt') + read('a.crt'));
    assert.throws(() => creds('i.key', 'both.crt'), /^Error: self$/);
    assert.throws(() => creds('b.key', 'a.crt'), /^Error: mismatch$/);
    assert.throws(() => creds('i.key', 'i.crt', 'b.crt'), /^Error: chain$/);
    assert.throws(() => parseCertificatesPem('nothing'), /no PEM blocks/);
  });
});

describe('server CA CSR', () => {
  const td = 'spiffe://example.org';
  it('needs exactly one URI SAN, the trust domain ID', () => {
    assert.deepEqual(checkCaCsr(csr([td]), td).uris, [td]);
    assert.throws(() => checkCaCsr(csr([td, `${td}/x`]), td), /^Error: CSR must have exactly one URI SAN$/);
    assert.throws(() => checkCaCsr(csr([]), td), /^Error: CSR must have exactly one URI SAN$/);
    assert.throws(() => checkCaCsr(csr(['spiffe://other.org']), td), /must use the trust domain ID for trust domain "example.org"/);
    assert.throws(() => checkCaCsr(Uint8Array.of(1, 2, 3), td), /^Error: unable to parse CSR: /);
  });

  it('signs for an hour by default, never past the upstream CA', async () => {
    const c = creds('i.key', 'i.crt', 'a.crt');
    const now = Date.now();
    const hour = readCertificate(await signCaCsr(c, csr([td]), td, 0, now));
    assert.equal(hour.notAfter, Math.floor((now + 3600_000) / 1000) * 1000);
    const long = readCertificate(await signCaCsr(c, csr([td]), td, 10 * 86400, now));
    assert.equal(long.notAfter, readCertificate(c.caCert).notAfter);
    assert.equal(long.isCA, true);
  });
});
