import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { iidPayload } from '@spire-ts/emulator-aws';
import { ACCOUNT, REGION, agentStore, makeAttestor, payloadOf, seedInstance, startAws, type AwsTestEnv } from './emulator.test-support.js';

describe('aws_iid: attestation against the AWS emulator', () => {
  let env: AwsTestEnv;
  before(async () => {
    env = await startAws();
  });
  after(async () => env.close());

  it('attests an instance: SPIRE agent ID, sorted selectors from the document, EC2 and IAM', async () => {
    const inst = seedInstance(env);
    const a = await makeAttestor(env);
    const attrs = await a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array());
    await a.close?.();
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/aws_iid/${ACCOUNT}/${REGION}/${inst.instanceId}`);
    assert.equal(attrs.canReattest, false);
    assert.deepEqual(attrs.selectorValues, [
      `account_id:${ACCOUNT}`,
      `az:${REGION}a`,
      `iamrole:arn:aws:iam::${ACCOUNT}:role/web-role`,
      'image:id:ami-0abc',
      `instance:id:${inst.instanceId}`,
      `region:${REGION}`,
      'sg:id:sg-0123',
      'sg:name:web',
      'tag:Name:web-1',
      'tag:env:prod',
    ]);
    const describe = env.aws.calls('ec2', 'DescribeInstances').at(-1)!;
    assert.deepEqual(describe.input, {
      Action: 'DescribeInstances',
      Version: '2016-11-15',
      'InstanceId.1': inst.instanceId,
      'Filter.1.Name': 'instance-state-name',
      'Filter.1.Value.1': 'pending',
      'Filter.1.Value.2': 'running',
    });
    assert.equal(describe.region, REGION);
    assert.equal((env.aws.calls('iam', 'GetInstanceProfile').at(-1)!.input as Record<string, string>).InstanceProfileName, 'web-profile');
  });

  it('leaves out iamrole selectors when disable_instance_profile_selectors is set, and dedupes', async () => {
    const inst = seedInstance(env, { securityGroups: [{ id: 'sg-1', name: 'a' }, { id: 'sg-1', name: 'a' }] });
    const before = env.aws.calls('iam').length;
    const a = await makeAttestor(env, { disable_instance_profile_selectors: true });
    const attrs = await a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array());
    assert.equal(env.aws.calls('iam').length, before);
    assert.ok(!attrs.selectorValues.some((s) => s.startsWith('iamrole:')));
    assert.equal(attrs.selectorValues.filter((s) => s === 'sg:id:sg-1').length, 1);
  });

  it('renders agent_path_template with the instance tags', async () => {
    const inst = seedInstance(env, { tags: { Hostname: 'db-7' } });
    const a = await makeAttestor(env, { agent_path_template: '/{{ .PluginName }}/{{ .Tags.Hostname }}/{{ .InstanceID }}' });
    const attrs = await a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array());
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/aws_iid/db-7/${inst.instanceId}`);
  });

  it('calls EC2 and IAM as assume_role in the instance account, in the configured partition', async () => {
    const other = '444455556666';
    const inst = seedInstance(env, { accountId: other });
    const a = await makeAttestor(env, { assume_role: 'spire-reader', partition: 'aws-us-gov' });
    const attrs = await a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array());
    assert.ok(attrs.selectorValues.includes(`account_id:${other}`));
    assert.equal(env.aws.sts.assumed.at(-1)?.roleArn, `arn:aws-us-gov:iam::${other}:role/spire-reader`);
  });

  it('without assume_role, an instance of another account is not found by the server identity', async () => {
    const inst = seedInstance(env, { accountId: '777788889999' });
    const a = await makeAttestor(env);
    await assert.rejects(a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array()), /InvalidInstanceID\.NotFound/);
  });

  it('keeps one set of clients per account@region', async () => {
    const a = await makeAttestor(env, { assume_role: 'r1' });
    const before = env.aws.sts.assumed.length;
    for (let i = 0; i < 3; i++) {
      const inst = seedInstance(env);
      await a.attest(await payloadOf(env, inst.instanceId), async () => new Uint8Array());
    }
    // One role session for the EC2 client and one for the IAM client of 111122223333@us-west-2.
    assert.equal(env.aws.sts.assumed.length - before, 2);
  });

  it('skips the block-device check with skip_block_device or for account_ids_for_local_validation', async () => {
    const swapped = { blockDevices: [{ deviceName: '/dev/xvda', attachTime: new Date('2026-01-02T00:00:00Z') }] };
    const a = await makeAttestor(env, { skip_block_device: true });
    await a.attest(await payloadOf(env, seedInstance(env, swapped).instanceId), async () => new Uint8Array());
    const b = await makeAttestor(env, { account_ids_for_local_validation: [ACCOUNT] });
    await b.attest(await payloadOf(env, seedInstance(env, swapped).instanceId), async () => new Uint8Array());
  });

  it('accepts an instance-store root and a 60 s skew', async () => {
    const a = await makeAttestor(env);
    const store = seedInstance(env, { rootDeviceType: 'instance-store', blockDevices: [] });
    await a.attest(await payloadOf(env, store.instanceId), async () => new Uint8Array());
    const edge = seedInstance(env, { blockDevices: [{ deviceName: '/dev/xvda', attachTime: new Date('2026-01-01T00:01:00Z') }] });
    await a.attest(await payloadOf(env, edge.instanceId), async () => new Uint8Array());
  });

  it('verifies the RSA signature when the agent sends no rsa2048', async () => {
    const inst = seedInstance(env);
    const data = await env.aws.ec2.attestationData(inst.instanceId);
    const a = await makeAttestor(env, {}, { host: agentStore() });
    const attrs = await a.attest(iidPayload({ ...data, rsa2048: '' }), async () => new Uint8Array());
    assert.ok(attrs.spiffeId.endsWith(inst.instanceId));
  });
});
