import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

const id = (path: string) => ({ trust_domain: 'example.org', path });
const entry = (path: string, extra: object = {}) => ({
  spiffe_id: id(path),
  parent_id: id('/spire/agent/x509pop/node1'),
  selectors: [{ type: 'unix', value: 'uid:1000' }],
  ...extra,
});

test('BatchCreateEntry: per-item status, one bad item never fails the others, similar entry is AlreadyExists', async () => {
  const c = h.local('entry');
  const res = await c.call('BatchCreateEntry', {
    entries: [
      entry('/workload/a', { x509_svid_ttl: 600, dns_names: ['a.example.org'] }),
      entry('/workload/b', { selectors: [] }),
      { ...entry('/workload/c'), spiffe_id: { trust_domain: 'Bad TD', path: '/x' } },
      entry('/workload/a', { x509_svid_ttl: 600 }),
      entry('/workload/d', { x509_svid_ttl: -1 }),
      entry('/spire/agent/foo'),
    ],
  });
  assert.equal(res.results.length, 6);
  assert.deepEqual(res.results[0].status, { code: 0, message: 'OK' });
  assert.equal(res.results[0].entry.spiffe_id.path, '/workload/a');
  assert.equal(res.results[0].entry.x509_svid_ttl, 600);
  assert.ok(res.results[0].entry.id.length > 0);
  assert.deepEqual(res.results[1].status, { code: 3, message: 'failed to convert entry: selector list is empty' });
  assert.deepEqual(res.results[2].status, {
    code: 3,
    message: 'failed to convert entry: invalid spiffe ID: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
  });
  assert.deepEqual(res.results[3].status, { code: 6, message: 'similar entry already exists' });
  assert.equal(res.results[3].entry.id, res.results[0].entry.id);
  assert.deepEqual(res.results[4].status, { code: 3, message: 'failed to convert entry: invalid x509_svid_ttl: must not be negative' });
  assert.deepEqual(res.results[5].status, {
    code: 3,
    message: 'failed to convert entry: invalid spiffe ID: "spiffe://example.org/spire/agent/foo" is not a workload in trust domain "example.org"; path is in the reserved namespace',
  });
  assert.equal(await h.ds.countRegistrationEntries({}), 1, 'only the good entry was written');
});

test('GetEntry, output_mask, missing and unknown IDs', async () => {
  const c = h.local('entry');
  const created = await c.call('BatchCreateEntry', { entries: [entry('/get/me', { hint: 'h1' })] });
  const eid = created.results[0].entry.id;
  const full = await c.call('GetEntry', { id: eid });
  assert.equal(full.hint, 'h1');
  assert.deepEqual(full.selectors, [{ type: 'unix', value: 'uid:1000' }]);
  const masked = await c.call('GetEntry', { id: eid, output_mask: { hint: true } });
  assert.equal(masked.id, eid);
  assert.equal(masked.hint, 'h1');
  assert.equal(masked.spiffe_id, null);
  assert.deepEqual(masked.selectors, []);
  await assert.rejects(c.call('GetEntry', { id: '' }), { code: 3, details: 'missing ID' });
  await assert.rejects(c.call('GetEntry', { id: 'nope' }), { code: 5, details: 'entry not found' });
});

test('ListEntries filters, CountEntries and paging with opaque tokens', async () => {
  const c = h.local('entry');
  await c.call('BatchCreateEntry', {
    entries: [
      entry('/list/1', { parent_id: id('/p1'), hint: 'x', downstream: true, selectors: [{ type: 't', value: '1' }, { type: 't', value: '2' }] }),
      entry('/list/2', { parent_id: id('/p1'), selectors: [{ type: 't', value: '1' }] }),
      entry('/list/3', { parent_id: id('/p1'), selectors: [{ type: 't', value: '3' }] }),
    ],
  });
  const byParent = await c.call('ListEntries', { filter: { by_parent_id: id('/p1') } });
  assert.equal(byParent.entries.length, 3);
  const bySel = await c.call('ListEntries', { filter: { by_parent_id: id('/p1'), by_selectors: { selectors: [{ type: 't', value: '1' }], match: 'MATCH_SUPERSET' } } });
  assert.deepEqual(bySel.entries.map((e: { spiffe_id: { path: string } }) => e.spiffe_id.path).sort(), ['/list/1', '/list/2']);
  const exact = await c.call('ListEntries', { filter: { by_selectors: { selectors: [{ type: 't', value: '1' }], match: 'MATCH_EXACT' } } });
  assert.deepEqual(exact.entries.map((e: { spiffe_id: { path: string } }) => e.spiffe_id.path), ['/list/2']);
  const byHint = await c.call('ListEntries', { filter: { by_hint: { value: 'x' } } });
  assert.equal(byHint.entries.length, 1);
  const bySpiffe = await c.call('ListEntries', { filter: { by_spiffe_id: id('/list/3') } });
  assert.equal(bySpiffe.entries.length, 1);
  const byDown = await c.call('CountEntries', { filter: { by_downstream: { value: true } } });
  assert.equal(byDown.count, 1);
  const count = await c.call('CountEntries', { filter: { by_parent_id: id('/p1') } });
  assert.equal(count.count, 3);

  const seen: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const page = await c.call('ListEntries', { filter: { by_parent_id: id('/p1') }, page_size: 2, page_token: token });
    seen.push(...page.entries.map((e: { id: string }) => e.id));
    token = page.next_page_token;
    pages++;
  } while (token && pages < 10);
  assert.equal(new Set(seen).size, 3);
});

