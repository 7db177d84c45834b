import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeNodegroupCommand, EKSClient, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: EKS', () => {
  let aws: AwsEmulator;
  const cfg = () => ({ region: 'us-east-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333' });
  });
  after(async () => aws.close());

  it('EKS: lists and describes nodegroups; an unknown cluster is ResourceNotFoundException', async () => {
    const eks = new EKSClient(cfg());
    aws.eks.putNodegroup('prod', 'ng-1', ['asg-1', 'asg-2']);
    aws.eks.putNodegroup('prod', 'ng-2', []);
    aws.eks.pageSize = 1;
    const page = await eks.send(new ListNodegroupsCommand({ clusterName: 'prod' }));
    assert.deepEqual(page.nodegroups, ['ng-1']);
    const next = await eks.send(new ListNodegroupsCommand({ clusterName: 'prod', nextToken: page.nextToken! }));
    assert.deepEqual(next.nodegroups, ['ng-2']);
    const ng = await eks.send(new DescribeNodegroupCommand({ clusterName: 'prod', nodegroupName: 'ng-1' }));
    assert.deepEqual(ng.nodegroup?.resources?.autoScalingGroups?.map((g) => g.name), ['asg-1', 'asg-2']);
    await assert.rejects(eks.send(new ListNodegroupsCommand({ clusterName: 'nope' })), { name: 'ResourceNotFoundException' });
    eks.destroy();
  });
});
