import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { kmsConfig, startKeyManager, startKmsEmulator } from './test-support.js';

const digest = createHash('sha256').update('x').digest();

describe('aws_kms finds its keys again', () => {
  let aws: AwsEmulator;
  let dir: string;
  before(async () => {
    aws = await startKmsEmulator();
    dir = await mkdtemp(join(tmpdir(), 'awskms-disc-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await aws.close();
  });

  it('after a restart, through its aliases, and signs with them', async () => {
    const a = await startKeyManager({ keyIdentifierValue: 'disc-1' });
    const ca = await a.generateKey('x509-CA-A', 'rsa-2048');
    const jwt = await a.generateKey('JWT-Signer-A', 'ec-p384');
    await a.close();
    // A server whose ID extends this one's, and another trust domain: never loaded.
    const other = await startKeyManager({ keyIdentifierValue: 'disc-10' });
    await other.generateKey('x509-CA-A', 'ec-p256');
    await other.close();
    const b = await startKeyManager({ keyIdentifierValue: 'disc-1' });
    const keys = (await b.getPublicKeys()).sort((x, y) => x.id.localeCompare(y.id));
    assert.deepEqual(keys.map((k) => [k.id, k.type, k.fingerprint]), [
      ['JWT-Signer-A', 'ec-p384', jwt.fingerprint],
      ['x509-CA-A', 'rsa-2048', ca.fingerprint],
    ]);
    const { signature } = await b.signData('x509-CA-A', digest, { hashAlgorithm: 'SHA256' });
    assert.equal(verify('sha256', Buffer.from('x'), createPublicKey({ key: Buffer.from(ca.pkixData), format: 'der', type: 'spki' }), signature), true);
    await b.close();
    const otherTd = await startKeyManager({ keyIdentifierValue: 'disc-1' }, { trustDomain: 'example.org2' });
    assert.deepEqual(await otherTd.getPublicKeys(), []);
    await otherTd.close();
  });

  it('fails configure with FAILED_PRECONDITION when one of its keys is disabled', async () => {
    const a = await startKeyManager({ keyIdentifierValue: 'disc-2' });
    await a.generateKey('k', 'ec-p256');
    await a.close();
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/disc-2/k')!;
    aws.kms.disableKey(key.arn);
    try {
      await rejectsWith(
        startKeyManager({ keyIdentifierValue: 'disc-2' }),
        Code.FAILED_PRECONDITION,
        `failed to fetch aliases: found disabled SPIRE key: "${key.arn}", alias: "arn:aws:kms:us-east-1:123456789012:alias/SPIRE_SERVER/example_org/disc-2/k"`,
      );
    } finally {
      aws.kms.enableKey(key.arn);
    }
  });

  it('keeps the previous configuration when a reconfigure fails', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'disc-3' });
    const pk = await km.generateKey('k', 'ec-p256');
    aws.fail('kms', 'ListAliases', 'AccessDeniedException', 'no kms:ListAliases', 400, 1);
    await rejectsWith(
      km.configure(kmsConfig({ keyIdentifierValue: 'disc-3-new' })),
      Code.INTERNAL,
      'failed to fetch aliases: AccessDeniedException: no kms:ListAliases',
    );
    assert.equal((await km.getPublicKey('k')).fingerprint, pk.fingerprint);
    await km.signData('k', digest, { hashAlgorithm: 'SHA256' });
    await km.close();
  });

  it('creates key_identifier_file (0600, a UUIDv4) when missing, reuses it, and refuses a non-UUID', async () => {
    const path = join(dir, 'server-id');
    const a = await startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: path });
    const id = await readFile(path, 'utf8');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    await a.generateKey('k', 'ec-p256');
    await a.close();
    assert.ok(aws.kms.aliasTarget(`alias/SPIRE_SERVER/example_org/${id}/k`));
    const b = await startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: path });
    assert.equal((await b.getPublicKeys()).length, 1);
    await b.close();
    const bad = join(dir, 'bad-id');
    await writeFile(bad, 'not-a-uuid');
    await rejectsWith(
      startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: bad }),
      Code.INTERNAL,
      'failed to parse server id from path: uuid: incorrect UUID format in string "not-a-uuid"',
    );
    await rejectsWith(
      startKeyManager({ keyIdentifierValue: '', keyIdentifierFile: join(dir, 'no-such-dir', 'id') }),
      Code.INTERNAL,
      /^failed to persist server id on path: ENOENT/,
    );
  });
});

