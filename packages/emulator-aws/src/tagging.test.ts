import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { AwsEmulator } from './emulator.js';

const creds = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

describe('AwsEmulator: Resource Groups Tagging over KMS keys', () => {
  let aws: AwsEmulator;
  let kms: KMSClient;
  let tagging: ResourceGroupsTaggingAPIClient;
  const arns: Record<string, string> = {};
  before(async () => {
    aws = await AwsEmulator.start();
    const cfg = { region: 'us-east-1', endpoint: aws.url, credentials: creds, maxAttempts: 1 };
    kms = new KMSClient(cfg);
    tagging = new ResourceGroupsTaggingAPIClient(cfg);
    const make = async (name: string, tags: Record<string, string>) => {
      const out = await kms.send(
        new CreateKeyCommand({
          KeyUsage: 'SIGN_VERIFY',
          KeySpec: 'ECC_NIST_P256',
          Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
        }),
      );
      arns[name] = out.KeyMetadata!.Arn!;
    };
    await make('a1', { td: 'example.org', active: 'true', n: '1' });
    await make('a2', { td: 'example.org', active: 'false', n: '2' });
    await make('b1', { td: 'other.org', active: 'true', n: '3' });
    await make('untagged', {});
    for (let i = 0; i < 4; i++) await make(`p${i}`, { td: 'paged.org' });
  });
  after(async () => {
    kms.destroy();
    tagging.destroy();
    await aws.close();
  });

  it('ANDs the tag filters and ORs a filter\u2019s values, returning each key\u2019s tags', async () => {
    const out = await tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['kms:key'], TagFilters: [{ Key: 'td', Values: ['example.org'] }, { Key: 'active', Values: ['true'] }] }),
    );
    assert.deepEqual(out.ResourceTagMappingList?.map((r) => r.ResourceARN), [arns.a1]);
    assert.deepEqual(out.ResourceTagMappingList?.[0]?.Tags, [
      { Key: 'td', Value: 'example.org' },
      { Key: 'active', Value: 'true' },
      { Key: 'n', Value: '1' },
    ]);
    assert.equal(out.PaginationToken, '');
    const either = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'td', Values: ['example.org', 'other.org'] }] }));
    assert.deepEqual(either.ResourceTagMappingList?.map((r) => r.ResourceARN), [arns.a1, arns.a2, arns.b1]);
    const anyValue = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'n' }] }));
    assert.equal(anyValue.ResourceTagMappingList?.length, 3);
  });

  it('returns nothing for other resource types, and never an untagged key', async () => {
    const s3 = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }));
    assert.deepEqual(s3.ResourceTagMappingList, []);
    const all = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['kms'], ResourcesPerPage: 100 }));
    assert.equal(all.ResourceTagMappingList?.some((r) => r.ResourceARN === arns.untagged), false);
  });

  it('pages with PaginationToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'td', Values: ['paged.org'] }], ResourcesPerPage: 3, PaginationToken: token }));
      seen.push(...out.ResourceTagMappingList!.map((r) => r.ResourceARN!));
      token = out.PaginationToken || undefined;
      pages++;
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(seen, [0, 1, 2, 3].map((i) => arns[`p${i}`]));
  });

  it('answers an injected AccessDeniedException', async () => {
    aws.fail('tagging', 'GetResources', 'AccessDeniedException', 'not authorized to perform: tag:GetResources', 400, 1);
    await assert.rejects(tagging.send(new GetResourcesCommand({})), { name: 'AccessDeniedException' });
  });
});
