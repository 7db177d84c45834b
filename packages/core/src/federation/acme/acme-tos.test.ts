import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { DOMAIN, fetchOverTls, startHarness, type Harness } from './test-support/acme-harness.js';
import { pebbleSkip } from './test-support/pebble.js';

const TOS_WARNING = 'ACME Terms of Service have not been accepted. See the `tos_accepted` configurable';

describe('AcmeIdentity against pebble: tos_accepted = false', { skip: pebbleSkip() }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tosAccepted: false });
  });
  after(async () => {
    await h?.close();
  });

  test('warns at start, refuses registration and so the handshake; nothing is cached', async () => {
    const startWarn = h.records.find((r) => r.msg === TOS_WARNING);
    assert.equal(startWarn?.level, 40);
    await assert.rejects(fetchOverTls(h.front.port, { servername: DOMAIN }));
    const prompt = h.records.find((r) => r.msg === TOS_WARNING && r.tos_url !== undefined);
    assert.ok(prompt);
    assert.equal(prompt.level, 40);
    assert.equal(prompt.tos_url, 'data:text/plain,Do%20what%20thou%20wilt');
    assert.equal(prompt.directory_url, h.pebble.directoryUrl);
    assert.equal(prompt.email, 'admin@spire.test');
    assert.equal(h.front.refusals.length, 1);
    assert.match(h.front.refusals[0]!, /^acme\/autocert: unable to obtain a certificate for "bundle\.spire\.test": .*terms of service/i);
    assert.deepEqual(await readdir(h.cacheDir), []);
  });
});
