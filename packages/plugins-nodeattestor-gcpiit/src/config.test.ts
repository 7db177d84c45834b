import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TrustDomain, type PluginData } from '@spire-ts/core/plugin';
import { DEFAULT_AGENT_PATH_TEMPLATE, parseGcpIitConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };
const parse = (raw: PluginData) => parseGcpIitConfig(raw, core);
const dir = mkdtempSync(join(tmpdir(), 'gcp-iit-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('gcp_iit: configuration', () => {
  it("has SPIRE's defaults", () => {
    const c = parse({ projectid_allow_list: ['p'] }).config!;
    assert.equal(c.pathTemplate.source, DEFAULT_AGENT_PATH_TEMPLATE);
    assert.equal(c.useInstanceMetadata, false);
    assert.equal(c.maxMetadataValueSize, 128);
    assert.equal(c.serviceAccountFile, '');
    assert.deepEqual([...c.allowedLabelKeys], []);
  });

  it('requires projectid_allow_list and collects every problem (template, size, unknown option)', () => {
    const r = parse({ agent_path_template: '/{{ .Nope', max_metadata_value_size: -1, use_instance_metdata: true });
    assert.deepEqual(r.problems, [
      'projectid_allow_list is required',
      'failed to parse agent path template: "/{{ .Nope"',
      'max_metadata_value_size must not be negative (got -1)',
      'unknown option use_instance_metdata',
    ]);
  });

  it('reads the allowed keys and the size limit', () => {
    const c = parse({ projectid_allow_list: ['p'], use_instance_metadata: true, allowed_label_keys: ['a'], allowed_metadata_keys: ['b'], max_metadata_value_size: 10 }).config!;
    assert.deepEqual([c.useInstanceMetadata, [...c.allowedLabelKeys], [...c.allowedMetadataKeys], c.maxMetadataValueSize], [true, ['a'], ['b'], 10]);
  });

  it('refuses a service_account_file that is missing, not JSON or not a service account key', () => {
    const missing = join(dir, 'missing.json');
    assert.match(parse({ projectid_allow_list: ['p'], service_account_file: missing }).problems[0]!, /^service_account_file: open .*missing\.json: no such file or directory$/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    assert.match(parse({ projectid_allow_list: ['p'], service_account_file: bad }).problems[0]!, /^service_account_file: invalid service account file .*bad\.json: /);
    const user = join(dir, 'user.json');
    writeFileSync(user, JSON.stringify({ type: 'authorized_user' }));
    assert.match(parse({ projectid_allow_list: ['p'], service_account_file: user }).problems[0]!, /credential type is "authorized_user", expected "service_account"$/);
    const sa = join(dir, 'sa.json');
    writeFileSync(sa, JSON.stringify({ type: 'service_account', client_email: 'a@b', private_key: 'x' }));
    assert.equal(parse({ projectid_allow_list: ['p'], service_account_file: sa }).config!.serviceAccountFile, sa);
  });
});
