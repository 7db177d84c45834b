import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Code, silentLogger, type PluginData } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { buildIidDocument, iidPayload, IidSigner } from '@spire-ts/emulator-aws';
import { FakeAwsIidApi, healthyInstance } from './aws-api.fake.js';
import type { ApiTarget } from './aws-clients.js';
import { agentStore, td } from './emulator.test-support.js';
import { makeAwsIidNodeAttestor } from './index.js';

const ACCT = '123412341234';
const ID = 'i-0123456789abcdef0';
const noChallenge = async () => new Uint8Array();

describe('aws_iid over a fake of its AWS interface', () => {
  let signer: IidSigner;
  let payload: Uint8Array;
  before(async () => {
    signer = await IidSigner.create();
    payload = iidPayload(signer.sign(buildIidDocument({ accountId: ACCT, region: 'us-east-2', instanceId: ID })));
  });

  const make = async (fake: FakeAwsIidApi, data: PluginData = {}, timeoutMs = 5000, targets: ApiTarget[] = []) => {
    const d = makeAwsIidNodeAttestor({
      regionCerts: signer.certsByRegion(['us-east-2']),
      timeoutMs,
      apiFactory: (t) => {
        targets.push(t);
        return fake;
      },
    });
    const r = d.parseConfig(data, { trustDomain: td, dataDir: '/tmp' });
    assert.deepEqual(r.problems, []);
    return d.create({ config: r.config!, log: silentLogger(), trustDomain: td, dataDir: '/tmp', host: agentStore() });
  };

  it('bounds each stage by the timeout: a hung DescribeInstances fails UNAVAILABLE with the deadline', async () => {
    const fake = new FakeAwsIidApi();
    fake.hang = true;
    const a = await make(fake, {}, 100);
    await rejectsWith(a.attest(payload, noChallenge), Code.UNAVAILABLE, 'failed to describe instance: TimeoutError: AWS did not answer within 100 ms');
  });

  it('asks for the organization list as the org role, in the management region, and closes its clients', async () => {
    const fake = new FakeAwsIidApi();
    fake.instances.set(ID, healthyInstance());
    fake.accounts = [{ id: '000000000001', status: 'ACTIVE' }, { id: ACCT, status: 'ACTIVE' }];
    const targets: ApiTarget[] = [];
    const a = await make(fake, { partition: 'aws-cn', verify_organization: { management_account_id: '999999999999', assume_org_role: 'lister' } }, 5000, targets);
    const attrs = await a.attest(payload, noChallenge);
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/aws_iid/${ACCT}/us-east-2/${ID}`);
    assert.deepEqual(targets[0], { region: 'us-west-2', accountId: '999999999999', assumeRoleArn: '', orgRoleArn: 'arn:aws-cn:iam::999999999999:role/lister' });
    assert.equal(targets[1]?.region, 'us-east-2');
    assert.deepEqual(fake.calls.filter((c) => c === 'listAccounts').length, 2);
    await a.close?.();
    assert.equal(fake.closed, 2);
  });

  it('makes concurrent lookups share one load of the organization list', async () => {
    const fake = new FakeAwsIidApi();
    fake.instances.set(ID, healthyInstance());
    fake.accounts = [{ id: ACCT, status: 'ACTIVE' }];
    const host = agentStore();
    const d = makeAwsIidNodeAttestor({ regionCerts: signer.certsByRegion(['us-east-2']), apiFactory: () => fake });
    const r = d.parseConfig({ verify_organization: { management_account_id: '999999999999', assume_org_role: 'lister' } }, { trustDomain: td, dataDir: '/tmp' });
    const a = await d.create({ config: r.config!, log: silentLogger(), trustDomain: td, dataDir: '/tmp', host });
    await Promise.all([a.attest(payload, noChallenge), a.attest(payload, noChallenge), a.attest(payload, noChallenge)]);
    assert.equal(fake.calls.filter((c) => c === 'listAccounts').length, 1);
  });

  it('refuses an instance whose profile ARN is not an instance profile', async () => {
    const fake = new FakeAwsIidApi();
    fake.instances.set(ID, healthyInstance({ instanceProfileArn: `arn:aws:iam::${ACCT}:role/not-a-profile` }));
    const a = await make(fake);
    await rejectsWith(a.attest(payload, noChallenge), Code.INTERNAL, 'arn is not for an instance profile');
  });
});
