import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TrustDomain, type PluginData } from '@spire-ts/core/plugin';
import { DEFAULT_AGENT_PATH_TEMPLATE, parseAwsIidConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };
const parse = (raw: PluginData, env: NodeJS.ProcessEnv = {}) => parseAwsIidConfig(raw, core, env);
const dir = mkdtempSync(join(tmpdir(), 'aws-iid-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('aws_iid: configuration', () => {
  it('has SPIRE’s defaults', () => {
    const c = parse({}).config!;
    assert.equal(c.pathTemplate.source, DEFAULT_AGENT_PATH_TEMPLATE);
    assert.equal(c.partition, 'aws');
    assert.equal(c.skipBlockDevice, false);
    assert.equal(c.disableInstanceProfileSelectors, false);
    assert.equal(c.assumeRole, '');
    assert.equal(c.verifyOrganization, undefined);
    assert.equal(c.eksClusterNames, undefined);
    assert.equal(c.templateUsesTags, false);
  });

  it('takes keys from the environment, and refuses half a key pair', () => {
    assert.equal(parse({}, { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' }).config!.accessKeyId, 'A');
    assert.deepEqual(parse({ access_key_id: 'A' }).problems, ['configuration missing secret access key, but has access key id']);
    assert.deepEqual(parse({}, { AWS_SECRET_ACCESS_KEY: 'S' }).problems, ['configuration missing access key id, but has secret access key']);
  });

  it('refuses an unknown partition and a template that does not parse, collecting both', () => {
    const r = parse({ partition: 'aws-moon', agent_path_template: '/{{ .Nope' });
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /^failed to parse agent svid template: "\/\{\{ \.Nope": ./);
    assert.equal(r.problems[1], 'invalid partition "aws-moon", must be one of: [aws aws-cn aws-us-gov]');
  });

  it('reads verify_organization in API mode with its defaults', () => {
    const c = parse({ verify_organization: { management_account_id: '000011112222', assume_org_role: 'r' } }).config!;
    assert.deepEqual(c.verifyOrganization, { managementAccountId: '000011112222', assumeOrgRole: 'r', managementAccountRegion: 'us-west-2', ttlMs: 180_000, accountListFile: '' });
  });

  it('refuses an incomplete API mode and a bad or short org_account_map_ttl', () => {
    assert.deepEqual(parse({ verify_organization: { management_account_id: '000011112222' } }).problems, [
      'please ensure that "management_account_id" & "assume_org_role" are present inside block or remove the block: "verify_organization" for feature node attestation using account id verification',
    ]);
    const base = { management_account_id: '000011112222', assume_org_role: 'r' };
    assert.match(parse({ verify_organization: { ...base, org_account_map_ttl: 'soon' } }).problems[0]!, /^please ensure that "org_account_map_ttl" if configured, it should be in duration/);
    assert.deepEqual(parse({ verify_organization: { ...base, org_account_map_ttl: '30s' } }).problems, [
      'please ensure that "org_account_map_ttl" if configured, it should be greater than or equal to "1m". Otherwise remove the: "org_account_map_ttl", in the block: "verify_organization". Default TTL will be: "3m"',
    ]);
    assert.equal(parse({ verify_organization: { ...base, org_account_map_ttl: '5m' } }).config!.verifyOrganization!.ttlMs, 300_000);
  });

  it('file mode: reads the list at configuration, exclusive with the API fields', () => {
    const good = join(dir, 'ok.json');
    writeFileSync(good, '["111122223333"]');
    assert.equal(parse({ verify_organization: { account_list_file: good } }).config!.verifyOrganization!.accountListFile, good);
    assert.deepEqual(parse({ verify_organization: { account_list_file: good, assume_org_role: 'r' } }).problems, [
      '"account_list_file" is mutually exclusive with "management_account_id" and "assume_org_role" in the block: "verify_organization"',
    ]);
    assert.deepEqual(parse({ verify_organization: { account_list_file: good, management_account_region: 'us-east-1' } }).problems, [
      '"account_list_file" is mutually exclusive with "management_account_region" in the block: "verify_organization"',
    ]);
  });

  it('file mode: a missing or malformed list fails the configuration', () => {
    const missing = join(dir, 'missing.json');
    assert.deepEqual(parse({ verify_organization: { account_list_file: missing } }).problems, [
      `invalid "account_list_file" in the block: "verify_organization": unable to read account list file: open ${missing}: no such file or directory`,
    ]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '["12345"]');
    assert.deepEqual(parse({ verify_organization: { account_list_file: bad } }).problems, [
      `invalid "account_list_file" in the block: "verify_organization": invalid account id "12345" in account list file "${bad}", expected a 12-digit AWS account id`,
    ]);
    const notArray = join(dir, 'obj.json');
    writeFileSync(notArray, '{}');
    assert.match(parse({ verify_organization: { account_list_file: notArray } }).problems[0]!, /unable to parse account list file ".*obj\.json", expected a JSON array of account IDs/);
  });

  it('reads validate_eks_cluster_membership and the other options', () => {
    const c = parse({
      validate_eks_cluster_membership: { eks_cluster_names: ['a', 'b'] },
      skip_block_device: true,
      disable_instance_profile_selectors: true,
      account_ids_for_local_validation: ['111122223333'],
      assume_role: 'reader',
      partition: 'aws-cn',
      agent_path_template: '/{{ .Tags.Name }}',
    }).config!;
    assert.deepEqual(c.eksClusterNames, ['a', 'b']);
    assert.equal(c.skipBlockDevice, true);
    assert.equal(c.disableInstanceProfileSelectors, true);
    assert.deepEqual([...c.localValidAccountIds], ['111122223333']);
    assert.equal(c.assumeRole, 'reader');
    assert.equal(c.partition, 'aws-cn');
    assert.equal(c.templateUsesTags, true);
  });

  it('refuses unknown options, also inside the blocks', () => {
    assert.deepEqual(parse({ endpoint: 'x', validate_eks_cluster_membership: { clusters: [] } }).problems, [
      'unknown option endpoint',
      'unknown option validate_eks_cluster_membership.clusters',
    ]);
  });
});
