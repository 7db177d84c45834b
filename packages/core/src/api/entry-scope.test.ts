import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENTRY_OUT_OF_SCOPE } from '../authpolicy/errors.js';
import type { IssuedCert } from './ports.fake.js';
import type { Harness } from './testing/harness.js';
import { startScopedHarness } from './testing/scoped-admin.js';

let h: Harness;
let teamA: IssuedCert;
let teamB: IssuedCert;
before(async () => ({ h, teamA, teamB } = await startScopedHarness()));
after(async () => h.close());

const DENIED = { code: 7, message: ENTRY_OUT_OF_SCOPE };
const id = (p: string) => ({ trust_domain: 'example.org', path: p });
const entry = (spiffe: string, parent: string, extra: object = {}) => ({
  spiffe_id: id(spiffe),
  parent_id: id(parent),
  selectors: [{ type: 'unix', value: 'uid:7' }],
  ...extra,
});

test('BatchCreateEntry: a scoped admin creates in its scope; another team, a foreign parent, admin or downstream entries are PermissionDenied per item and not written', async () => {
  const res = await h.tcp('entry', teamA).call('BatchCreateEntry', {
    entries: [
      entry('/team-a/new', '/team-a/node'),
      entry('/team-b/new', '/team-b/node'),
      entry('/team-a/new2', '/team-b/node'),
      entry('/team-a/boss', '/team-a/node', { admin: true }),
      entry('/team-a/ca', '/team-a/node', { downstream: true }),
    ],
  });
  assert.deepEqual(
    res.results.map((r: { status: { code: number; message: string } }) => r.status),
    [{ code: 0, message: 'OK' }, DENIED, DENIED, DENIED, DENIED],
  );
  const stored = (await h.ds.listRegistrationEntries({})).entries.map((e) => e.spiffeId).sort();
  assert.deepEqual(stored, ['spiffe://example.org/team-a/new', 'spiffe://example.org/team-a/w1', 'spiffe://example.org/team-b/w1']);
});

test("BatchUpdateEntry: a scoped admin cannot change another team's entry, nor move its own out of scope", async () => {
  const c = h.tcp('entry', teamA);
  const statuses = async (entries: object[], input_mask: object) =>
    (await c.call('BatchUpdateEntry', { entries, input_mask })).results.map((r: { status: unknown }) => r.status);
  assert.deepEqual(await statuses([{ id: 'b1', selectors: [{ type: 'unix', value: 'uid:99' }] }], { selectors: true }), [DENIED]);
  // Moving b1 into team-a is as much a change to team-b's entry as any other.
  assert.deepEqual(await statuses([{ id: 'b1', spiffe_id: id('/team-a/taken'), parent_id: id('/team-a/node') }], { spiffe_id: true, parent_id: true }), [DENIED]);
  assert.deepEqual(await statuses([{ id: 'a1', spiffe_id: id('/team-b/stolen') }], { spiffe_id: true }), [DENIED]);
  assert.deepEqual(await statuses([{ id: 'a1', admin: true }], { admin: true }), [DENIED]);
  const ok = await c.call('BatchUpdateEntry', {
    entries: [{ id: 'a1', selectors: [{ type: 'unix', value: 'uid:42' }] }],
    input_mask: { selectors: true },
  });
  assert.deepEqual(ok.results[0].status, { code: 0, message: 'OK' });
  const b1 = await h.ds.fetchRegistrationEntry('b1');
  assert.deepEqual(b1?.selectors, [{ type: 'unix', value: 'uid:2' }]);
  const a1 = await h.ds.fetchRegistrationEntry('a1');
  assert.equal(a1?.spiffeId, 'spiffe://example.org/team-a/w1');
  assert.equal(a1?.admin, false);
  assert.deepEqual(a1?.selectors, [{ type: 'unix', value: 'uid:42' }]);
});

test("BatchDeleteEntry: the stored entry's IDs decide; another team's entry is PermissionDenied and stays", async () => {
  await h.ds.createRegistrationEntry({ ...(await h.ds.fetchRegistrationEntry('a1'))!, entryId: 'a-tmp', spiffeId: 'spiffe://example.org/team-a/tmp' });
  const res = await h.tcp('entry', teamA).call('BatchDeleteEntry', { ids: ['b1', 'a-tmp', 'missing'] });
  assert.deepEqual(
    res.results.map((r: { id: string; status: unknown }) => [r.id, r.status]),
    [
      ['b1', DENIED],
      ['a-tmp', { code: 0, message: 'OK' }],
      ['missing', { code: 5, message: 'entry not found' }],
    ],
  );
  assert.ok(await h.ds.fetchRegistrationEntry('b1'));
  assert.equal(await h.ds.fetchRegistrationEntry('a-tmp'), undefined);
});

test("GetEntry refuses another team's entry; ListEntries shows only the caller's scope; CountEntries is not granted", async () => {
  const c = h.tcp('entry', teamA);
  await assert.rejects(c.call('GetEntry', { id: 'b1' }), { code: 7, details: ENTRY_OUT_OF_SCOPE });
  assert.equal((await c.call('GetEntry', { id: 'a1' })).id, 'a1');
  const listed = await c.call('ListEntries', {});
  assert.ok(listed.entries.length > 0);
  assert.ok(listed.entries.every((e: { spiffe_id: { path: string } }) => e.spiffe_id.path.startsWith('/team-a/')));
  await assert.rejects(c.call('CountEntries', {}), { code: 7, details: 'authorization denied for method /spire.api.server.entry.v1.Entry/CountEntries' });
});

test('a caller no allow_callers rule names is denied every entry method', async () => {
  const c = h.tcp('entry', teamB);
  for (const m of ['ListEntries', 'GetEntry', 'BatchCreateEntry', 'BatchUpdateEntry', 'BatchDeleteEntry']) {
    await assert.rejects(c.call(m, { id: 'b1' }), { code: 7, details: `authorization denied for method /spire.api.server.entry.v1.Entry/${m}` });
  }
});

test('BatchCreateEntry does not answer with a similar existing entry outside the scope (an admin entry under team-a)', async () => {
  await h.ds.createRegistrationEntry({
    ...(await h.ds.fetchRegistrationEntry('a1'))!,
    entryId: 'a-admin',
    spiffeId: 'spiffe://example.org/team-a/boss',
    selectors: [{ type: 'unix', value: 'uid:0' }],
    admin: true,
  });
  const res = await h.tcp('entry', teamA).call('BatchCreateEntry', {
    entries: [{ spiffe_id: id('/team-a/boss'), parent_id: id('/team-a/node'), selectors: [{ type: 'unix', value: 'uid:0' }] }],
  });
  assert.deepEqual(res.results[0].status, DENIED);
  assert.equal(res.results[0].entry, null);
});
