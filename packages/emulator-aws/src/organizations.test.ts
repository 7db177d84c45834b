import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: Organizations', () => {
  let aws: AwsEmulator;
  const cfg = () => ({ region: 'us-east-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 });
  before(async () => {
    aws = await AwsEmulator.start({ accountId: '111122223333' });
  });
  after(async () => aws.close());

  it('Organizations: ListAccounts pages through the accounts, for the management account only', async () => {
    const org = new OrganizationsClient(cfg());
    aws.organizations.pageSize = 1;
    aws.organizations.putAccount('000000000001');
    aws.organizations.putAccount('000000000002', 'SUSPENDED');
    const first = await org.send(new ListAccountsCommand({}));
    assert.deepEqual(first.Accounts?.map((a) => [a.Id, a.Status]), [['000000000001', 'ACTIVE']]);
    const second = await org.send(new ListAccountsCommand({ NextToken: first.NextToken! }));
    assert.deepEqual(second.Accounts?.map((a) => [a.Id, a.Status]), [['000000000002', 'SUSPENDED']]);
    assert.equal(second.NextToken, undefined);
    aws.organizations.managementAccountId = '999999999999';
    await assert.rejects(org.send(new ListAccountsCommand({})), { name: 'AccessDeniedException' });
    aws.organizations.managementAccountId = '111122223333';
    org.destroy();
  });
});
