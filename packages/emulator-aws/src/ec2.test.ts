import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: EC2 DescribeInstances', () => {
  let aws: AwsEmulator;
  let ec2: EC2Client;
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333', region: 'us-west-2' });
    ec2 = new EC2Client({ region: 'us-west-2', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  });
  after(async () => {
    ec2.destroy();
    await aws.close();
  });

  it('describes a seeded instance with tags, groups, profile, root device and ENI', async () => {
    const launch = new Date('2026-01-01T00:00:00Z');
    aws.ec2.putInstance({
      instanceId: 'i-0123456789abcdef0',
      launchTime: launch,
      tags: { Name: 'web' },
      securityGroups: [{ id: 'sg-1', name: 'web' }],
      instanceProfileArn: 'arn:aws:iam::111122223333:instance-profile/p',
      networkInterfaces: [{ deviceIndex: 0, attachTime: new Date('2026-01-01T00:00:05Z') }],
    });
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
    const i = out.Reservations![0]!.Instances![0]!;
    assert.equal(out.Reservations![0]!.OwnerId, '111122223333');
    assert.deepEqual(i.Tags, [{ Key: 'Name', Value: 'web' }]);
    assert.deepEqual(i.SecurityGroups, [{ GroupId: 'sg-1', GroupName: 'web' }]);
    assert.equal(i.IamInstanceProfile?.Arn, 'arn:aws:iam::111122223333:instance-profile/p');
    assert.equal(i.State?.Name, 'running');
    assert.equal(i.RootDeviceType, 'ebs');
    assert.equal(i.RootDeviceName, '/dev/xvda');
    assert.equal(i.BlockDeviceMappings![0]!.DeviceName, '/dev/xvda');
    assert.deepEqual(i.BlockDeviceMappings![0]!.Ebs?.AttachTime, launch);
    assert.equal(i.NetworkInterfaces![0]!.Attachment?.DeviceIndex, 0);
    assert.deepEqual(i.NetworkInterfaces![0]!.Attachment?.AttachTime, new Date('2026-01-01T00:00:05Z'));
    assert.equal(i.Placement?.AvailabilityZone, 'us-west-2a');
  });

  it('filters by state, and keeps to the caller’s account and region', async () => {
    aws.ec2.putInstance({ instanceId: 'i-0000000000000000a', state: 'stopped' });
    const stopped = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000000a'], Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    assert.deepEqual(stopped.Reservations, []);
    aws.ec2.putInstance({ instanceId: 'i-0000000000000000b', accountId: '999999999999' });
    await assert.rejects(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000000b'] })), { name: 'InvalidInstanceID.NotFound' });
    aws.ec2.putInstance({ instanceId: 'i-0000000000000000c', region: 'eu-west-1' });
    await assert.rejects(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000000c'] })), { name: 'InvalidInstanceID.NotFound' });
    await assert.rejects(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['nope'] })), { name: 'InvalidInstanceID.Malformed' });
  });

  it('signs the identity document of an instance as the metadata service does', async () => {
    const data = await aws.ec2.attestationData('i-0123456789abcdef0');
    const doc = JSON.parse(data.document) as Record<string, unknown>;
    assert.equal(doc.instanceId, 'i-0123456789abcdef0');
    assert.equal(doc.accountId, '111122223333');
    assert.equal(doc.region, 'us-west-2');
    assert.ok(data.rsa2048.length > 0 && data.signature.length > 0);
  });
});
