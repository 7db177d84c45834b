import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { iidPayload } from '@spire-ts/emulator-aws';
import { ACCOUNT, REGION, agentStore, makeAttestor, payloadOf, seedInstance, startAws, type AwsTestEnv } from './emulator.test-support.js';

const noChallenge = async () => new Uint8Array();

describe('aws_iid: refusals against the AWS emulator', () => {
  let env: AwsTestEnv;
  before(async () => {
    env = await startAws();
  });
  after(async () => env.close());

  it('refuses a second attestation of the same agent ID (TOFU) until the agent is evicted', async () => {
    const host = agentStore();
    const a = await makeAttestor(env, {}, { host });
    const inst = seedInstance(env);
    const payload = await payloadOf(env, inst.instanceId);
    const first = await a.attest(payload, noChallenge);
    host.ids.add(first.spiffeId);
    await rejectsWith(a.attest(payload, noChallenge), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
    host.ids.delete(first.spiffeId);
    assert.equal((await a.attest(payload, noChallenge)).spiffeId, first.spiffeId);
  });

  it('refuses when there is no AgentStore to check first use against', async () => {
    const a = await makeAttestor(env, {}, { host: {} });
    await rejectsWith(a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge), Code.INTERNAL, 'required AgentStore host service not available');
  });

  it('refuses a root volume attached more than 60 s from the primary ENI (root-volume swap)', async () => {
    const a = await makeAttestor(env);
    const inst = seedInstance(env, { blockDevices: [{ deviceName: '/dev/xvda', attachTime: new Date('2026-01-01T00:01:01Z') }] });
    await rejectsWith(
      a.attest(await payloadOf(env, inst.instanceId), noChallenge),
      Code.INTERNAL,
      'failed aws ec2 attestation: failed checking the disparity device attach times, root BlockDeviceMapping and NetworkInterface[0] attach times differ by 61 seconds',
    );
  });

  it('refuses an instance without a primary ENI or without its root device mapping', async () => {
    const a = await makeAttestor(env);
    const noEni = seedInstance(env, { networkInterfaces: [{ deviceIndex: 1, attachTime: new Date() }] });
    await rejectsWith(
      a.attest(await payloadOf(env, noEni.instanceId), noChallenge),
      Code.INTERNAL,
      'failed aws ec2 attestation: the EC2 instance network interface with device index 0 is inaccessible',
    );
    const noRoot = seedInstance(env, { blockDevices: [{ deviceName: '/dev/sdb', attachTime: new Date() }] });
    await rejectsWith(
      a.attest(await payloadOf(env, noRoot.instanceId), noChallenge),
      Code.INTERNAL,
      'failed aws ec2 attestation: failed to locate the root device block mapping with name "/dev/xvda"',
    );
  });

  it('refuses an instance DescribeInstances does not return (stopped)', async () => {
    const a = await makeAttestor(env);
    const inst = seedInstance(env, { state: 'stopped' });
    await rejectsWith(a.attest(await payloadOf(env, inst.instanceId), noChallenge), Code.INTERNAL, 'failed to query AWS via describe-instances: returned no reservations');
  });

  it('refuses an instance AWS does not know, with EC2’s error', async () => {
    const a = await makeAttestor(env);
    const inst = seedInstance(env);
    const payload = await payloadOf(env, inst.instanceId);
    env.aws.ec2.instances.delete(inst.instanceId);
    await rejectsWith(a.attest(payload, noChallenge), Code.INTERNAL, `failed to describe instance: InvalidInstanceID.NotFound: The instance ID '${inst.instanceId}' does not exist`);
  });

  it('refuses a template naming a tag the instance lacks', async () => {
    const a = await makeAttestor(env, { agent_path_template: '/{{ .PluginName }}/{{ .Tags.Hostname }}' });
    await rejectsWith(a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge), Code.INTERNAL, /^failed to create spiffe ID: .*map has no entry for key "Hostname"/);
  });

  it('fails the IAM lookup of an instance profile AWS does not know', async () => {
    const a = await makeAttestor(env);
    const inst = seedInstance(env, { instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/gone` });
    await rejectsWith(a.attest(await payloadOf(env, inst.instanceId), noChallenge), Code.INTERNAL, 'failed to get intance profile: NoSuchEntityException: Instance Profile gone cannot be found.');
  });

  it('refuses a PKCS#7 of one instance sent with another instance’s document', async () => {
    const a = await makeAttestor(env);
    const mine = await env.aws.ec2.attestationData(seedInstance(env).instanceId);
    const victim = env.aws.ec2.identityDocument(seedInstance(env, { accountId: '999900001111' }).instanceId);
    const before = env.aws.calls('ec2').length;
    await rejectsWith(a.attest(iidPayload({ ...mine, document: victim }), noChallenge), Code.INVALID_ARGUMENT, 'instance identity document does not match the verified PKCS7 content');
    assert.equal(env.aws.calls('ec2').length, before, 'no AWS call for a forged document');
  });

  it('says UNAVAILABLE when AWS answers 503', async () => {
    const a = await makeAttestor(env);
    const payload = await payloadOf(env, seedInstance(env).instanceId);
    env.aws.setUnavailable(true);
    try {
      await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, "failed to describe instance: HTTP 503 from AWS with a reply that is not AWS's");
    } finally {
      env.aws.setUnavailable(false);
    }
  });

  it('says UNAVAILABLE when AWS does not answer within the timeout', async () => {
    const a = await makeAttestor(env, {}, { opts: { timeoutMs: 150 } });
    const payload = await payloadOf(env, seedInstance(env).instanceId);
    env.aws.setLatencyMs(1000);
    try {
      const started = Date.now();
      await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, /^failed to describe instance: .*(TimeoutError|timed out|did not answer)/);
      assert.ok(Date.now() - started < 900, 'gave up at the timeout, not at the answer');
    } finally {
      env.aws.setLatencyMs(0);
    }
  });

  it('says UNAVAILABLE when nothing listens at the endpoint', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    try {
      const a = await makeAttestor(env);
      await rejectsWith(a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge), Code.UNAVAILABLE, /^failed to describe instance: .*ECONNREFUSED/);
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('keeps to the region of the document', async () => {
    const a = await makeAttestor(env);
    const inst = seedInstance(env, { region: 'eu-west-1' });
    await a.attest(await payloadOf(env, inst.instanceId), noChallenge);
    assert.equal(env.aws.calls('ec2', 'DescribeInstances').at(-1)?.region, 'eu-west-1');
    assert.notEqual(REGION, 'eu-west-1');
  });
});
