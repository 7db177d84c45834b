import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  type ListKeysCommandOutput,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  type KeySpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };
const msg = Buffer.from('to be signed');

describe('AwsEmulator: KMS', () => {
  let aws: AwsEmulator;
  let kms: KMSClient;
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333', region: 'eu-west-1' });
    kms = new KMSClient({ region: 'eu-west-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  });
  after(async () => {
    kms.destroy();
    await aws.close();
  });

  async function newKey(spec: KeySpec, extra: Record<string, unknown> = {}) {
    const out = await kms.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: spec, Description: 'd', ...extra }));
    return out.KeyMetadata!;
  }

  const cases: [KeySpec, SigningAlgorithmSpec, string, object][] = [
    ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256', {}],
    ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384', {}],
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', 'sha256', {}],
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_512', 'sha512', {}],
    ['RSA_2048', 'RSASSA_PSS_SHA_256', 'sha256', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ['RSA_4096', 'RSASSA_PSS_SHA_384', 'sha384', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }],
    ['RSA_4096', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384', {}],
  ];
  for (const [spec, alg, hash, verifyOpts] of cases) {
    it(`creates a ${spec} key whose ${alg} digest signature node:crypto verifies`, async () => {
      const meta = await newKey(spec);
      assert.match(meta.Arn!, /^arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f-]{36}$/);
      assert.equal(meta.KeyState, 'Enabled');
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: meta.Arn }));
      assert.equal(pub.KeyId, meta.Arn);
      assert.ok(pub.SigningAlgorithms?.includes(alg));
      const key = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' });
      const digest = createHash(hash).update(msg).digest();
      const out = await kms.send(new SignCommand({ KeyId: meta.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg }));
      assert.equal(out.SigningAlgorithm, alg);
      assert.equal(verify(hash, msg, { key, ...verifyOpts }, Buffer.from(out.Signature!)), true);
      assert.equal(verify(hash, Buffer.from('other'), { key, ...verifyOpts }, Buffer.from(out.Signature!)), false);
    });
  }

  it('refuses a wrong digest length, an algorithm the key spec lacks, and RAW messages', async () => {
    const meta = await newKey('ECC_NIST_P256');
    const d = createHash('sha384').update(msg).digest();
    await assert.rejects(kms.send(new SignCommand({ KeyId: meta.Arn, Message: d, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })), {
      name: 'ValidationException',
      message: 'Digest is invalid length for algorithm ECDSA_SHA_256.',
    });
    await assert.rejects(kms.send(new SignCommand({ KeyId: meta.Arn, Message: d, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_384' })), {
      name: 'InvalidKeyUsageException',
    });
    await assert.rejects(kms.send(new SignCommand({ KeyId: meta.Arn, Message: msg, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' })), {
      name: 'UnsupportedOperationException',
    });
  });

  it('keeps the policy and tags verbatim and records the creation date from the clock', async () => {
    const policy = '{"Version":"2012-10-17","Statement":[]}';
    const when = new Date('2031-02-03T04:05:06Z');
    aws.clock = () => when;
    try {
      const meta = await newKey('ECC_NIST_P256', { Policy: policy, Tags: [{ TagKey: 'team', TagValue: 'id' }] });
      assert.equal(meta.CreationDate?.getTime(), when.getTime());
      assert.equal(aws.kms.findKey(meta.KeyId!)?.policy, policy);
      assert.deepEqual(aws.kms.tagsOf(meta.Arn!), { team: 'id' });
      await kms.send(new TagResourceCommand({ KeyId: meta.Arn, Tags: [{ TagKey: 'x', TagValue: '1' }] }));
      assert.deepEqual(aws.kms.tagsOf(meta.KeyId!), { team: 'id', x: '1' });
      await assert.rejects(newKey('ECC_NIST_P256', { Policy: 'not json' }), { name: 'MalformedPolicyDocumentException' });
      await assert.rejects(newKey('ECC_NIST_P256', { Tags: [{ TagKey: 'aws:x', TagValue: '1' }] }), { name: 'TagException' });
    } finally {
      aws.clock = () => new Date();
    }
  });

  it('resolves DescribeKey by key ID, key ARN, alias name and alias ARN', async () => {
    const meta = await newKey('ECC_NIST_P256');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/describe/me', TargetKeyId: meta.KeyId }));
    const aliasArn = 'arn:aws:kms:eu-west-1:111122223333:alias/describe/me';
    for (const id of [meta.KeyId!, meta.Arn!, 'alias/describe/me', aliasArn]) {
      const out = await kms.send(new DescribeKeyCommand({ KeyId: id }));
      assert.equal(out.KeyMetadata?.Arn, meta.Arn, id);
      assert.equal(out.KeyMetadata?.KeySpec, 'ECC_NIST_P256');
      assert.equal(out.KeyMetadata?.Enabled, true);
    }
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })), { name: 'NotFoundException' });
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })), { name: 'NotFoundException' });
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:s3:::bucket' })), { name: 'InvalidArnException' });
  });

  it('creates, updates and deletes aliases with KMS rules, dating updates from the clock', async () => {
    const a = await newKey('RSA_2048');
    const b = await newKey('RSA_2048');
    const t0 = new Date('2032-01-01T00:00:00Z');
    const t1 = new Date('2032-01-02T00:00:00Z');
    aws.clock = () => t0;
    try {
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/rot/k', TargetKeyId: a.Arn }));
      await assert.rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/rot/k', TargetKeyId: b.Arn })), { name: 'AlreadyExistsException' });
      await assert.rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: b.Arn })), { name: 'NotAuthorizedException' });
      await assert.rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/bad.name', TargetKeyId: b.Arn })), { name: 'ValidationException' });
      aws.clock = () => t1;
      await kms.send(new UpdateAliasCommand({ AliasName: 'alias/rot/k', TargetKeyId: b.Arn }));
      assert.equal(aws.kms.aliasTarget('alias/rot/k')?.arn, b.Arn);
      const listed = await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }));
      assert.equal(listed.Aliases?.length, 1);
      assert.equal(listed.Aliases?.[0]?.TargetKeyId, b.KeyId);
      assert.equal(listed.Aliases?.[0]?.CreationDate?.getTime(), t0.getTime());
      assert.equal(listed.Aliases?.[0]?.LastUpdatedDate?.getTime(), t1.getTime());
      assert.equal((await kms.send(new ListAliasesCommand({ KeyId: a.Arn }))).Aliases?.length, 0);
      await assert.rejects(kms.send(new UpdateAliasCommand({ AliasName: 'alias/none', TargetKeyId: b.Arn })), { name: 'NotFoundException' });
      await kms.send(new DeleteAliasCommand({ AliasName: 'alias/rot/k' }));
      await assert.rejects(kms.send(new DeleteAliasCommand({ AliasName: 'alias/rot/k' })), { name: 'NotFoundException' });
    } finally {
      aws.clock = () => new Date();
    }
  });

  it('pages ListAliases and ListKeys with Limit and Marker', async () => {
    const k = await newKey('ECC_NIST_P256');
    for (let i = 0; i < 5; i++) await kms.send(new CreateAliasCommand({ AliasName: `alias/page/${i}`, TargetKeyId: k.KeyId }));
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await kms.send(new ListAliasesCommand({ KeyId: k.KeyId, Limit: 2, Marker: marker }));
      names.push(...out.Aliases!.map((a) => a.AliasName!));
      assert.equal(out.Truncated, out.NextMarker !== undefined);
      marker = out.NextMarker;
      pages++;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(names, [0, 1, 2, 3, 4].map((i) => `alias/page/${i}`));
    const keys: string[] = [];
    marker = undefined;
    do {
      const out: ListKeysCommandOutput = await kms.send(new ListKeysCommand({ Limit: 3, Marker: marker }));
      keys.push(...out.Keys!.map((x) => x.KeyArn!));
      marker = out.NextMarker;
    } while (marker);
    assert.deepEqual(keys, aws.kms.keyList().map((x) => x.arn));
  });

  it('schedules deletion once; a disabled or pending key does not sign', async () => {
    const k = await newKey('ECC_NIST_P256');
    const d = createHash('sha256').update(msg).digest();
    aws.kms.disableKey(k.KeyId!);
    await assert.rejects(kms.send(new SignCommand({ KeyId: k.Arn, Message: d, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })), {
      name: 'DisabledException',
    });
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.Arn }))).KeyMetadata?.Enabled, false);
    aws.kms.enableKey(k.KeyId!);
    const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.Arn, PendingWindowInDays: 7 }));
    assert.equal(out.KeyState, 'PendingDeletion');
    assert.equal(out.PendingWindowInDays, 7);
    const meta = (await kms.send(new DescribeKeyCommand({ KeyId: k.Arn }))).KeyMetadata!;
    assert.equal(meta.Enabled, false);
    assert.equal(meta.KeyState, 'PendingDeletion');
    await assert.rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.Arn, PendingWindowInDays: 7 })), { name: 'KMSInvalidStateException' });
    await assert.rejects(kms.send(new SignCommand({ KeyId: k.Arn, Message: d, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })), {
      name: 'KMSInvalidStateException',
    });
    await assert.rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/none', PendingWindowInDays: 7 })), {
      name: 'NotFoundException',
    });
  });
});