test('ListEntries rejects malformed filters and page sizes with InvalidArgument naming the field', async () => {
  const c = h.local('entry');
  await assert.rejects(c.call('ListEntries', { filter: { by_parent_id: { trust_domain: 'example.org', path: 'no-slash' } } }), {
    code: 3,
    details: 'malformed parent ID filter: path must have a leading slash',
  });
  await assert.rejects(c.call('ListEntries', { filter: { by_selectors: { selectors: [] } } }), { code: 3, details: 'malformed selectors filter: empty selector set' });
  await assert.rejects(c.call('ListEntries', { filter: { by_selectors: { selectors: [{ type: 'a:b', value: 'x' }] } } }), {
    code: 3,
    details: "malformed selectors filter: selector type contains ':'",
  });
  await assert.rejects(c.call('ListEntries', { filter: { by_selectors: { selectors: [{ type: 'a', value: 'x' }], match: 9 } } }), {
    code: 3,
    details: 'malformed selectors filter: unknown match behavior 9',
  });
  await assert.rejects(c.call('ListEntries', { filter: { by_federates_with: { trust_domains: ['BAD'] } } }), { code: 3 });
  await assert.rejects(c.call('ListEntries', { page_size: -5 }), { code: 3, details: 'invalid page_size -5: must be zero (no paging) or positive' });
  await assert.rejects(c.call('CountEntries', { filter: { by_spiffe_id: { trust_domain: 'other.org', path: '/x' } } }), {
    code: 3,
    details: 'malformed SPIFFE ID filter: "spiffe://other.org/x" is not a member of trust domain "example.org"',
  });
});

test('BatchUpdateEntry with input and output masks; BatchDeleteEntry per item', async () => {
  const c = h.local('entry');
  const created = await c.call('BatchCreateEntry', { entries: [entry('/upd/1', { hint: 'old', x509_svid_ttl: 100 })] });
  const eid = created.results[0].entry.id;
  const upd = await c.call('BatchUpdateEntry', {
    entries: [
      { id: eid, hint: 'new', x509_svid_ttl: 999 },
      { id: 'missing-id', hint: 'z' },
      { id: eid, jwt_svid_ttl: -3 },
    ],
    input_mask: { hint: true, jwt_svid_ttl: true },
    output_mask: { hint: true, x509_svid_ttl: true, revision_number: true },
  });
  assert.deepEqual(upd.results[0].status, { code: 0, message: 'OK' });
  assert.equal(upd.results[0].entry.hint, 'new');
  assert.equal(upd.results[0].entry.x509_svid_ttl, 100, 'x509_svid_ttl is not in the input mask');
  assert.equal(upd.results[0].entry.revision_number, 1);
  // As SPIRE, NotFound never carries the store's cause.
  assert.deepEqual(upd.results[1].status, { code: 5, message: 'failed to update entry' });
  assert.deepEqual(upd.results[2].status, { code: 3, message: 'failed to convert entry: invalid jwt_svid_ttl: must not be negative' });

  const del = await c.call('BatchDeleteEntry', { ids: [eid, eid, ''] });
  assert.deepEqual(
    del.results.map((r: { status: unknown; id: string }) => [r.id, r.status]),
    [
      [eid, { code: 0, message: 'OK' }],
      [eid, { code: 5, message: 'entry not found' }],
      ['', { code: 3, message: 'missing entry ID' }],
    ],
  );
});

test('GetAuthorizedEntries is for agents only: a local caller is denied', async () => {
  const c = h.local('entry');
  // Local callers are not agents: authorization refuses first.
  await assert.rejects(c.call('GetAuthorizedEntries', {}), { code: 7, details: 'authorization denied for method /spire.api.server.entry.v1.Entry/GetAuthorizedEntries' });
});
