import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { TrustDomain } from '@spire-ts/core/plugin';
import { DEFAULT_RESOURCE_ID, parseMsiConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };

describe('azure_msi: plugin_data', () => {
  it('defaults resource_id and the agent path template; a tenant without credentials uses the default chain', () => {
    const r = parseMsiConfig({ tenants: { t1: {}, t2: { resource_id: 'api://x', subscription_id: 's', app_id: 'a', app_secret: 'p' } } }, core);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config!.tenants.get('t1')!.resourceId, DEFAULT_RESOURCE_ID);
    assert.equal(r.config!.tenants.get('t1')!.appId, '');
    assert.deepEqual(r.config!.tenants.get('t2'), { resourceId: 'api://x', subscriptionId: 's', appId: 'a', appSecret: 'p' });
  });

  it('accepts the HCL block form of tenants', () => {
    const r = parseMsiConfig({ tenants: [{ t1: [{ resource_id: 'api://x' }] }] }, core);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config!.tenants.get('t1')!.resourceId, 'api://x');
  });

  it('collects every problem: no tenant, partial credentials, bad template, unknown keys', () => {
    assert.deepEqual(parseMsiConfig({}, core).problems, ['configuration must have at least one tenant']);
    const r = parseMsiConfig({ tenants: { t1: { app_id: 'a', colour: 'x' } }, agent_path_template: '/{{ .Nope', extra: 1 }, core);
    assert.deepEqual(r.problems, [
      'misconfigured tenant "t1": missing subscription id',
      'misconfigured tenant "t1": missing app secret',
      'failed to parse agent path template: "/{{ .Nope"',
      'unknown option extra',
      'unknown option tenants.t1.colour',
    ]);
  });
});
