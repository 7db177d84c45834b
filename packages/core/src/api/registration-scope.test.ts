import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENTRY_OUT_OF_SCOPE } from '../authpolicy/errors.js';
import type { IssuedCert } from './ports.fake.js';
import type { Harness } from './testing/harness.js';
import { startScopedHarness, storedEntry } from './testing/scoped-admin.js';

let h: Harness;
let teamA: IssuedCert;
before(async () => ({ h, teamA } = await startScopedHarness()));
after(async () => h.close());

const DENIED = { code: 7, details: ENTRY_OUT_OF_SCOPE };
const legacy = (team: string, name: string, extra: object = {}) => ({
  spiffe_id: `spiffe://example.org/${team}/${name}`,
  parent_id: `spiffe://example.org/${team}/node`,
  selectors: [{ type: 'unix', value: 'uid:5' }],
  ttl: 300,
  ...extra,
});

test("legacy CreateEntry and CreateEntryIfNotExists refuse another team's entry and admin entries, and create in scope", async () => {
  const c = h.tcp('registration', teamA);
  await assert.rejects(c.call('CreateEntry', legacy('team-b', 'x')), DENIED);
  await assert.rejects(c.call('CreateEntryIfNotExists', legacy('team-b', 'x')), DENIED);
  await assert.rejects(c.call('CreateEntry', legacy('team-a', 'boss', { admin: true })), DENIED);
  assert.ok((await c.call('CreateEntry', legacy('team-a', 'x'))).id);
  assert.deepEqual((await h.ds.listRegistrationEntries({ bySpiffeId: 'spiffe://example.org/team-b/x' })).entries, []);
});

test("legacy UpdateEntry and DeleteEntry refuse another team's entry, and UpdateEntry refuses moving one out of scope", async () => {
  const c = h.tcp('registration', teamA);
  await assert.rejects(c.call('UpdateEntry', { entry: { ...legacy('team-a', 'taken'), entry_id: 'b1' } }), DENIED);
  await assert.rejects(c.call('UpdateEntry', { entry: { ...legacy('team-b', 'moved'), entry_id: 'a1' } }), DENIED);
  await assert.rejects(c.call('DeleteEntry', { id: 'b1' }), DENIED);
  assert.equal((await h.ds.fetchRegistrationEntry('b1'))?.spiffeId, 'spiffe://example.org/team-b/w1');
  assert.equal((await h.ds.fetchRegistrationEntry('a1'))?.spiffeId, 'spiffe://example.org/team-a/w1');
  const updated = await c.call('UpdateEntry', { entry: { ...legacy('team-a', 'w1'), entry_id: 'a1', ttl: 600 } });
  assert.equal(updated.ttl, 600);
});

test("legacy reads: FetchEntry refuses another team's entry; every list shows only the caller's scope", async () => {
  const c = h.tcp('registration', teamA);
  // A team-b entry with the selector team-a's entries have, so that selector lists would show it.
  await h.ds.createRegistrationEntry({ ...storedEntry('b2', 'team-b', 'w2'), selectors: [{ type: 'unix', value: 'uid:5' }] });
  await assert.rejects(c.call('FetchEntry', { id: 'b1' }), DENIED);
  assert.equal((await c.call('FetchEntry', { id: 'a1' })).entry_id, 'a1');
  const onlyTeamA = (r: { entries: { spiffe_id: string }[] }) => {
    assert.ok(r.entries.length > 0);
    assert.ok(r.entries.every((e) => e.spiffe_id.startsWith('spiffe://example.org/team-a/')), JSON.stringify(r.entries));
  };
  onlyTeamA(await c.call('FetchEntries', {}));
  onlyTeamA(await c.call('ListAllEntriesWithPages', { pagination: { page_size: 100 } }));
  onlyTeamA(await c.call('ListBySelector', { type: 'unix', value: 'uid:5' }));
  onlyTeamA(await c.call('ListBySelectors', { entries: [{ type: 'unix', value: 'uid:5' }] }));
  assert.deepEqual((await c.call('ListBySpiffeID', { id: 'spiffe://example.org/team-b/w1' })).entries, []);
  assert.deepEqual((await c.call('ListByParentID', { id: 'spiffe://example.org/team-b/node' })).entries, []);
});
