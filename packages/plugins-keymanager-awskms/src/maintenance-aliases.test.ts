import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { HOUR_MS } from './maintenance.js';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { kmsConfig, startKeyManager, startKmsEmulator } from './test-support.js';

const DAY = 24 * HOUR_MS;
const alias = (server: string, key: string, td = 'example_org') => `alias/SPIRE_SERVER/${td}/${server}/${key}`;

describe('aws_kms background tasks (alias mode, fake clock)', () => {
  let aws: AwsEmulator;
  let kms: KMSClient;
  let clock: FakeTaskClock;
  before(async () => {
    aws = await startKmsEmulator();
    kms = new KMSClient({ region: 'us-east-1', endpoint: aws.url });
  });
  beforeEach(() => {
    clock = new FakeTaskClock(new Date('2030-01-01T00:00:00Z'));
    aws.clock = () => clock.now();
  });
  after(async () => {
    kms.destroy();
    await aws.close();
  });

  /** Keys of another server, made with a clock that never moves (its tasks never run). */
  async function peer(server: string, keyId: string, trustDomain = 'example.org') {
    const km = await startKeyManager({ keyIdentifierValue: server }, { trustDomain, clock: new FakeTaskClock(clock.now()) });
    await km.generateKey(keyId, 'ec-p256');
    await km.close();
    return aws.kms.aliasTarget(alias(server, keyId, trustDomain.replaceAll('.', '_')))!;
  }

  it('refreshes its aliases every 6 hours, the first time 6 hours after start', async () => {
    const t0 = clock.now().getTime();
    const km = await startKeyManager({ keyIdentifierValue: 'al-1' }, { clock });
    await km.generateKey('k', 'ec-p256');
    const a = aws.kms.aliasMap.get(alias('al-1', 'k'))!;
    await clock.advance(6 * HOUR_MS - 1);
    assert.equal(a.lastUpdatedDate.getTime(), t0);
    await clock.advance(1);
    assert.equal(a.lastUpdatedDate.getTime(), t0 + 6 * HOUR_MS);
    await clock.advance(6 * HOUR_MS);
    assert.equal(a.lastUpdatedDate.getTime(), t0 + 12 * HOUR_MS);
    await km.close();
  });

  it('never reverts a rotation a peer with the same server ID made (#6805)', async () => {
    const log = recordingLogger();
    const km = await startKeyManager({ keyIdentifierValue: 'al-2' }, { clock, log });
    await km.generateKey('k', 'ec-p256');
    const replica = await startKeyManager({ keyIdentifierValue: 'al-2' }, { clock: new FakeTaskClock() });
    await replica.generateKey('k', 'ec-p256');
    const rotated = aws.kms.aliasTarget(alias('al-2', 'k'))!.arn;
    await clock.advance(6 * HOUR_MS);
    assert.equal(aws.kms.aliasTarget(alias('al-2', 'k'))!.arn, rotated);
    assert.ok(log.records.some((r) => r.level === 'warn' && r.msg === 'Alias target differs from cache, skipping refresh to avoid reverting a rotation' && r.fields.current_arn === rotated));
    await replica.close();
    await km.close();
  });

  it('disposes of stale aliases of other servers of its trust domain only (14 days, trailing-slash prefixes)', async () => {
    const t0 = clock.now().getTime();
    const stale = await peer('al-peer', 'k');
    const fresh = await peer('al-fresh', 'k');
    const otherTd = await peer('al-3', 'k', 'example.org2');
    const km = await startKeyManager({ keyIdentifierValue: 'al-3' }, { clock });
    await km.generateKey('k', 'ec-p256');
    aws.kms.setAliasUpdated(alias('al-peer', 'k'), new Date(t0 - 14 * DAY + 24 * HOUR_MS));
    aws.kms.setAliasUpdated(alias('al-fresh', 'k'), new Date(t0 - 13 * DAY + 24 * HOUR_MS + 1));
    aws.kms.setAliasUpdated(alias('al-3', 'k', 'example_org2'), new Date(t0 - 30 * DAY));
    await clock.advance(24 * HOUR_MS - 1);
    assert.ok(aws.kms.aliasMap.has(alias('al-peer', 'k')), 'not before 24 hours');
    await clock.advance(1);
    await km.deleteQueue.whenIdle();
    assert.equal(aws.kms.aliasMap.has(alias('al-peer', 'k')), false);
    assert.equal(stale.keyState, 'PendingDeletion');
    assert.equal(stale.pendingWindowInDays, 7);
    assert.ok(aws.kms.aliasMap.has(alias('al-fresh', 'k')));
    assert.equal(fresh.keyState, 'Enabled');
    assert.ok(aws.kms.aliasMap.has(alias('al-3', 'k', 'example_org2')), 'example_org2 is not example_org');
    assert.equal(otherTd.keyState, 'Enabled');
    assert.equal(aws.kms.aliasTarget(alias('al-3', 'k'))?.keyState, 'Enabled');
    await km.close();
  });

  it('disposes of its trust domain\u2019s keys left without an alias for 48 hours', async () => {
    const t0 = clock.now().getTime();
    const make = async (description: string, created: number, aliasName?: string) => {
      const out = await kms.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: 'ECC_NIST_P256', Description: description }));
      if (aliasName) await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: out.KeyMetadata!.KeyId }));
      aws.kms.setKeyCreated(out.KeyMetadata!.Arn!, new Date(created));
      return aws.kms.findKey(out.KeyMetadata!.Arn!)!;
    };
    const orphan = await make('SPIRE_SERVER_KEY/example_org/x509-CA-A', t0);
    const young = await make('SPIRE_SERVER_KEY/example_org/x509-CA-B', t0 + 1);
    const otherTd = await make('SPIRE_SERVER_KEY/example_org2/x509-CA-A', t0 - 10 * DAY);
    const named = await make('SPIRE_SERVER_KEY/example_org/JWT-Signer-A', t0 - 10 * DAY, alias('al-named', 'JWT-Signer-A'));
    const foreign = await make('not SPIRE', t0 - 10 * DAY);
    const km = await startKeyManager({ keyIdentifierValue: 'al-4' }, { clock });
    await clock.advance(48 * HOUR_MS);
    await km.deleteQueue.whenIdle();
    assert.equal(orphan.keyState, 'PendingDeletion');
    for (const k of [young, otherTd, named, foreign]) assert.equal(k.keyState, 'Enabled', k.description);
    await km.close();
  });

  it('restarts its tasks on reconfigure and stops them on close', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'al-5' }, { clock });
    assert.equal(clock.tickers, 3);
    await km.configure(kmsConfig({ keyIdentifierValue: 'al-5', enableTagBasedKeyDiscovery: true }));
    assert.equal(clock.tickers, 3);
    await km.configure(kmsConfig({ keyIdentifierValue: 'al-5' }));
    assert.equal(clock.tickers, 3);
    await km.generateKey('k', 'ec-p256');
    await km.close();
    assert.equal(clock.tickers, 0);
    const before = aws.requests.length;
    await clock.advance(30 * DAY);
    assert.equal(aws.requests.length, before, 'nothing runs after close');
    await km.close();
  });
});
