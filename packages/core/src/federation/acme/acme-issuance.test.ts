import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ACCOUNT_KEY_ID, certKeyId } from './account-key.js';
import { DOMAIN, fetchOverTls, startHarness, type Harness } from './test-support/acme-harness.js';
import { pebbleSkip } from './test-support/pebble.js';
import { FRONT_BODY } from './test-support/tls-front.js';

describe('AcmeIdentity against pebble: issuance, refusals, cache', { skip: pebbleSkip() }, () => {
  let h: Harness;
  let root: string;
  let leafFingerprint: string;

  before(async () => {
    h = await startHarness();
    root = await h.pebble.root();
  });
  after(async () => {
    await h?.close();
  });

  test('the first handshakes for domain_name share one order; the served chain verifies to pebble', async () => {
    const results = await Promise.all([1, 2, 3].map(() => fetchOverTls(h.front.port, { servername: DOMAIN, ca: root })));
    for (const r of results) assert.equal(r.body, FRONT_BODY);
    assert.equal(h.records.filter((r) => r.msg === 'Obtained ACME certificate').length, 1);
    // pebble validated through the front (tls-alpn-01), not around it.
    assert.ok(h.records.some((r) => r.msg === 'Serving tls-alpn-01 challenge certificate'));
    const [leafPem, ...intermediates] = results[0]!.chainPem;
    const leaf = new X509Certificate(leafPem!);
    assert.equal(leaf.subjectAltName, `DNS:${DOMAIN}`);
    leafFingerprint = leaf.fingerprint256;
    const files = { root: path.join(h.dir, 'root.pem'), inter: path.join(h.dir, 'inter.pem'), leaf: path.join(h.dir, 'leaf.pem') };
    await writeFile(files.root, root);
    await writeFile(files.inter, intermediates.join(''));
    await writeFile(files.leaf, leafPem!);
    const out = execFileSync('openssl', ['verify', '-CAfile', files.root, '-untrusted', files.inter, files.leaf]).toString();
    assert.equal(out.trim(), `${files.leaf}: OK`);
  });

  test('ToS accepted is logged with directory_url, tos_url and email', () => {
    const r = h.records.find((x) => x.msg === 'ACME Terms of Service accepted');
    assert.ok(r);
    assert.equal(r.level, 30);
    assert.equal(r.subsystem_name, 'bundle_acme');
    assert.equal(r.directory_url, h.pebble.directoryUrl);
    assert.equal(r.tos_url, 'data:text/plain,Do%20what%20thou%20wilt');
    assert.equal(r.email, 'admin@spire.test');
  });

  test('the account key is the KeyManager\'s; the cache holds the chain (no key) and the cert key, 0600 in a 0700 dir', async () => {
    assert.deepEqual((await h.km.getPublicKeys()).map((k) => k.id), [ACCOUNT_KEY_ID]);
    assert.equal((await stat(h.cacheDir)).mode & 0o777, 0o700);
    assert.deepEqual((await readdir(h.cacheDir)).sort(), [DOMAIN, certKeyId(DOMAIN)].sort());
    for (const f of [DOMAIN, certKeyId(DOMAIN)]) assert.equal((await stat(path.join(h.cacheDir, f))).mode & 0o777, 0o600, f);
    const chain = await readFile(path.join(h.cacheDir, DOMAIN), 'utf8');
    assert.doesNotMatch(chain, /PRIVATE KEY/);
    assert.equal(new X509Certificate(chain).fingerprint256, leafFingerprint);
    assert.match(await readFile(path.join(h.cacheDir, certKeyId(DOMAIN)), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const generated = h.records.filter((r) => r.msg === 'Generated new key').map((r) => r.id);
    assert.deepEqual(generated.sort(), [ACCOUNT_KEY_ID, certKeyId(DOMAIN)].sort());
  });

  test('missing SNI, a dot-less name, another host, and acme-tls/1 with no pending challenge are refused', async () => {
    const before = h.front.refusals.length;
    await assert.rejects(fetchOverTls(h.front.port, {}));
    await assert.rejects(fetchOverTls(h.front.port, { servername: 'localhost' }));
    await assert.rejects(fetchOverTls(h.front.port, { servername: 'other.spire.test' }));
    await assert.rejects(fetchOverTls(h.front.port, { servername: DOMAIN, alpn: ['acme-tls/1'] }));
    assert.deepEqual(h.front.refusals.slice(before), [
      'acme/autocert: missing server name',
      'acme/autocert: server name component count invalid',
      'acme/autocert: host "other.spire.test" not configured in HostWhitelist',
      `acme/autocert: no token cert for "${DOMAIN}"`,
    ]);
  });

  test('a restart with pebble stopped serves the cached certificate', async () => {
    await h.pebble.stop();
    await h.restart();
    assert.ok(h.records.some((r) => r.msg === 'Loaded cached ACME certificate'));
    const r = await fetchOverTls(h.front.port, { servername: DOMAIN, ca: root });
    assert.equal(r.body, FRONT_BODY);
    assert.equal(new X509Certificate(r.chainPem[0]!).fingerprint256, leafFingerprint);
  });
});
