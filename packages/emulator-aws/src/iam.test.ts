import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: IAM', () => {
  let aws: AwsEmulator;
  const cfg = () => ({ region: 'us-east-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333' });
  });
  after(async () => aws.close());

  it('IAM: GetInstanceProfile lists the profile’s roles; an unknown one is NoSuchEntity', async () => {
    const iam = new IAMClient(cfg());
    const p = aws.iam.putInstanceProfile('web', ['arn:aws:iam::111122223333:role/team/web-role'], { path: '/team/' });
    assert.equal(p.arn, 'arn:aws:iam::111122223333:instance-profile/team/web');
    const out = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }));
    assert.equal(out.InstanceProfile?.Arn, p.arn);
    assert.deepEqual(out.InstanceProfile?.Roles?.map((r) => [r.Arn, r.RoleName, r.Path]), [['arn:aws:iam::111122223333:role/team/web-role', 'web-role', '/team/']]);
    await assert.rejects(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'gone' })), { name: 'NoSuchEntityException' });
    iam.destroy();
  });
});
