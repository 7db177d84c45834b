import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, type PublicKey } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { startKeyManager, startKmsEmulator } from './test-support.js';

const msg = Buffer.from('a CA signs this');
const digestOf = (hash: string) => createHash(hash).update(msg).digest();
const pubOf = (pk: PublicKey) => createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });

describe('aws_kms GenerateKey and SignData', () => {
  let aws: AwsEmulator;
  const dirs: string[] = [];
  before(async () => {
    aws = await startKmsEmulator();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await aws.close();
  });

  it('creates the key in KMS under SPIRE\u2019s alias and description; the public key is KMS\u2019s', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-1' });
    const pk = await km.generateKey('x509-CA-A', 'ec-p256');
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-1/x509-CA-A');
    assert.ok(key, 'alias created');
    assert.equal(key.description, 'SPIRE_SERVER_KEY/example_org/x509-CA-A');
    assert.equal(key.keySpec, 'ECC_NIST_P256');
    assert.deepEqual(Buffer.from(pk.pkixData), key.publicKey);
    assert.deepEqual(aws.kms.tagsOf(key.arn), {}, 'alias mode adds no tags');
    const dotted = await km.generateKey('JWT.Signer+A', 'rsa-2048');
    assert.equal(aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-1/JWT_2eSigner_2bA')?.publicKey.equals(Buffer.from(dotted.pkixData)), true);
    await km.close();
  });

  it('sends only the digest (MessageType DIGEST) with SPIRE\u2019s algorithm for each key type and option', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-2' });
    const rsa = await km.generateKey('rsa', 'rsa-4096');
    const cases: [string, object, string, object][] = [
      ['sha256', { hashAlgorithm: 'SHA256' }, 'RSASSA_PKCS1_V1_5_SHA_256', {}],
      ['sha512', { hashAlgorithm: 'SHA512' }, 'RSASSA_PKCS1_V1_5_SHA_512', {}],
      ['sha384', { pss: { saltLength: 48, hashAlgorithm: 'SHA384' } }, 'RSASSA_PSS_SHA_384', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }],
      ['sha512', { pss: { saltLength: -1, hashAlgorithm: 'SHA512' } }, 'RSASSA_PSS_SHA_512', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }],
    ];
    for (const [hash, opts, alg, v] of cases) {
      const { signature, keyFingerprint } = await km.signData('rsa', digestOf(hash), opts as never);
      const call = aws.calls('kms', 'Sign').at(-1)!.input as Record<string, string>;
      assert.equal(call.MessageType, 'DIGEST');
      assert.equal(call.SigningAlgorithm, alg);
      assert.equal(call.Message, digestOf(hash).toString('base64'), 'only the digest leaves the server');
      assert.equal(keyFingerprint, rsa.fingerprint);
      assert.equal(verify(hash, msg, { key: pubOf(rsa), ...v }, signature), true, alg);
    }
    const ec = await km.generateKey('ec', 'ec-p384');
    const { signature } = await km.signData('ec', digestOf('sha384'), { hashAlgorithm: 'SHA384' });
    assert.equal((aws.calls('kms', 'Sign').at(-1)!.input as Record<string, string>).SigningAlgorithm, 'ECDSA_SHA_384');
    assert.equal(verify('sha384', msg, pubOf(ec), signature), true);
    await km.close();
  });

  it('refuses signer options SPIRE cannot map, with INVALID_ARGUMENT', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-3' });
    await km.generateKey('ec', 'ec-p256');
    await km.generateKey('rsa', 'rsa-2048');
    await rejectsWith(
      km.signData('ec', digestOf('sha256'), { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } }),
      Code.INVALID_ARGUMENT,
      'unsupported combination of keytype: ec-p256 and hashing algorithm: SHA256',
    );
    await rejectsWith(
      km.signData('rsa', createHash('sha224').update(msg).digest(), { hashAlgorithm: 'SHA224' }),
      Code.INVALID_ARGUMENT,
      'unsupported combination of keytype: rsa-2048 and hashing algorithm: SHA224',
    );
    await rejectsWith(km.signData('ec', digestOf('sha256'), undefined as never), Code.INVALID_ARGUMENT, 'signer opts is required');
    await rejectsWith(km.signData('', digestOf('sha256'), { hashAlgorithm: 'SHA256' }), Code.INVALID_ARGUMENT, 'key id is required');
    await rejectsWith(km.signData('nope', digestOf('sha256'), { hashAlgorithm: 'SHA256' }), Code.NOT_FOUND, 'key "nope" not found');
    await rejectsWith(km.getPublicKey('nope'), Code.NOT_FOUND, 'key "nope" not found');
    await km.close();
  });

  it('reports a KMS signing failure as INTERNAL with the AWS error', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-4' });
    const pk = await km.generateKey('ec', 'ec-p256');
    const arn = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-4/ec')!.arn;
    assert.equal(aws.kms.findKey(arn)?.publicKey.equals(Buffer.from(pk.pkixData)), true);
    aws.kms.disableKey(arn);
    await rejectsWith(km.signData('ec', digestOf('sha256'), { hashAlgorithm: 'SHA256' }), Code.INTERNAL, `failed to sign: DisabledException: ${arn} is disabled.`);
    aws.kms.enableKey(arn);
    await km.close();
  });

  it('rotates: the alias moves to the new key and the old key is scheduled for deletion in 7 days', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-5' });
    const alias = 'alias/SPIRE_SERVER/example_org/gen-5/x509-CA-B';
    await km.generateKey('x509-CA-B', 'ec-p256');
    const oldKey = aws.kms.aliasTarget(alias)!;
    const next = await km.generateKey('x509-CA-B', 'ec-p256');
    const newKey = aws.kms.aliasTarget(alias)!;
    assert.notEqual(newKey.arn, oldKey.arn);
    assert.deepEqual(newKey.publicKey, Buffer.from(next.pkixData));
    assert.equal(aws.calls('kms', 'UpdateAlias').length > 0, true);
    await km.deleteQueue.whenIdle();
    assert.equal(oldKey.keyState, 'PendingDeletion');
    assert.equal(oldKey.pendingWindowInDays, 7);
    assert.equal(newKey.keyState, 'Enabled');
    assert.equal((await km.getPublicKey('x509-CA-B')).fingerprint, next.fingerprint);
    await km.close();
  });

  it('leaves the old key active when a rotation fails (cache and alias unchanged, nothing deleted)', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-6' });
    const alias = 'alias/SPIRE_SERVER/example_org/gen-6/k';
    const first = await km.generateKey('k', 'ec-p256');
    const oldKey = aws.kms.aliasTarget(alias)!;
    aws.fail('kms', 'UpdateAlias', 'ValidationException', 'alias update refused', 400, 1);
    await rejectsWith(km.generateKey('k', 'ec-p256'), Code.INTERNAL, 'failed to update alias: ValidationException: alias update refused');
    aws.fail('kms', 'CreateKey', 'MalformedPolicyDocumentException', 'policy refused', 400, 1);
    await rejectsWith(km.generateKey('k', 'ec-p256'), Code.INTERNAL, 'failed to create key: MalformedPolicyDocumentException: policy refused');
    await km.deleteQueue.whenIdle();
    assert.equal(aws.kms.aliasTarget(alias)?.arn, oldKey.arn);
    assert.equal(oldKey.keyState, 'Enabled');
    assert.equal((await km.getPublicKey('k')).fingerprint, first.fingerprint);
    const { signature } = await km.signData('k', digestOf('sha256'), { hashAlgorithm: 'SHA256' });
    assert.equal(verify('sha256', msg, pubOf(first), signature), true);
    await km.close();
  });

  it('retries throttling and 5xx as the SDK does', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-7' });
    const pk = await km.generateKey('k', 'ec-p256');
    const before = aws.calls('kms', 'Sign').length;
    aws.fail('kms', 'Sign', 'ThrottlingException', 'Rate exceeded', 400, 2);
    const { signature } = await km.signData('k', digestOf('sha256'), { hashAlgorithm: 'SHA256' });
    assert.equal(verify('sha256', msg, pubOf(pk), signature), true);
    assert.equal(aws.calls('kms', 'Sign').length, before + 3);
    aws.fail('kms', 'Sign', 'InternalFailure', 'boom', 500, 1);
    await km.signData('k', digestOf('sha256'), { hashAlgorithm: 'SHA256' });
    assert.equal(aws.calls('kms', 'Sign').length, before + 5);
    await km.close();
  });

  it('runs many signatures at once: Sign is not serialised', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-8' });
    await km.generateKey('k', 'ec-p256');
    aws.setLatencyMs(100);
    try {
      const start = Date.now();
      await Promise.all(Array.from({ length: 20 }, () => km.signData('k', digestOf('sha256'), { hashAlgorithm: 'SHA256' })));
      const took = Date.now() - start;
      assert.ok(took < 1000, `20 signatures with 100 ms latency took ${took} ms; serialised they take 2000 ms`);
    } finally {
      aws.setLatencyMs(0);
    }
    await km.close();
  });

  it('uses SPIRE\u2019s default policy for an assumed role, asking STS once', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'gen-9' });
    const sts = aws.calls('sts', 'GetCallerIdentity').length;
    await km.generateKey('a', 'ec-p256');
    await km.generateKey('b', 'ec-p256');
    assert.equal(aws.calls('sts', 'GetCallerIdentity').length, sts + 1);
    const policy = JSON.parse(aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-9/a')!.policy!);
    assert.deepEqual(policy.Statement.map((s: { Principal: { AWS: string }; Action: unknown }) => [s.Principal.AWS, s.Action]), [
      ['arn:aws:iam::123456789012:role/spire-server', 'kms:*'],
      ['arn:aws:iam::123456789012:root', ['kms:Describe*', 'kms:List*', 'kms:Get*']],
    ]);
    await km.close();
  });

  it('sends no policy (KMS\u2019s default) and warns when the caller is not an assumed role, asking STS each time', async () => {
    const saved = aws.sts.callerArn;
    aws.sts.callerArn = 'arn:aws:iam::123456789012:user/alice';
    const log = recordingLogger();
    try {
      const km = await startKeyManager({ keyIdentifierValue: 'gen-10' }, { log });
      const sts = aws.calls('sts', 'GetCallerIdentity').length;
      await km.generateKey('a', 'ec-p256');
      await km.generateKey('b', 'ec-p256');
      assert.equal(aws.calls('sts', 'GetCallerIdentity').length, sts + 2);
      assert.equal(aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-10/a')!.policy, undefined);
      assert.ok(log.records.some((r) => r.level === 'warn' && /assume an AWS IAM Role/.test(r.msg)));
      await km.close();
    } finally {
      aws.sts.callerArn = saved;
    }
  });

  it('passes key_policy_file verbatim and puts key_tags on the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awskms-policy-'));
    dirs.push(dir);
    const policy = '{ "Version": "2012-10-17", "Statement": [ ] }\n';
    await writeFile(join(dir, 'policy.json'), policy);
    const sts = aws.calls('sts', 'GetCallerIdentity').length;
    const km = await startKeyManager({ keyIdentifierValue: 'gen-11', keyPolicyFile: join(dir, 'policy.json'), keyTags: [['team', 'identity']] });
    await km.generateKey('a', 'rsa-2048');
    const key = aws.kms.aliasTarget('alias/SPIRE_SERVER/example_org/gen-11/a')!;
    assert.equal(key.policy, policy);
    assert.deepEqual(aws.kms.tagsOf(key.arn), { team: 'identity' });
    assert.equal(aws.calls('sts', 'GetCallerIdentity').length, sts);
    await km.close();
    await rejectsWith(
      startKeyManager({ keyIdentifierValue: 'gen-11', keyPolicyFile: join(dir, 'missing.json') }),
      Code.INTERNAL,
      /^failed to read file configured in 'key_policy_file': ENOENT/,
    );
  });
});
