import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { makeAttestor, payloadOf, seedInstance, startAws, type AwsTestEnv } from './emulator.test-support.js';

const noChallenge = async () => new Uint8Array();

describe('aws_iid: validate_eks_cluster_membership', () => {
  let env: AwsTestEnv;
  before(async () => {
    env = await startAws();
  });
  after(async () => env.close());

  it('admits a node of a nodegroup of a listed cluster, refuses others', async () => {
    const node = seedInstance(env);
    const stranger = seedInstance(env);
    env.aws.eks.pageSize = 1;
    env.aws.eks.putNodegroup('prod', 'ng-a', ['asg-a']);
    env.aws.eks.putNodegroup('prod', 'ng-b', ['asg-b']);
    env.aws.autoScaling.putGroup('asg-a', ['i-00000000000000001']);
    env.aws.autoScaling.putGroup('asg-b', [node.instanceId]);
    const a = await makeAttestor(env, { validate_eks_cluster_membership: { eks_cluster_names: ['prod'] } });
    await a.attest(await payloadOf(env, node.instanceId), noChallenge);
    await rejectsWith(
      a.attest(await payloadOf(env, stranger.instanceId), noChallenge),
      Code.INTERNAL,
      `failed aws eks attestation, nodes id: ${stranger.instanceId} is not part of configured EKS cluster`,
    );
    assert.equal(env.aws.calls('eks', 'GET /clusters/{name}/node-groups').at(-1)?.region, 'us-west-2');
  });

  it('caches the node list for 30 s; a miss refreshes it', async () => {
    const late = seedInstance(env);
    let now = Date.parse('2026-06-01T00:00:00Z');
    env.aws.eks.putNodegroup('c2', 'ng', ['asg-c2']);
    env.aws.autoScaling.putGroup('asg-c2', ['i-00000000000000002']);
    const a = await makeAttestor(env, { validate_eks_cluster_membership: { eks_cluster_names: ['c2'] } }, { opts: { now: () => now } });
    await rejectsWith(a.attest(await payloadOf(env, late.instanceId), noChallenge), Code.INTERNAL, /is not part of configured EKS cluster$/);
    env.aws.autoScaling.putGroup('asg-c2', ['i-00000000000000002', late.instanceId]);
    const before = env.aws.calls('autoscaling').length;
    await a.attest(await payloadOf(env, late.instanceId), noChallenge);
    assert.equal(env.aws.calls('autoscaling').length, before + 1, 'the miss refreshed the list');
    now += 10_000;
    await a.attest(await payloadOf(env, late.instanceId), noChallenge);
    assert.equal(env.aws.calls('autoscaling').length, before + 1, 'a hit within 30 s does not');
  });

  it('fails closed when the cluster is unknown to EKS', async () => {
    const a = await makeAttestor(env, { validate_eks_cluster_membership: { eks_cluster_names: ['nope'] } });
    const inst = seedInstance(env);
    await rejectsWith(
      a.attest(await payloadOf(env, inst.instanceId), noChallenge),
      Code.INTERNAL,
      `failed aws eks attestation, issue while verifying if nodes id: ${inst.instanceId} belong to cluster: issue while getting list of EKS Nodegroups: ResourceNotFoundException: No cluster found for name: nope.`,
    );
  });
});
