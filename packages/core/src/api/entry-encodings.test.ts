import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import { EntryEncodings, entryMaskKey } from './entry-encodings.js';
import type { IssuedCert } from './ports.fake.js';
import { startHarness, type Harness, storeAttestedAgent } from './testing/harness.js';

const base = { x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], entryExpiry: 0, storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0, admin: false, downstream: false, selectors: [] };
const entry = (over: Partial<RegistrationEntry>): RegistrationEntry => ({ ...base, entryId: 'e1', spiffeId: 'spiffe://example.org/w', parentId: 'spiffe://example.org/a', ...over });

test('an encoding is reused for the same entry ID, revision, creation time and mask, and made again otherwise', () => {
  const c = new EntryEncodings();
  let made = 0;
  const enc = (tag: number) => () => {
    made++;
    return Uint8Array.of(tag);
  };
  const all = entryMaskKey(null);
  const some = entryMaskKey({ spiffe_id: true, revision_number: true } as never);
  assert.notEqual(all, some);
  assert.deepEqual(c.get(entry({}), all, enc(1)), Uint8Array.of(1));
  assert.deepEqual(c.get(entry({}), all, enc(9)), Uint8Array.of(1), 'a reloaded copy of the same revision: cached');
  assert.deepEqual(c.get(entry({}), some, enc(2)), Uint8Array.of(2), 'another mask: its own encoding');
  assert.deepEqual(c.get(entry({ revisionNumber: 1 }), all, enc(3)), Uint8Array.of(3), 'an update bumps the revision');
  assert.deepEqual(c.get(entry({ revisionNumber: 1 }), some, enc(4)), Uint8Array.of(4), 'an update drops every mask of the old revision');
  assert.deepEqual(c.get(entry({ revisionNumber: 1, createdAt: 5 }), all, enc(5)), Uint8Array.of(5), 'deleted and created again under its ID');
  assert.deepEqual(c.get(entry({ entryId: 'e2', revisionNumber: 1, createdAt: 5 }), all, enc(6)), Uint8Array.of(6), 'another ID');
  assert.equal(made, 6);
  assert.deepEqual(c.stats(), { hits: 1, misses: 6, entries: 2 });
  assert.throws(() => c.get(entry({ entryId: 'e3' }), all, () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(c.stats().entries, 2, 'nothing is kept for a failed encoding');
});

const AGENT_ID = 'spiffe://example.org/spire/agent/x509pop/enc';
let h: Harness;
let agent: IssuedCert;

before(async () => {
  h = await startHarness();
  agent = await h.ca.issue(AGENT_ID);
  await storeAttestedAgent(h.ds, AGENT_ID, agent.serial);
  for (let i = 0; i < 3; i++) {
    await h.ds.createRegistrationEntry({ ...base, entryId: `e${i}`, spiffeId: `spiffe://example.org/w${i}`, parentId: AGENT_ID, selectors: [{ type: 'unix', value: `uid:${i}` }] });
  }
});
after(async () => h.close());

type Got = { entries: { id: string; spiffe_id: { path: string }; hint: string; revision_number: string | number }[] };
const get = (mask: object | null) => h.tcp('entry', agent).call<Got>('GetAuthorizedEntries', { output_mask: mask });
const view = (r: Got) => r.entries.map((e) => [e.id, e.spiffe_id?.path ?? null, e.hint, Number(e.revision_number)]).sort();

test('answers from cached encodings follow updates, deletions and masks', async () => {
  const first = view(await get(null));
  assert.deepEqual(view(await get(null)), first, 'a repeated call answers the same');
  const e1 = (await h.ds.fetchRegistrationEntry('e1'))!;
  await h.ds.updateRegistrationEntry({ ...e1, hint: 'changed' });
  await h.ds.deleteRegistrationEntry('e2');
  assert.deepEqual(view(await get(null)), [
    ['e0', '/w0', '', 0],
    ['e1', '/w1', 'changed', 1],
  ]);
  assert.deepEqual(view(await get({ spiffe_id: true, revision_number: true })), [
    ['e0', '/w0', '', 0],
    ['e1', '/w1', '', 1],
  ], 'a masked answer is not the unmasked one');
  assert.deepEqual(view(await get({ hint: true, revision_number: true })), [
    ['e0', null, '', 0],
    ['e1', null, 'changed', 1],
  ]);
});
