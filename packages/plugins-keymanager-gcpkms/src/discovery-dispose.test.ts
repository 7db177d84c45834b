import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { PERIODS } from './gcp-kms-key-manager.js';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { KEY_RING, startKeyManager, startKmsEmulator } from './test-support.js';


describe('gcp_kms: discovery after restart, keep-active and disposal', () => {
  let gcp: GcpEmulator & { restoreEnv(): void };
  const dir = mkdtempSync(join(tmpdir(), 'gcpkms-'));
  before(async () => (gcp = await startKmsEmulator()));
  after(async () => {
    await gcp.close();
    gcp.restoreEnv();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds its own keys again after a restart (server ID from key_identifier_file), not other servers\' or trust domains\'', async () => {
    const idFile = join(dir, 'server-id');
    const km = await startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: idFile });
    const a = await km.generateKey('x509-CA-A', 'ec-p256');
    await km.close();
    assert.match(readFileSync(idFile, 'utf8'), /^[0-9a-f-]{36}$/);
    const other = await startKeyManager({ keyIdentifierValue: 'other' });
    await other.generateKey('x509-CA-A', 'ec-p256');
    await other.close();
    const otherTd = await startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: idFile }, { trustDomain: 'other.org' });
    assert.deepEqual(await otherTd.getPublicKeys(), []);
    await otherTd.close();
    const again = await startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: idFile });
    assert.deepEqual(await again.getPublicKeys(), [a]);
    await again.close();
  });

  it('refuses a server ID file that holds no UUID, and a key policy file that is not JSON', async () => {
    const bad = join(dir, 'bad-id');
    writeFileSync(bad, 'not-a-uuid');
    await rejectsWith(startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: bad }), Code.INTERNAL, 'failed to parse server ID from path: invalid UUID "not-a-uuid"');
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, '{nope');
    await rejectsWith(startKeyManager({ keyPolicyFile: policy }), Code.INTERNAL, /^could not parse policy file: /);
  });

  it('sets the IAM policy of key_policy_file on new keys', async () => {
    const policy = join(dir, 'good-policy.json');
    const bindings = [{ role: 'roles/cloudkms.signer', members: ['group:spire@example.org'] }];
    writeFileSync(policy, JSON.stringify({ bindings }));
    const km = await startKeyManager({ keyIdentifierValue: 'pol', keyPolicyFile: policy });
    await km.generateKey('k', 'ec-p256');
    assert.deepEqual(gcp.kms.cryptoKeys.get(`${KEY_RING}/cryptoKeys/spire-key-pol-k`)!.iamPolicy.bindings, bindings);
    await km.close();
  });

  it('refreshes spire-last-update every 6 hours and disposes of stale keys of other servers every 48 hours', async () => {
    const clock = new FakeTaskClock(new Date());
    const stale = await startKeyManager({ keyIdentifierValue: 'gone' }, { clock });
    await stale.generateKey('k', 'ec-p256');
    await stale.close();
    const goneKey = gcp.kms.cryptoKeys.get(`${KEY_RING}/cryptoKeys/spire-key-gone-k`)!;

    const km = await startKeyManager({ keyIdentifierValue: 'live' }, { clock });
    await km.generateKey('k', 'ec-p256');
    const liveKey = gcp.kms.cryptoKeys.get(`${KEY_RING}/cryptoKeys/spire-key-live-k`)!;
    const before = liveKey.labels['spire-last-update'];
    await clock.advance(PERIODS.keepActive);
    assert.equal(Number(liveKey.labels['spire-last-update']), Number(before) + 6 * 3600);

    // Two weeks later the other server's key is stale: its versions are destroyed, then it is marked inactive.
    await clock.advance(PERIODS.maxStale + PERIODS.dispose);
    for (let i = 0; i < 50 && goneKey.versions[0]!.state === 'ENABLED'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(goneKey.versions[0]!.state, 'DESTROY_SCHEDULED');
    assert.equal(liveKey.versions[0]!.state, 'ENABLED');
    await clock.advance(PERIODS.dispose);
    assert.equal(goneKey.labels['spire-active'], 'false');
    assert.equal(liveKey.labels['spire-active'], 'true');
    await km.close();
  });
});
