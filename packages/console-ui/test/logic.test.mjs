import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadSource } from './load-lib.mjs';

let L;
before(async () => {
  L = await loadSource('src/lib/index.ts');
});

test('entry filter form → ListEntries filter', () => {
  assert.equal(L.entryFilter(L.emptyEntryFilter()), undefined);
  const f = {
    ...L.emptyEntryFilter(),
    spiffeId: ' spiffe://example.org/web ',
    parentId: 'spiffe://example.org/spire/agent/x',
    selectors: 'unix:uid:1000\n\n k8s:ns:default ',
    selectorMatch: 'MATCH_ANY',
    federatesWith: 'a.org, spiffe://b.org',
    hint: 'web',
    downstream: 'false',
  };
  assert.deepEqual(L.entryFilter(f), {
    by_spiffe_id: { trust_domain: 'example.org', path: '/web' },
    by_parent_id: { trust_domain: 'example.org', path: '/spire/agent/x' },
    by_selectors: { selectors: [{ type: 'unix', value: 'uid:1000' }, { type: 'k8s', value: 'ns:default' }], match: 'MATCH_ANY' },
    by_federates_with: { trust_domains: ['a.org', 'spiffe://b.org'], match: 'MATCH_SUPERSET' },
    by_hint: 'web',
    by_downstream: false,
  });
  assert.deepEqual(L.entryFilter({ ...L.emptyEntryFilter(), downstream: 'true' }), { by_downstream: true });
});

test('entry filter: bad selector and missing scheme are refused with a message', () => {
  assert.throws(() => L.entryFilter({ ...L.emptyEntryFilter(), selectors: 'nocolon' }), { message: 'selector "nocolon" must be formatted as type:value' });
  assert.throws(() => L.entryFilter({ ...L.emptyEntryFilter(), parentId: 'example.org/x' }), { message: 'Parent ID "example.org/x": scheme is missing or invalid' });
});

test('SPIFFE IDs are split, not judged (the server checks the parts)', () => {
  assert.deepEqual(L.idProto('spiffe://Bad Domain/a b'), { trust_domain: 'Bad Domain', path: '/a b' });
  assert.deepEqual(L.idProto('spiffe://td'), { trust_domain: 'td', path: '' });
  assert.equal(L.idString({ trust_domain: 'td', path: '/x' }), 'spiffe://td/x');
  assert.equal(L.idString(undefined), '');
});

test('agent filter form → ListAgents filter', () => {
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(L.agentFilter(L.emptyAgentFilter(), now), undefined);
  assert.deepEqual(L.agentFilter({ ...L.emptyAgentFilter(), attestationType: 'join_token', banned: 'true', canReattest: 'false', expired: true }, now), {
    by_attestation_type: 'join_token',
    by_banned: true,
    by_can_reattest: false,
    by_expires_before: '2026-01-02 03:04:05 +0000 UTC',
  });
  assert.deepEqual(L.agentFilter({ ...L.emptyAgentFilter(), selectors: 'join_token:abc', selectorMatch: 'MATCH_EXACT' }, now), {
    by_selector_match: { selectors: [{ type: 'join_token', value: 'abc' }], match: 'MATCH_EXACT' },
  });
});

test('page tokens: next, previous and the last page', () => {
  let s = L.firstPage();
  assert.equal(L.currentToken(s), '');
  assert.equal(L.hasPrev(s), false);
  assert.equal(L.hasNext(s), false);
  assert.equal(L.nextPage(s), s, 'no next page without a token');
  s = L.withNextToken(s, 't1');
  s = L.nextPage(s);
  assert.equal(L.currentToken(s), 't1');
  assert.equal(s.index, 1);
  s = L.nextPage(L.withNextToken(s, 't2'));
  assert.equal(L.currentToken(s), 't2');
  s = L.prevPage(s);
  assert.equal(L.currentToken(s), 't1');
  assert.equal(L.hasNext(s), false, 'the next token is learned again from the server');
  s = L.nextPage(L.withNextToken(s, 't2b'));
  assert.deepEqual(s.tokens, ['', 't1', 't2b']);
  s = L.prevPage(L.prevPage(s));
  assert.equal(L.currentToken(s), '');
  assert.equal(L.prevPage(s), s);
});

