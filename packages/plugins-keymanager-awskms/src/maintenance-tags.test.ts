import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { HOUR_MS } from './maintenance.js';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { startKeyManager, startKmsEmulator } from './test-support.js';

const DAY = 24 * HOUR_MS;
const secs = (ms: number) => String(Math.floor(ms / 1000));

describe('aws_kms background tasks (tag mode, fake clock)', () => {
  let aws: AwsEmulator;
  let kms: KMSClient;
  before(async () => {
    aws = await startKmsEmulator();
    kms = new KMSClient({ region: 'us-east-1', endpoint: aws.url });
  });
  after(async () => {
    kms.destroy();
    await aws.close();
  });

  async function tagged(tags: Record<string, string>) {
    const out = await kms.send(
      new CreateKeyCommand({
        KeyUsage: 'SIGN_VERIFY',
        KeySpec: 'ECC_NIST_P256',
        Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
      }),
    );
    return aws.kms.findKey(out.KeyMetadata!.Arn!)!;
  }

  it('stamps spire-last-update on its keys every 6 hours', async () => {
    const clock = new FakeTaskClock(new Date('2031-01-01T00:00:00Z'));
    const t0 = clock.now().getTime();
    const km = await startKeyManager({ keyIdentifierValue: 'tg-1', enableTagBasedKeyDiscovery: true }, { clock });
    await km.generateKey('k', 'ec-p256');
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/tg-1/k')!;
    assert.equal(key.tags.get('spire-last-update'), secs(t0));
    await clock.advance(6 * HOUR_MS - 1);
    assert.equal(key.tags.get('spire-last-update'), secs(t0));
    await clock.advance(1);
    assert.equal(key.tags.get('spire-last-update'), secs(t0 + 6 * HOUR_MS));
    await km.close();
  });

  it('every 48 hours deletes other servers\u2019 keys not stamped for 14 days and marks them inactive', async () => {
    const clock = new FakeTaskClock(new Date('2031-02-01T00:00:00Z'));
    const t0 = clock.now().getTime();
    const at48h = t0 + 48 * HOUR_MS;
    const td = { 'spire-server-td': 'example.org', 'spire-server-id': 'peer', 'spire-active': 'true' };
    const stale = await tagged({ ...td, 'spire-last-update': secs(at48h - 14 * DAY) });
    const unstamped = await tagged(td);
    const malformed = await tagged({ ...td, 'spire-last-update': 'yesterday' });
    const recent = await tagged({ ...td, 'spire-last-update': secs(at48h - 14 * DAY + 1000) });
    const otherTd = await tagged({ ...td, 'spire-server-td': 'example.org2', 'spire-last-update': '0' });
    const pending = await tagged({ ...td, 'spire-last-update': '0' });
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.arn, PendingWindowInDays: 7 }));
    const km = await startKeyManager({ keyIdentifierValue: 'tg-2', enableTagBasedKeyDiscovery: true }, { clock });
    await km.generateKey('k', 'ec-p256');
    const own = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/tg-2/k')!;
    await clock.advance(48 * HOUR_MS - 1);
    assert.equal(stale.keyState, 'Enabled', 'not before 48 hours');
    await clock.advance(1);
    for (const k of [stale, unstamped, pending]) {
      assert.equal(k.keyState, 'PendingDeletion');
      assert.equal(k.tags.get('spire-active'), 'false');
    }
    assert.equal(stale.pendingWindowInDays, 7);
    for (const k of [malformed, recent, otherTd, own]) {
      assert.equal(k.keyState, 'Enabled');
      assert.equal(k.tags.get('spire-active'), 'true');
    }
    await km.close();
  });

  it('keeps running when GetResources is denied later, and still refreshes aliases', async () => {
    const clock = new FakeTaskClock(new Date('2031-03-01T00:00:00Z'));
    const km = await startKeyManager({ keyIdentifierValue: 'tg-3', enableTagBasedKeyDiscovery: true }, { clock });
    await km.generateKey('k', 'ec-p256');
    aws.clock = () => clock.now();
    aws.fail('tagging', 'GetResources', 'AccessDeniedException', 'denied', 400, 1);
    await clock.advance(48 * HOUR_MS);
    assert.equal(aws.kms.aliasMap.get('alias/SPIRE_SERVER/example_org/tg-3/k')!.lastUpdatedDate.getTime(), clock.now().getTime());
    aws.clock = () => new Date();
    await km.close();
  });
});
