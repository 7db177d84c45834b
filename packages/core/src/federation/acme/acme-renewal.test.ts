import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { certKeyId } from './account-key.js';
import { RENEW_BEFORE_MS, RENEW_JITTER_MS } from './acme-identity.js';
import { DOMAIN, fetchOverTls, startHarness, type Harness } from './test-support/acme-harness.js';
import { pebbleSkip } from './test-support/pebble.js';

const DAY = 24 * 3600 * 1000;

async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('AcmeIdentity against pebble: renewal 30 days before expiry', { skip: pebbleSkip() }, () => {
  let h: Harness;
  let clock = Date.now();
  // pebble dates every certificate from the real time, so a renewed certificate expires when the
  // first did and would fall due again at once under the moved clock: once a second certificate
  // is obtained, the clock goes back to the real time.
  const obtained = () => h.records.filter((r) => r.msg === 'Obtained ACME certificate').length;
  const now = () => (obtained() >= 2 ? Date.now() : clock);
  before(async () => {
    // No authorization reuse: every order is validated through the front again.
    h = await startHarness({ now, renewCheckIntervalMs: 20, pebbleEnv: { PEBBLE_AUTHZREUSE: '0' } });
  });
  after(async () => {
    await h?.close();
  });

  test('not renewed before renew_before + jitter; a failed renewal waits 30-60 min; then renewed with the same key', async () => {
    const first = new X509Certificate((await fetchOverTls(h.front.port, { servername: DOMAIN })).chainPem[0]!);
    const notAfter = Date.parse(first.validTo);
    const keyBefore = await readFile(path.join(h.cacheDir, certKeyId(DOMAIN)), 'utf8');
    const renewed = () => h.records.filter((r) => r.msg === 'Renewed ACME certificate').length;

    clock = notAfter - RENEW_BEFORE_MS - RENEW_JITTER_MS - DAY;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(renewed(), 0);

    const failed = () => h.records.filter((r) => r.msg === 'Failed to renew ACME certificate; will retry').length;
    h.blockChallenges = true;
    clock = notAfter - RENEW_BEFORE_MS + DAY;
    await waitFor('a failed renewal', () => failed() === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(failed(), 1);
    assert.equal(renewed(), 0);
    // The old certificate is served meanwhile.
    const during = new X509Certificate((await fetchOverTls(h.front.port, { servername: DOMAIN })).chainPem[0]!);
    assert.equal(during.serialNumber, first.serialNumber);

    h.blockChallenges = false;
    clock += RENEW_JITTER_MS + 1000;
    await waitFor('renewal', () => renewed() === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(renewed(), 1);
    assert.equal(failed(), 1);
    const second = new X509Certificate((await fetchOverTls(h.front.port, { servername: DOMAIN })).chainPem[0]!);
    assert.notEqual(second.serialNumber, first.serialNumber);
    assert.equal(new X509Certificate(await readFile(path.join(h.cacheDir, DOMAIN), 'utf8')).serialNumber, second.serialNumber);
    assert.equal(await readFile(path.join(h.cacheDir, certKeyId(DOMAIN)), 'utf8'), keyBefore);
    assert.ok(second.publicKey.equals(first.publicKey));
  });
});
