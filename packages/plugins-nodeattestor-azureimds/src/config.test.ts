import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TrustDomain } from '@spire-ts/core/plugin';
import { makeAttackerIdentity } from '@spire-ts/emulator-azure';
import { parseImdsConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };

describe('azure_imds: plugin_data', () => {
  it('reads tenants with each authentication, and the defaults', () => {
    const r = parseImdsConfig(
      {
        tenants: {
          'a.onmicrosoft.com': { secret_auth: { app_id: 'x', app_secret: 'y' }, restrict_to_subscriptions: [' s1 '], allowed_vm_tags: ['env'] },
          'b.onmicrosoft.com': { token_auth: { app_id: 'x', token_path: '/t' } },
          'c.onmicrosoft.com': {},
        },
      },
      core,
    );
    assert.deepEqual(r.problems, []);
    const t = r.config!.tenants;
    assert.deepEqual(t.get('a.onmicrosoft.com'), { auth: { kind: 'secret', appId: 'x', appSecret: 'y' }, allowedVmTags: ['env'], restrictToSubscriptions: new Set(['s1']) });
    assert.deepEqual(t.get('b.onmicrosoft.com')!.auth, { kind: 'token', appId: 'x', tokenPath: '/t' });
    assert.deepEqual(t.get('c.onmicrosoft.com')!.auth, { kind: 'default' });
    assert.deepEqual(r.config!.allowedMetadataDomains, ['metadata.azure.com']);
  });

  it('collects every problem', () => {
    const r = parseImdsConfig(
      {
        tenants: { d: { secret_auth: { app_id: 'x' }, token_auth: { app_id: 'x', token_path: '/t' }, restrict_to_subscriptions: [''] }, e: { token_auth: {} } },
        agent_path_template: '/{{ .X',
        trust_bundle_path: '/nonexistent/bundle.pem',
      },
      core,
    );
    assert.deepEqual(r.problems, [
      'misconfigured tenant "d": only one of secret_auth or token_auth may be specified in the config',
      'misconfigured tenant "d": restrict_to_subscriptions entries must be non-empty',
      'misconfigured tenant "e": missing token file path',
      'misconfigured tenant "e": missing app id',
      'failed to parse agent path template: "/{{ .X"',
      `unable to load trust bundle "/nonexistent/bundle.pem": ENOENT: no such file or directory, open '/nonexistent/bundle.pem'`,
    ]);
    assert.deepEqual(parseImdsConfig({}, core).problems, ['configuration must have at least one tenant']);
  });

  it('refuses a trust bundle holding a non-CA certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imds-cfg-'));
    const file = join(dir, 'b.pem');
    writeFileSync(file, (await makeAttackerIdentity()).certPem);
    const r = parseImdsConfig({ tenants: { d: {} }, trust_bundle_path: file }, core);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /^trust bundle ".*b\.pem" contains a non-CA certificate \(subject /);
  });
});
