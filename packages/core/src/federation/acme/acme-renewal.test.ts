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
  before(async () => {
    h = await startHarness({ now: () => clock, renewCheckIntervalMs: 20 });
  });
  after(async () => {
    await h?.close();
  });

  test('not renewed before renew_before + jitter; renewed (same key) once inside it', async () => {
    const first = new X509Certificate((await fetchOverTls(h.front.port, { servername: DOMAIN })).chainPem[0]!);
    const notAfter = Date.parse(first.validTo);
    const keyBefore = await readFile(path.join(h.cacheDir, certKeyId(DOMAIN)), 'utf8');
    const renewed = () => h.records.filter((r) => r.msg === 'Renewed ACME certificate').length;

    clock = notAfter - RENEW_BEFORE_MS - RENEW_JITTER_MS - DAY;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(renewed(), 0);

    clock = notAfter - RENEW_BEFORE_MS + DAY;
    await waitFor('renewal', () => renewed() === 1);
    const second = new X509Certificate((await fetchOverTls(h.front.port, { servername: DOMAIN })).chainPem[0]!);
    assert.notEqual(second.serialNumber, first.serialNumber);
    assert.equal(new X509Certificate(await readFile(path.join(h.cacheDir, DOMAIN), 'utf8')).serialNumber, second.serialNumber);
    assert.equal(await readFile(path.join(h.cacheDir, certKeyId(DOMAIN)), 'utf8'), keyBefore);
    assert.ok(second.publicKey.equals(first.publicKey));
  });
});
