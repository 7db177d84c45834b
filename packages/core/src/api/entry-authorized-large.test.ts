import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import { applyEntryMask, entryToProto } from './convert/entry.js';
import { LargeAnswerGate } from './large-answer-gate.js';
import type { IssuedCert } from './ports.fake.js';
import { serviceDefinition, Services } from './proto.js';
import { startHarness, type Harness, storeAttestedAgent } from './testing/harness.js';
import { blockScans, storeEntry, until } from './testing/large-answers.js';

const BIG = 'spiffe://example.org/spire/agent/x509pop/big';
const SMALL = 'spiffe://example.org/spire/agent/x509pop/small';
const authorized: Record<string, RegistrationEntry[]> = {
  [BIG]: Array.from({ length: 700 }, (_, i) => ({ ...storeEntry(i, BIG), createdAt: 1_700_000_000 + i, revisionNumber: i })),
  [SMALL]: [storeEntry(1, SMALL), storeEntry(2, SMALL)],
};
const def = serviceDefinition(Services.entry).GetAuthorizedEntries!;

let h: Harness;
const gate = new LargeAnswerGate(1);
const svids: Record<string, IssuedCert> = {};
before(async () => {
  h = await startHarness({
    entryPageSize: 3,
    largeAnswers: gate,
    authorizedEntries: { fetchAuthorizedEntries: async (id) => authorized[id] ?? [] },
  });
  for (const id of [BIG, SMALL]) {
    svids[id] = await h.ca.issue(id);
    await storeAttestedAgent(h.ds, id, svids[id]!.serial);
  }
});
after(async () => h.close());

test('GetAuthorizedEntries above the page size answers every entry as the plain encoder would', async () => {
  const got = await h.tcp('entry', svids[BIG]).call('GetAuthorizedEntries', { output_mask: { spiffe_id: true, revision_number: true } });
  const mask = { spiffe_id: true, revision_number: true };
  assert.deepEqual(got, def.responseDeserialize(def.responseSerialize({ entries: authorized[BIG]!.map((e) => applyEntryMask(entryToProto(e), mask)) })));
});

test('GetAuthorizedEntries above the page size waits for a turn at the large-answer bound; at or below it does not', { timeout: 60_000 }, async () => {
  const scans = blockScans(h.ds);
  try {
    const list = h.local('entry').call<{ entries: unknown[] }>('ListEntries', { page_size: 0 });
    await scans.started(1);
    let bigDone = false;
    const big = h
      .tcp('entry', svids[BIG])
      .call<{ entries: unknown[] }>('GetAuthorizedEntries', {})
      .finally(() => (bigDone = true));
    await until(() => gate.waiting === 1);
    const small = await h.tcp('entry', svids[SMALL]).call<{ entries: { id: string }[] }>('GetAuthorizedEntries', {});
    assert.deepEqual(
      small.entries.map((e) => e.id),
      authorized[SMALL]!.map((e) => e.entryId),
    );
    assert.equal(bigDone, false, 'the large answer did not wait for its turn');
    scans.release();
    assert.equal((await big).entries.length, 700);
    await list;
  } finally {
    scans.restore();
  }
});
