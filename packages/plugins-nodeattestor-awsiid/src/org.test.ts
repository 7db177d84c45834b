import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { ACCOUNT, makeAttestor, payloadOf, seedInstance, startAws, type AwsTestEnv } from './emulator.test-support.js';

const MGMT = '000011112222';
const noChallenge = async () => new Uint8Array();
const notInOrg = (a: string) => `failed aws ec2 attestation, nodes account id: ${a} is not part of configured organization or doesn't have ACTIVE status`;

describe('aws_iid: verify_organization', () => {
  let env: AwsTestEnv;
  let dir: string;
  before(async () => {
    env = await startAws();
    env.aws.organizations.managementAccountId = MGMT;
    env.aws.organizations.pageSize = 2;
    for (const id of ['000000000001', '000000000002', '000000000003']) env.aws.organizations.putAccount(id);
    env.aws.organizations.putAccount(ACCOUNT);
    env.aws.organizations.putAccount('555555555555', 'SUSPENDED');
    dir = mkdtempSync(join(tmpdir(), 'aws-iid-org-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await env.close();
  });

  const api = { verify_organization: { management_account_id: MGMT, assume_org_role: 'org-reader', management_account_region: 'us-east-1' } };

  it('API mode: lists every page as assume_org_role in the management account and region', async () => {
    const a = await makeAttestor(env, api);
    const before = env.aws.calls('organizations', 'ListAccounts').length;
    await a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge);
    const calls = env.aws.calls('organizations', 'ListAccounts').slice(before);
    assert.equal(calls.length, 3, 'five accounts in pages of two');
    assert.equal(calls[0]!.region, 'us-east-1');
    assert.ok(env.aws.sts.assumed.some((r) => r.roleArn === `arn:aws:iam::${MGMT}:role/org-reader`));
  });

  it('API mode: refuses an account outside the organization, or not ACTIVE', async () => {
    const a = await makeAttestor(env, api);
    const outside = seedInstance(env, { accountId: '888877776666' });
    await rejectsWith(a.attest(await payloadOf(env, outside.instanceId), noChallenge), Code.INTERNAL, notInOrg('888877776666'));
    const suspended = seedInstance(env, { accountId: '555555555555' });
    await rejectsWith(a.attest(await payloadOf(env, suspended.instanceId), noChallenge), Code.INTERNAL, notInOrg('555555555555'));
  });

  it('API mode: caches the list for the TTL, refreshing on a miss at most five times', async () => {
    const a = await makeAttestor(env, api);
    await a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge);
    const base = env.aws.calls('organizations', 'ListAccounts').length;
    await a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge);
    assert.equal(env.aws.calls('organizations', 'ListAccounts').length, base, 'a hit does not list again');
    const outside = await payloadOf(env, seedInstance(env, { accountId: '888877776666' }).instanceId);
    for (let i = 0; i < 7; i++) await rejectsWith(a.attest(outside, noChallenge), Code.INTERNAL, notInOrg('888877776666'));
    assert.equal(env.aws.calls('organizations', 'ListAccounts').length - base, 5 * 3, 'five refreshes of three pages');
  });

  it('API mode: fails closed when ListAccounts fails, or the role may not list', async () => {
    const a = await makeAttestor(env, api);
    env.aws.fail('organizations', 'ListAccounts', 'AccessDeniedException', 'denied', 400, 1);
    await rejectsWith(
      a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge),
      Code.INTERNAL,
      `failed aws ec2 attestation, issue while verifying if nodes account id: ${ACCOUNT} belong to org: issue while getting list of accounts: AccessDeniedException: denied`,
    );
    const wrongAccount = await makeAttestor(env, { verify_organization: { management_account_id: '999999999999', assume_org_role: 'org-reader' } });
    await rejectsWith(
      wrongAccount.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge),
      Code.INTERNAL,
      /issue while getting list of accounts: AccessDeniedException: You don't have permissions to access this resource\.$/,
    );
  });

  it('file mode: admits listed accounts only, without calling Organizations', async () => {
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify([ACCOUNT]));
    const a = await makeAttestor(env, { verify_organization: { account_list_file: file } });
    const before = env.aws.calls('organizations').length;
    await a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge);
    const outside = seedInstance(env, { accountId: '888877776666' });
    await rejectsWith(a.attest(await payloadOf(env, outside.instanceId), noChallenge), Code.INTERNAL, notInOrg('888877776666'));
    assert.equal(env.aws.calls('organizations').length, before);
  });

  it('file mode: an account list file that became unreadable fails closed', async () => {
    const file = join(dir, 'vanishing.json');
    writeFileSync(file, JSON.stringify([ACCOUNT]));
    let now = Date.parse('2026-06-01T00:00:00Z');
    const a = await makeAttestor(env, { verify_organization: { account_list_file: file } }, { opts: { now: () => now } });
    await a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge);
    rmSync(file);
    now += 3 * 60_000 + 1;
    await rejectsWith(
      a.attest(await payloadOf(env, seedInstance(env).instanceId), noChallenge),
      Code.INTERNAL,
      `failed aws ec2 attestation, issue while verifying if nodes account id: ${ACCOUNT} belong to org: failed to load org account list: unable to read account list file: open ${file}: no such file or directory`,
    );
  });
});
