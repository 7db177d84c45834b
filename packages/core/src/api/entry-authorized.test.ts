import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import type { IssuedCert } from './ports.fake.js';
import { startHarness, type Harness, storeAttestedAgent } from './testing/harness.js';

const AGENT_ID = 'spiffe://example.org/spire/agent/x509pop/sync';
let h: Harness;
let agent: IssuedCert;

before(async () => {
  h = await startHarness({ entryPageSize: 3 });
  agent = await h.ca.issue(AGENT_ID);
  await storeAttestedAgent(h.ds, AGENT_ID, agent.serial);
  const base = { x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], entryExpiry: 0, storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0, admin: false, downstream: false };
  for (let i = 0; i < 7; i++) {
    await h.ds.createRegistrationEntry({ ...base, entryId: `e${i}`, spiffeId: `spiffe://example.org/w${i}`, parentId: AGENT_ID, selectors: [{ type: 'unix', value: `uid:${i}` }] });
  }
});
after(async () => h.close());

type Resp = { entry_revisions: { id: string; revision_number: number }[]; entries: { id: string }[]; more: boolean };

/** Opens a sync stream, sends `requests` one after another (each after the previous answers). */
async function sync(first: object, then: string[][] = []): Promise<{ responses: Resp[]; error?: { code: number; details: string } }> {
  const call = (h.tcp('entry', agent).raw as unknown as { SyncAuthorizedEntries(): grpc.ClientDuplexStream<unknown, Resp> }).SyncAuthorizedEntries();
  const responses: Resp[] = [];
  const pending = [...then];
  return new Promise((resolve) => {
    call.on('data', (m: Resp) => {
      responses.push(m);
      if (m.more) return;
      const next = pending.shift();
      if (next) call.write({ ids: next });
      else call.end();
    });
    call.on('error', (e: grpc.ServiceError) => resolve({ responses, error: { code: e.code, details: e.details } }));
    call.on('end', () => resolve({ responses }));
    call.write(first);
  });
}

test('above the page size: pages of revisions with more, then requested entries in pages', async () => {
  const r = await sync({ output_mask: null, ids: [] }, [['e6', 'e0', 'e3', 'e5', 'nope']]);
  assert.equal(r.error, undefined);
  assert.deepEqual(
    r.responses.slice(0, 3).map((p) => [p.entry_revisions.length, p.entries.length, p.more]),
    [[3, 0, true], [3, 0, true], [1, 0, false]],
  );
  assert.deepEqual(r.responses.slice(0, 3).flatMap((p) => p.entry_revisions.map((e) => e.id)).sort(), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  // Asked for 4 known IDs (and one unknown): a page of 3 with more, then 1.
  assert.deepEqual(r.responses.slice(3).map((p) => [p.entries.map((e) => e.id), p.more]), [[['e0', 'e3', 'e5'], true], [['e6'], false]]);
});

test('the first request may carry no IDs and may not mask the revision number', async () => {
  assert.deepEqual((await sync({ output_mask: null, ids: ['e1'] })).error, { code: 3, details: 'specifying IDs on initial request is not supported' });
  assert.deepEqual((await sync({ output_mask: { spiffe_id: true }, ids: [] })).error, { code: 3, details: 'revision number cannot be masked' });
});

test('GetAuthorizedEntries applies the output mask', async () => {
  const r = await h.tcp('entry', agent).call<{ entries: { id: string; spiffe_id: unknown; selectors: unknown[] }[] }>('GetAuthorizedEntries', { output_mask: { spiffe_id: true } });
  assert.equal(r.entries.length, 7);
  assert.ok(r.entries.every((e) => e.spiffe_id && e.selectors.length === 0));
});
