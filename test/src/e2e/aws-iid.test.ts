import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsEmulator, iidPayload } from '@spire-ts/emulator-aws';
import { AgentClient, RpcError, payloadAttestor } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';
import { ServerProcess } from './harness.js';

const PERMISSION_DENIED = 7;
const INSTANCE = 'i-0aaaabbbbccccdddd';

describe('NodeAttestor aws_iid in a real spire-server run, on the AWS emulator', { timeout: 180_000 }, () => {
  let aws: AwsEmulator;
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };

  before(async () => {
    aws = await AwsEmulator.start();
    const signer = await aws.ec2.iidSigner();
    const certsFile = join(server.dir, 'iid-certs.json');
    writeFileSync(certsFile, JSON.stringify(signer.certsByRegion([aws.region])));
    aws.iam.putInstanceProfile('spire-agent', [`arn:aws:iam::${aws.accountId}:role/spire-agent`]);
    aws.ec2.putInstance({
      instanceId: INSTANCE,
      imageId: 'ami-0123456789abcdef0',
      tags: { env: 'prod' },
      securityGroups: [{ id: 'sg-0123456789abcdef0', name: 'agents' }],
      instanceProfileArn: `arn:aws:iam::${aws.accountId}:instance-profile/spire-agent`,
    });
    await server.start({
      env: { ...aws.env(), SPIRE_TEST_AWS_IID_CERTS_FILE: certsFile },
      extraPlugins: `NodeAttestor "aws_iid" {
    plugin_data {}
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
    await aws.close();
  });

  it('attests with a signed identity document, stores SPIRE\'s selectors, and the agent SVID verifies with openssl', async () => {
    const agent = await newAgent();
    const r = await agent.attest(payloadAttestor('aws_iid', iidPayload(await aws.ec2.attestationData(INSTANCE))));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/aws_iid/${aws.accountId}/${aws.region}/${INSTANCE}`);
    assert.equal(r.reattestable, false);
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(r.spiffeId).pathname } });
    assert.equal(got.attestation_type, 'aws_iid');
    const sel = got.selectors.map((s: { type: string; value: string }) => `${s.type}:${s.value}`).sort();
    assert.deepEqual(sel, [
      `aws_iid:account_id:${aws.accountId}`,
      `aws_iid:az:${aws.region}a`,
      `aws_iid:iamrole:arn:aws:iam::${aws.accountId}:role/spire-agent`,
      'aws_iid:image:id:ami-0123456789abcdef0',
      `aws_iid:instance:id:${INSTANCE}`,
      `aws_iid:region:${aws.region}`,
      'aws_iid:sg:id:sg-0123456789abcdef0',
      'aws_iid:sg:name:agents',
      'aws_iid:tag:env:prod',
    ]);
    const dir = server.dir;
    writeFileSync(join(dir, 'agent.pem'), certsPem(agent.svid!.certChain));
    writeFileSync(join(dir, 'bundle.pem'), await server.bundlePem());
    execFileSync('openssl', ['verify', '-CAfile', join(dir, 'bundle.pem'), join(dir, 'agent.pem')]);
  });

  it('a second attestation of the same instance is refused until the agent is evicted (TOFU)', async () => {
    const payload = iidPayload(await aws.ec2.attestationData(INSTANCE));
    await assert.rejects((await newAgent()).attest(payloadAttestor('aws_iid', payload)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.deepEqual([e.code, e.details], [PERMISSION_DENIED, 'nodeattestor(aws_iid): attestation data has already been used to attest an agent']);
      return true;
    });
    await server.admin('agent', 'DeleteAgent', { id: { trust_domain: 'example.org', path: `/spire/agent/aws_iid/${aws.accountId}/${aws.region}/${INSTANCE}` } });
    const r = await (await newAgent()).attest(payloadAttestor('aws_iid', payload));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/aws_iid/${aws.accountId}/${aws.region}/${INSTANCE}`);
  });

  it('a document that is not the signed one is refused, and stores no agent', async () => {
    aws.ec2.putInstance({ instanceId: 'i-0eeeeffff00001111' });
    const signed = await aws.ec2.attestationData('i-0eeeeffff00001111');
    const forged = { ...signed, document: signed.document.replace('i-0eeeeffff00001111', 'i-0999988887777aaaa') };
    const before = (await server.admin('agent', 'ListAgents', {})).agents.length;
    await assert.rejects((await newAgent()).attest(payloadAttestor('aws_iid', iidPayload(forged))), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.deepEqual([e.code, e.details], [3, 'nodeattestor(aws_iid): instance identity document does not match the verified PKCS7 content']);
      return true;
    });
    assert.equal((await server.admin('agent', 'ListAgents', {})).agents.length, before);
  });
});