test('TTL and duration parsing', () => {
  assert.equal(L.parseTtl('', 'X.509-SVID TTL'), 0);
  assert.equal(L.parseTtl('', 'TTL', 600), 600);
  assert.equal(L.parseTtl(' 3600 ', 'TTL'), 3600);
  assert.equal(L.parseTtl('1h30m', 'TTL'), 5400);
  assert.equal(L.parseTtl('90s', 'TTL'), 90);
  assert.equal(L.parseTtl('2h0m5s', 'TTL'), 7205);
  assert.throws(() => L.parseTtl('1d', 'X.509-SVID TTL'), { message: 'X.509-SVID TTL: "1d" is not a number of seconds or a duration such as 1h30m' });
  assert.throws(() => L.parseTtl('-5', 'TTL'), /is not a number of seconds/);
  assert.throws(() => L.parseTtl('1h x', 'TTL'), /is not a number of seconds/);
  assert.throws(() => L.parseTtl('99999999999', 'TTL'), { message: 'TTL: "99999999999" is too long (at most 2147483647 seconds)' });
  assert.equal(L.formatSeconds(0), '0s');
  assert.equal(L.formatSeconds(3725), '1h 2m 5s');
  assert.equal(L.formatSeconds(90061), '1d 1h 1m');
  assert.equal(L.formatUnix('0'), '');
  assert.equal(L.formatUnix('1767323045'), '2026-01-02 03:04:05 UTC');
  assert.equal(L.formatIso('2026-01-02T03:04:05.678Z'), '2026-01-02 03:04:05 UTC');
  assert.equal(L.formatIso('soon'), 'soon');
});

test('entry form → Entry and back', () => {
  const form = {
    ...L.emptyEntryForm(),
    spiffeId: 'spiffe://example.org/web',
    parentId: 'spiffe://example.org/agent',
    selectors: 'unix:uid:1000',
    x509SvidTtl: '1h',
    dnsNames: 'a.example, b.example',
    hint: '<img src=x onerror=alert(1)>',
  };
  const e = L.entryFromForm(form);
  assert.deepEqual(e, {
    spiffe_id: { trust_domain: 'example.org', path: '/web' },
    parent_id: { trust_domain: 'example.org', path: '/agent' },
    selectors: [{ type: 'unix', value: 'uid:1000' }],
    x509_svid_ttl: 3600,
    jwt_svid_ttl: 0,
    federates_with: [],
    dns_names: ['a.example', 'b.example'],
    hint: '<img src=x onerror=alert(1)>',
    admin: false,
    downstream: false,
    store_svid: false,
    expires_at: 0,
  });
  const back = L.formFromEntry({ ...e, id: 'E1', expires_at: '0', revision_number: '0', created_at: '0' });
  assert.equal(back.id, 'E1');
  assert.equal(back.x509SvidTtl, '3600');
  assert.equal(back.dnsNames, 'a.example\nb.example');
  assert.equal(L.entryFromForm({ ...form, id: ' my-id ' }).id, 'my-id');
  assert.ok(L.ENTRY_FORM_MASK.selectors && L.ENTRY_FORM_MASK.x509_svid_ttl);
});

test('import chunking: 50 per call, with a result per entry', async () => {
  assert.deepEqual(L.chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(L.chunk([]), []);
  assert.equal(L.IMPORT_CHUNK, 50);
  assert.throws(() => L.chunk([1], 0), RangeError);

  const entries = Array.from({ length: 120 }, (_, i) => ({ spiffe_id: { trust_domain: 'td', path: `/w${i}` } }));
  const calls = [];
  const progress = [];
  const end = await L.runImport(
    entries,
    async (batch) => {
      calls.push(batch.length);
      if (calls.length === 2) throw new Error('rate limited');
      return { results: batch.map((e, i) => (i === 0 ? { status: { code: 6, message: 'entry already exists' } } : { status: { code: 0, message: 'OK' }, entry: { id: `id-${e.spiffe_id.path}` } })) };
    },
    (p) => progress.push([p.done, p.total]),
  );
  assert.deepEqual(calls, [50, 50, 20]);
  assert.deepEqual(progress, [[50, 120], [100, 120], [120, 120]]);
  assert.equal(end.results.length, 120);
  assert.deepEqual(end.results[0], { index: 0, spiffeId: 'spiffe://td/w0', ok: false, detail: 'entry already exists' });
  assert.deepEqual(end.results[1], { index: 1, spiffeId: 'spiffe://td/w1', ok: true, detail: 'id-/w1' });
  assert.deepEqual(end.results[60], { index: 60, spiffeId: 'spiffe://td/w60', ok: false, detail: 'rate limited' });
  assert.equal(end.results.filter((r) => r.ok).length, 120 - 2 - 50);
});

test('import stops before the next chunk when aborted', async () => {
  const ac = new globalThis.AbortController();
  const entries = Array.from({ length: 75 }, () => ({}));
  const end = await L.runImport(entries, async (b) => { ac.abort(); return { results: b.map(() => ({ status: { code: 0, message: '' } })) }; }, () => {}, ac.signal);
  assert.equal(end.done, 50);
});

test('agent command line with the join token', () => {
  assert.equal(L.agentCommandLine('0f3c1a2b-aaaa-bbbb-cccc-1234567890ab'), 'spire-agent run -joinToken 0f3c1a2b-aaaa-bbbb-cccc-1234567890ab');
  assert.equal(L.agentCommandLine("a b'c"), `spire-agent run -joinToken 'a b'\\''c'`);
  assert.equal(L.agentCommandLine('$(rm -rf /)'), "spire-agent run -joinToken '$(rm -rf /)'");
});
