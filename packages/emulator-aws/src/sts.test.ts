import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: STS over the query protocol', () => {
  let aws: AwsEmulator;
  let sts: STSClient;
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333', region: 'eu-west-1' });
    sts = new STSClient({ region: 'eu-west-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  });
  after(async () => {
    sts.destroy();
    await aws.close();
  });

  it('answers GetCallerIdentity with the default caller, and records the region', async () => {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, 'arn:aws:sts::111122223333:assumed-role/spire-server/i-0123456789abcdef0');
    assert.equal(out.Account, '111122223333');
    assert.equal(aws.calls('sts', 'GetCallerIdentity').at(-1)?.region, 'eu-west-1');
  });

  it('grants AssumeRole, and a call signed with those credentials is the assumed role', async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/reader', RoleSessionName: 's1' }));
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::444455556666:assumed-role/reader/s1');
    assert.ok(out.Credentials?.Expiration instanceof Date);
    const as = new STSClient({
      region: 'eu-west-1',
      endpoint: aws.url,
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
    });
    const who = await as.send(new GetCallerIdentityCommand({}));
    as.destroy();
    assert.equal(who.Arn, 'arn:aws:sts::444455556666:assumed-role/reader/s1');
    assert.equal(who.Account, '444455556666');
  });

  it('refuses a denied role with AccessDenied', async () => {
    aws.sts.deniedRoles.add('arn:aws:iam::444455556666:role/nope');
    await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/nope', RoleSessionName: 's' })), {
      name: 'AccessDenied',
    });
  });

  it('fails injected calls with the given error, then recovers', async () => {
    aws.fail('sts', 'GetCallerIdentity', 'Throttling', 'Rate exceeded', 400, 1);
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), { name: 'Throttling', message: 'Rate exceeded' });
    assert.ok((await sts.send(new GetCallerIdentityCommand({}))).Arn);
  });

  it('answers 503 while unavailable', async () => {
    aws.setUnavailable(true);
    try {
      await assert.rejects(sts.send(new GetCallerIdentityCommand({})), (e: { $metadata?: { httpStatusCode?: number } }) => {
        return e.$metadata?.httpStatusCode === 503;
      });
    } finally {
      aws.setUnavailable(false);
    }
  });

  it('is reached through AWS_ENDPOINT_URL by a client given no endpoint', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = aws.url;
    try {
      const c = new STSClient({ region: 'eu-west-1', credentials: creds });
      const before = aws.calls('sts').length;
      await c.send(new GetCallerIdentityCommand({}));
      c.destroy();
      assert.equal(aws.calls('sts').length, before + 1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});
