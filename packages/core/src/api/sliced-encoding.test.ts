import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceDefinition, Services } from './proto.js';
import { apiMessageType, appendInSlices, COPY_SLICE_BYTES, EncodedResponse, passEncodedResponses, RepeatedFieldEncoder, yieldToLoop } from './sliced-encoding.js';

const entryDef = serviceDefinition(Services.entry);
/** grpc-js's own serializers (proto-loader's), the reference the sliced encoding must match. */
const plain = {
  list: entryDef.ListEntries!.responseSerialize,
  listDecode: entryDef.ListEntries!.responseDeserialize,
  sync: entryDef.SyncAuthorizedEntries!.responseSerialize,
  syncDecode: entryDef.SyncAuthorizedEntries!.responseDeserialize,
};

/** An entry with every field kind set: strings, nested messages, repeated strings and messages, bools, int32, int64 (large), an optional message. */
function fullEntry(i: number): Record<string, unknown> {
  return {
    id: `entry-${i}`,
    spiffe_id: { trust_domain: 'example.org', path: `/workload/ü-${i}` },
    parent_id: { trust_domain: 'example.org', path: '/spire/agent/x509pop/node' },
    selectors: [
      { type: 'unix', value: `uid:${i}` },
      { type: 'k8s', value: 'ns:default' },
    ],
    x509_svid_ttl: 3600 + i,
    federates_with: ['td-1.org', 'td-2.org'],
    admin: i % 2 === 0,
    downstream: i % 3 === 0,
    expires_at: 4_102_444_800 + i,
    dns_names: [`w${i}.example.org`],
    revision_number: 2 ** 40 + i,
    store_svid: true,
    jwt_svid_ttl: 300,
    hint: 'x'.repeat(200),
    created_at: 1_700_000_000 + i,
    additional_attributes: i % 2 === 0 ? { disable_x509_svid_prefetch: true, jwt_svid_include_jti: false } : null,
  };
}

/** A bare entry: only the ID, every other field at its default. */
function bareEntry(i: number): Record<string, unknown> {
  return { id: `bare-${i}`, selectors: [], federates_with: [], dns_names: [] };
}

async function sliced(type: string, field: string, items: Record<string, unknown>[], rest: Record<string, unknown>, slice: number): Promise<Buffer> {
  const enc = new RepeatedFieldEncoder(apiMessageType(type), field);
  await appendInSlices(enc, items, (x) => x, slice);
  return (await enc.finish(rest)).bytes;
}

test('sliced ListEntriesResponse encoding is byte-for-byte the plain encoding for 0, 1 and many entries of every field kind', async () => {
  const cases: Record<string, unknown>[][] = [[], [fullEntry(0)], [bareEntry(0)], Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? bareEntry(i) : fullEntry(i)))];
  for (const entries of cases) {
    for (const token of ['', 'next-7']) {
      for (const slice of [1, 3, 256]) {
        const want = plain.list({ entries, next_page_token: token });
        const got = await sliced('spire.api.server.entry.v1.ListEntriesResponse', 'entries', entries, { next_page_token: token }, slice);
        assert.ok(got.equals(want), `${entries.length} entries, token "${token}", slice ${slice}: bytes differ`);
        assert.deepEqual(plain.listDecode(got), plain.listDecode(want));
      }
    }
  }
  const decoded = plain.listDecode(await sliced('spire.api.server.entry.v1.ListEntriesResponse', 'entries', [fullEntry(2)], { next_page_token: '' }, 1)) as {
    entries: { revision_number: number; hint: string; additional_attributes: unknown }[];
  };
  assert.equal(decoded.entries[0]!.revision_number, 2 ** 40 + 2);
  assert.deepEqual(decoded.entries[0]!.additional_attributes, { disable_x509_svid_prefetch: true, jwt_svid_include_jti: false });
});