describe('aws_kms tag-based discovery', () => {
  let aws: AwsEmulator;
  before(async () => {
    aws = await startKmsEmulator();
  });
  after(async () => {
    await aws.close();
  });

  it('tags new keys for discovery and finds them by tags, even without their alias', async () => {
    const clock = new FakeTaskClock(new Date('2030-06-01T00:00:00Z'));
    const a = await startKeyManager({ keyIdentifierValue: 'tag-1', enableTagBasedKeyDiscovery: true, keyTags: [['team', 'id']] }, { clock });
    const pk = await a.generateKey('x509-CA-A', 'ec-p256');
    await a.close();
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/tag-1/x509-CA-A')!;
    assert.deepEqual(aws.kms.tagsOf(key.arn), {
      'spire-server-td': 'example.org',
      'spire-server-id': 'tag-1',
      'spire-active': 'true',
      team: 'id',
      'spire-key-id': 'x509-CA-A',
      'spire-last-update': String(Date.parse('2030-06-01T00:00:00Z') / 1000),
    });
    aws.kms.aliasMap.delete('alias/SPIRE_SERVER/example_org/tag-1/x509-CA-A');
    const b = await startKeyManager({ keyIdentifierValue: 'tag-1', enableTagBasedKeyDiscovery: true }, { clock });
    assert.equal((await b.getPublicKey('x509-CA-A')).fingerprint, pk.fingerprint);
    const call = aws.calls('tagging', 'GetResources').at(-1)!.input as { ResourceTypeFilters: string[]; TagFilters: unknown };
    assert.deepEqual(call.ResourceTypeFilters, ['kms:key']);
    assert.deepEqual(call.TagFilters, [
      { Key: 'spire-server-td', Values: ['example.org'] },
      { Key: 'spire-server-id', Values: ['tag-1'] },
      { Key: 'spire-active', Values: ['true'] },
    ]);
    await b.close();
  });

  it('skips a disabled key found by tags', async () => {
    const a = await startKeyManager({ keyIdentifierValue: 'tag-2', enableTagBasedKeyDiscovery: true });
    await a.generateKey('k', 'ec-p256');
    await a.close();
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/tag-2/k')!;
    aws.kms.aliasMap.delete('alias/SPIRE_SERVER/example_org/tag-2/k');
    aws.kms.disableKey(key.arn);
    const b = await startKeyManager({ keyIdentifierValue: 'tag-2', enableTagBasedKeyDiscovery: true });
    assert.deepEqual(await b.getPublicKeys(), []);
    await b.close();
  });

  it('migrates keys created in alias mode: finds them by alias and tags them', async () => {
    const clock = new FakeTaskClock(new Date('2030-07-01T00:00:00Z'));
    const a = await startKeyManager({ keyIdentifierValue: 'tag-3' });
    const pk = await a.generateKey('JWT.Signer', 'rsa-2048');
    await a.close();
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/tag-3/JWT_2eSigner')!;
    assert.deepEqual(aws.kms.tagsOf(key.arn), {});
    const b = await startKeyManager({ keyIdentifierValue: 'tag-3', enableTagBasedKeyDiscovery: true }, { clock });
    assert.equal((await b.getPublicKey('JWT.Signer')).fingerprint, pk.fingerprint);
    assert.deepEqual(aws.kms.tagsOf(key.arn), {
      'spire-server-td': 'example.org',
      'spire-server-id': 'tag-3',
      'spire-active': 'true',
      'spire-key-id': 'JWT.Signer',
      'spire-last-update': String(Date.parse('2030-07-01T00:00:00Z') / 1000),
    });
    await b.close();
    const tagged = aws.calls('kms', 'TagResource').length;
    const c = await startKeyManager({ keyIdentifierValue: 'tag-3', enableTagBasedKeyDiscovery: true }, { clock });
    assert.equal(aws.calls('kms', 'TagResource').length, tagged, 'a tagged key is not tagged again');
    assert.equal((await c.getPublicKeys()).length, 1);
    await c.close();
  });

  it('tells the operator to grant tag:GetResources when it is denied', async () => {
    aws.fail('tagging', 'GetResources', 'AccessDeniedException', 'User: spire is not authorized to perform: tag:GetResources', 400, 1);
    await rejectsWith(
      startKeyManager({ keyIdentifierValue: 'tag-4', enableTagBasedKeyDiscovery: true }),
      Code.FAILED_PRECONDITION,
      'tag-based key discovery requires the "tag:GetResources" permission in an identity-based IAM policy ' +
        '(it cannot be granted through the KMS key policy); grant the permission or disable enable_tag_based_key_discovery: ' +
        'AccessDeniedException: User: spire is not authorized to perform: tag:GetResources',
    );
  });
});
