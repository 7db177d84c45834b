import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './testing/harness.js';

// Filters of thousands of selectors or trust domains, through the API to the real store (SQLite
// by default, SPIRE_API_TEST_DATASTORE picks another): SQLite answered INTERNAL "Expression tree
// is too large" from about 500 terms, and a 100k-selector filter overflowed the stack.
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

const id = (path: string) => ({ trust_domain: 'example.org', path });
const sels = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ type: 'k', value: `v${from + i}` }));
const paths = (r: { entries: { spiffe_id: { path: string } }[] }) => r.entries.map((e) => e.spiffe_id.path).sort();

test('large filters: ListEntries and CountEntries by 1k and 100k selectors answer (no INTERNAL "Expression tree is too large")', async () => {
  const c = h.local('entry');
  const created = await c.call('BatchCreateEntry', {
    entries: [
      { spiffe_id: id('/big'), parent_id: id('/spire/agent/x/1'), selectors: sels(1000) },
      { spiffe_id: id('/small'), parent_id: id('/spire/agent/x/1'), selectors: sels(2) },
    ],
  });
  assert.deepEqual(created.results.map((r: { status: { code: number } }) => r.status.code), [0, 0]);
  const filter = (selectors: object[], match: string) => ({ filter: { by_selectors: { selectors, match } } });
  assert.deepEqual(paths(await c.call('ListEntries', filter(sels(1000), 'MATCH_EXACT'))), ['/big']);
  assert.deepEqual(paths(await c.call('ListEntries', filter(sels(1000), 'MATCH_SUBSET'))), ['/big', '/small']);
  assert.deepEqual(paths(await c.call('ListEntries', filter([...sels(999), { type: 'k', value: 'other' }], 'MATCH_SUPERSET'))), []);
  assert.equal((await c.call('CountEntries', filter(sels(100_000), 'MATCH_ANY'))).count, 2);
  assert.deepEqual(paths(await c.call('ListEntries', filter(sels(100_000), 'MATCH_SUBSET'))), ['/big', '/small']);
});

test('large filters: ListEntries by 600 trust domains and ListAgents by 1k selectors answer', async () => {
  const tds = Array.from({ length: 600 }, (_, i) => `td${i}.test`);
  for (const td of tds) await h.ds.createBundle({ trustDomainId: `spiffe://${td}`, rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 });
  const c = h.local('entry');
  await c.call('BatchCreateEntry', { entries: [{ spiffe_id: id('/fed'), parent_id: id('/spire/agent/x/1'), selectors: [{ type: 'f', value: '1' }], federates_with: tds }] });
  const byTds = await c.call('ListEntries', { filter: { by_federates_with: { trust_domains: tds, match: 'MATCH_EXACT' } } });
  assert.deepEqual(paths(byTds), ['/fed']);

  const agent = 'spiffe://example.org/spire/agent/x/big';
  await h.ds.createAttestedNode({ spiffeId: agent, attestationDataType: 'x', certSerialNumber: '1', certNotAfter: 2e9, newCertSerialNumber: '', newCertNotAfter: 0, canReattest: false, agentVersion: '', selectors: [] });
  await h.ds.setNodeSelectors(agent, sels(1000));
  const agents = await h.local('agent').call('ListAgents', { filter: { by_selector_match: { selectors: sels(1000), match: 'MATCH_EXACT' } } });
  assert.deepEqual(agents.agents.map((a: { id: { path: string } }) => a.id.path), ['/spire/agent/x/big']);
});
