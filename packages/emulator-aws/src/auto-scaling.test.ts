import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: Auto Scaling', () => {
  let aws: AwsEmulator;
  const cfg = () => ({ region: 'us-east-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333' });
  });
  after(async () => aws.close());

  it('Auto Scaling: DescribeAutoScalingGroups gives each group’s instances', async () => {
    const asg = new AutoScalingClient(cfg());
    aws.autoScaling.putGroup('asg-1', ['i-1', 'i-2']);
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-1', 'missing'] }));
    assert.deepEqual(out.AutoScalingGroups?.map((g) => [g.AutoScalingGroupName, g.Instances?.map((i) => i.InstanceId)]), [['asg-1', ['i-1', 'i-2']]]);
    asg.destroy();
  });
});