test('sliced encoding places the repeated field between lower- and higher-numbered fields, as the plain encoder does', async () => {
  // SyncAuthorizedEntriesResponse: entry_revisions = 1, entries = 2, more = 3.
  const entries = [fullEntry(1), fullEntry(2)];
  const revisions = [{ id: 'r1', revision_number: 3, created_at: 5 }];
  const want = plain.sync({ entry_revisions: revisions, entries, more: true });
  const got = await sliced('spire.api.server.entry.v1.SyncAuthorizedEntriesResponse', 'entries', entries, { entry_revisions: revisions, more: true }, 1);
  assert.ok(got.equals(want), 'bytes differ');
  assert.deepEqual(plain.syncDecode(got), plain.syncDecode(want));
});

test('the sliced encoder refuses a field that is not a repeated message', () => {
  assert.throws(() => new RepeatedFieldEncoder(apiMessageType('spire.api.server.entry.v1.ListEntriesResponse'), 'next_page_token'), {
    message: 'spire.api.server.entry.v1.ListEntriesResponse.next_page_token is not a repeated message field',
  });
});

test('appendInSlices yields to the event loop between slices and converts only the slice being encoded', async () => {
  const events: string[] = [];
  let ticking = true;
  const tick = () => {
    events.push('tick');
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const enc = new RepeatedFieldEncoder(apiMessageType('spire.api.server.entry.v1.ListEntriesResponse'), 'entries');
  await appendInSlices(enc, [0, 1, 2, 3, 4], (i) => {
    events.push(`convert ${i}`);
    return fullEntry(i);
  }, 2);
  ticking = false;
  const at = (s: string) => events.indexOf(s);
  // Within a slice, items follow one another; between slices, the loop ran (a tick).
  assert.equal(at('convert 1'), at('convert 0') + 1);
  assert.equal(at('convert 3'), at('convert 2') + 1);
  assert.ok(events.slice(at('convert 1'), at('convert 2')).includes('tick'), `no yield between the first two slices: ${events.join(', ')}`);
  assert.ok(events.slice(at('convert 3'), at('convert 4')).includes('tick'), `no yield between the last two slices: ${events.join(', ')}`);
});

test('finish gathers a multi-megabyte answer in copies that yield to the event loop, and the bytes stay the plain encoding', async () => {
  const entries = Array.from({ length: 4000 }, (_, i) => ({ ...fullEntry(i), hint: 'h'.repeat(1000) }));
  const enc = new RepeatedFieldEncoder(apiMessageType('spire.api.server.entry.v1.ListEntriesResponse'), 'entries');
  await appendInSlices(enc, entries, (x) => x, 50);
  assert.ok(enc.byteLength > 3 * COPY_SLICE_BYTES);
  let ticks = 0;
  let ticking = true;
  const tick = () => {
    ticks++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const before = ticks;
  const done = await enc.finish({ next_page_token: 't' });
  ticking = false;
  assert.ok(ticks - before >= 3, `the loop turned ${ticks - before} times while ${enc.byteLength} bytes were gathered`);
  assert.ok(done.bytes.equals(plain.list({ entries, next_page_token: 't' })));
});

test('concurrent yields are served one per turn of the event loop, in call order', async () => {
  const events: string[] = [];
  let ticking = true;
  const tick = () => {
    events.push('tick');
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await Promise.all(['a', 'b', 'c'].map((n) => yieldToLoop().then(() => events.push(n))));
  ticking = false;
  const at = (s: string) => events.indexOf(s);
  assert.ok(at('a') < at('b') && at('b') < at('c'), events.join(', '));
  assert.ok(events.slice(at('a'), at('b')).includes('tick'), `a and b ran in the same turn: ${events.join(', ')}`);
  assert.ok(events.slice(at('b'), at('c')).includes('tick'), `b and c ran in the same turn: ${events.join(', ')}`);
});

test('a served definition passes EncodedResponse bytes through and encodes plain responses as before', () => {
  const served = passEncodedResponses(entryDef);
  const bytes = Buffer.from([1, 2, 3]);
  assert.equal(served.ListEntries!.responseSerialize(new EncodedResponse(bytes)), bytes);
  const msg = { entries: [fullEntry(1)], next_page_token: 'x' };
  assert.ok(served.ListEntries!.responseSerialize(msg).equals(plain.list(msg)));
  assert.equal(served.GetEntry!.path, entryDef.GetEntry!.path);
  assert.equal(served.GetEntry!.requestDeserialize, entryDef.GetEntry!.requestDeserialize);
});
