import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import { applyEntryMask, entryToProto, type ProtoEntryMask } from './convert/entry.js';
import { LargeAnswerGate } from './large-answer-gate.js';
import { serviceDefinition, Services } from './proto.js';
import { entryToCommon } from './services/registration.js';
import { startHarness, type Harness } from './testing/harness.js';
import { blockScans, storeEntry, until } from './testing/large-answers.js';

const TOTAL = 2300; // more than two store batches of 1000
const PARENT_A = 'spiffe://example.org/spire/agent/x509pop/a';
const PARENT_B = 'spiffe://example.org/spire/agent/x509pop/b';
const def = serviceDefinition(Services.entry).ListEntries!;
/** The wire form grpc-js's plain serializer gives a list of store entries (encoded, then decoded). */
const plainWire = (entries: RegistrationEntry[], mask: ProtoEntryMask | null = null, token = '') =>
  def.responseDeserialize(def.responseSerialize({ entries: entries.map((e) => applyEntryMask(entryToProto(e), mask)), next_page_token: token }));

let h: Harness;
const gate = new LargeAnswerGate(1);
before(async () => {
  h = await startHarness({ largeAnswers: gate });
  await h.ds.setBundle({ trustDomainId: 'spiffe://td-1.org', rootCas: [{ derBytes: h.ca.root.certDer, taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 });
  for (let i = 0; i < TOTAL; i++) await h.ds.createRegistrationEntry(storeEntry(i, i % 2 === 0 ? PARENT_A : PARENT_B));
});
after(async () => h.close());

test('an unpaged ListEntries answers every entry with every field, in the store order, as the plain encoder would', async () => {
  const c = h.local('entry');
  const want = plainWire((await h.ds.listRegistrationEntries({})).entries);
  const got = await c.call<{ entries: unknown[] }>('ListEntries', { page_size: 0 });
  assert.equal(got.entries.length, TOTAL);
  assert.deepEqual(got, want);
});

test('an unpaged ListEntries with a filter and an output mask answers what the store lists for that filter, masked', async () => {
  const c = h.local('entry');
  const mask: ProtoEntryMask = { spiffe_id: true, dns_names: true, revision_number: true };
  const want = plainWire((await h.ds.listRegistrationEntries({ byParentId: PARENT_A })).entries, mask);
  const got = await c.call<{ entries: unknown[] }>('ListEntries', { page_size: 0, filter: { by_parent_id: { trust_domain: 'example.org', path: '/spire/agent/x509pop/a' } }, output_mask: mask });
  assert.equal(got.entries.length, TOTAL / 2);
  assert.deepEqual(got, want);
});

test('a paged ListEntries answers the store page and its token, as the plain encoder would', async () => {
  const c = h.local('entry');
  const page = await h.ds.listRegistrationEntries({ pagination: { pageSize: 700, token: '' } });
  const got = await c.call('ListEntries', { page_size: 700 });
  assert.deepEqual(got, plainWire(page.entries, null, page.pagination!.token));
});

test('the legacy FetchEntries answers every entry, in the store order, as the plain encoder would', async () => {
  const fetchDef = serviceDefinition(Services.registration).FetchEntries!;
  const want = fetchDef.responseDeserialize(fetchDef.responseSerialize({ entries: (await h.ds.listRegistrationEntries({})).entries.map(entryToCommon) }));
  const got = await h.local('registration').call<{ entries: unknown[] }>('FetchEntries', {});
  assert.equal(got.entries.length, TOTAL);
  assert.deepEqual(got, want);
});

test('an unpaged ListEntries waits for a turn at the large-answer bound while small calls are served', { timeout: 60_000 }, async () => {
  const c = h.local('entry');
  const scans = blockScans(h.ds);
  try {
    const first = c.call<{ entries: unknown[] }>('ListEntries', { page_size: 0 });
    await scans.started(1);
    const second = c.call<{ entries: unknown[] }>('ListEntries', { page_size: 0 });
    await until(() => gate.waiting === 1);
    // Small calls are answered while the first list holds the only turn and the second waits.
    const one = await c.call<{ entries: { id: string }[] }>('ListEntries', { page_size: 1 });
    assert.equal(one.entries.length, 1);
    assert.equal((await c.call<{ id: string }>('GetEntry', { id: one.entries[0]!.id })).id, one.entries[0]!.id);
    assert.equal(scans.count, 1, 'the second unpaged list started before the first finished');
    assert.equal(gate.waiting, 1);
    scans.release();
    assert.equal((await first).entries.length, TOTAL);
    assert.equal((await second).entries.length, TOTAL);
    assert.equal(scans.count, 2);
  } finally {
    scans.restore();
  }
});
