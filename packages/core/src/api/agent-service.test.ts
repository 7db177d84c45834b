import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AttestedNode } from '../plugins/datastore/contract.js';
import { parseGoTime } from './services/agent.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
const node = (name: string, extra: Partial<AttestedNode> = {}): AttestedNode => ({
  spiffeId: `spiffe://example.org/spire/agent/${name}`,
  attestationDataType: 'x509pop',
  certSerialNumber: '11',
  certNotAfter: 1_000,
  newCertSerialNumber: '',
  newCertNotAfter: 0,
  canReattest: true,
  agentVersion: '1.0',
  selectors: [],
  ...extra,
});
const aid = (name: string) => ({ trust_domain: 'example.org', path: `/spire/agent/${name}` });

before(async () => {
  h = await startHarness();
  await h.ds.createAttestedNode(node('a', { selectors: [{ type: 'x509pop', value: 'cn:a' }] }));
  await h.ds.createAttestedNode(node('b', { attestationDataType: 'join_token', canReattest: false, certNotAfter: 5_000 }));
  await h.ds.createAttestedNode(node('c', { certSerialNumber: '', newCertSerialNumber: '' }));
});
after(async () => h.close());

test('ListAgents and CountAgents apply every filter', async () => {
  const c = h.local('agent');
  const names = async (filter: object) =>
    ((await c.call('ListAgents', { filter })).agents as { id: { path: string } }[]).map((a) => a.id.path.split('/').pop()).sort();
  assert.deepEqual(await names({}), ['a', 'b', 'c']);
  assert.deepEqual(await names({ by_attestation_type: 'join_token' }), ['b']);
  assert.deepEqual(await names({ by_banned: { value: true } }), ['c']);
  assert.deepEqual(await names({ by_can_reattest: { value: false } }), ['b']);
  assert.deepEqual(await names({ by_expires_before: '1970-01-01 00:20:00 +0000 UTC' }), ['a', 'c']);
  assert.deepEqual(await names({ by_selector_match: { selectors: [{ type: 'x509pop', value: 'cn:a' }], match: 'MATCH_ANY' } }), ['a']);
  assert.equal((await c.call('CountAgents', { filter: { by_banned: { value: false } } })).count, 2);
  await assert.rejects(c.call('ListAgents', { filter: { by_expires_before: 'yesterday' } }), (e: { code: number; details: string }) => {
    assert.equal(e.code, 3);
    assert.match(e.details, /^malformed by_expires_before filter: /);
    return true;
  });
  await assert.rejects(c.call('CountAgents', { filter: { by_selector_match: { selectors: [{ type: '', value: 'v' }] } } }), {
    code: 3,
    details: 'failed to parse selectors: missing selector type',
  });
  const page = await c.call('ListAgents', { page_size: 2, output_mask: { attestation_type: true } });
  assert.equal(page.agents.length, 2);
  assert.equal(page.agents[0].agent_version, '', 'masked out');
  assert.notEqual(page.next_page_token, '');
});

test('Go time strings parse like time.Time.String()', () => {
  assert.equal(parseGoTime('2023-01-02 03:04:05 +0000 UTC'), Date.UTC(2023, 0, 2, 3, 4, 5) / 1000);
  assert.equal(parseGoTime('2023-01-02 03:04:05 -0300 -03'), Date.UTC(2023, 0, 2, 6, 4, 5) / 1000);
});

test('GetAgent returns selectors and honours the output mask; bad IDs name the problem', async () => {
  const c = h.local('agent');
  const a = await c.call('GetAgent', { id: aid('a') });
  assert.deepEqual(a.selectors, [{ type: 'x509pop', value: 'cn:a' }]);
  assert.equal(a.x509svid_serial_number, '11');
  assert.equal(a.banned, false);
  const masked = await c.call('GetAgent', { id: aid('a'), output_mask: {} });
  assert.deepEqual(masked.selectors, []);
  assert.equal(masked.x509svid_serial_number, '');
  await assert.rejects(c.call('GetAgent', { id: aid('zzz') }), { code: 5, details: 'agent not found' });
  await assert.rejects(c.call('GetAgent', { id: { trust_domain: 'example.org', path: '/workload' } }), {
    code: 3,
    details: 'invalid agent ID: "spiffe://example.org/workload" is not an agent in trust domain "example.org"; path is not in the agent namespace',
  });
  await assert.rejects(c.call('GetAgent', {}), { code: 3, details: 'invalid agent ID: request must specify SPIFFE ID' });
});

test('BanAgent clears the serials; DeleteAgent removes the node', async () => {
  const c = h.local('agent');
  await c.call('BanAgent', { id: aid('a') });
  assert.equal((await c.call('GetAgent', { id: aid('a') })).banned, true);
  await c.call('DeleteAgent', { id: aid('b') });
  await assert.rejects(c.call('DeleteAgent', { id: aid('b') }), { code: 5, details: 'agent not found' });
  await assert.rejects(c.call('BanAgent', { id: aid('b') }), { code: 5, details: 'agent not found' });
});

test('CreateJoinToken: TTL required, optional agent ID makes an alias entry, duplicates refused', async () => {
  const c = h.local('agent');
  await assert.rejects(c.call('CreateJoinToken', { ttl: 0 }), { code: 3, details: 'ttl is required, you must provide one' });
  await assert.rejects(c.call('CreateJoinToken', { ttl: -5 }), { code: 3, details: 'ttl is required, you must provide one' });
  const t = await c.call('CreateJoinToken', { ttl: 600, token: 'tok-1', agent_id: { trust_domain: 'example.org', path: '/node/x' } });
  assert.equal(t.value, 'tok-1');
  assert.ok(t.expires_at > Date.now() / 1000);
  const entries = await h.local('entry').call('ListEntries', { filter: { by_parent_id: { trust_domain: 'example.org', path: '/spire/agent/join_token/tok-1' } } });
  assert.equal(entries.entries.length, 1);
  assert.equal(entries.entries[0].spiffe_id.path, '/node/x');
  assert.deepEqual(entries.entries[0].selectors, [{ type: 'spiffe_id', value: 'spiffe://example.org/spire/agent/join_token/tok-1' }]);
  await assert.rejects(c.call('CreateJoinToken', { ttl: 600, token: 'tok-1' }), (e: { code: number }) => e.code === 6);
  await assert.rejects(c.call('CreateJoinToken', { ttl: 60, token: 'a/b' }), (e: { code: number }) => e.code === 3);
  assert.equal(await h.ds.fetchJoinToken('a/b'), undefined);
  const generated = await c.call('CreateJoinToken', { ttl: 60 });
  assert.match(generated.value, /^[0-9a-f-]{36}$/);
});

test('RenewAgent is agent-only: a local caller is denied', async () => {
  await assert.rejects(h.local('agent').call('RenewAgent', {}), { code: 7 });
});
