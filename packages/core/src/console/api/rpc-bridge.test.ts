import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toProtoJson } from '../../api/protojson.js';
import { NO_RIGHTS_CALLER, startConsoleHarness, type ConsoleHarness } from './console-api.test-support.js';

let c: ConsoleHarness;
before(async () => {
  c = await startConsoleHarness();
});
after(async () => c.close());

const entry = (path: string, selector = 'uid:1000') => ({
  spiffe_id: { trust_domain: 'example.org', path },
  parent_id: { trust_domain: 'example.org', path: '/spire/agent/x509pop/node1' },
  selectors: [{ type: 'unix', value: selector }],
});

test('BatchCreateEntry: per-item statuses carry the handler messages; the response is the CLI JSON form', async () => {
  const res = await c.req('POST', '/rpc/entry/BatchCreateEntry', {
    entries: [{ ...entry('/rpc/a'), x509_svid_ttl: '600' }, { ...entry('/rpc/bad'), spiffe_id: { trust_domain: 'Bad TD', path: '/x' } }],
  });
  assert.equal(res.status, 200);
  const results = (res.json as { results: { status: { code: number; message: string }; entry?: Record<string, unknown> }[] }).results;
  assert.deepEqual(results[0]!.status, { code: 0, message: 'OK' });
  assert.equal(results[0]!.entry!.x509_svid_ttl, 600);
  assert.equal(typeof results[0]!.entry!.created_at, 'string', 'int64 as a string, as -output json prints it');
  assert.deepEqual(results[1]!.status, {
    code: 3,
    message: 'failed to convert entry: invalid spiffe ID: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
  });
  const got = await c.req('POST', '/rpc/entry/GetEntry', { id: results[0]!.entry!.id });
  const direct = await c.h.local('entry').call('GetEntry', { id: results[0]!.entry!.id });
  assert.deepEqual(got.json, toProtoJson('spire.api.types.Entry', direct));
});

test('a bad SPIFFE ID in a filter answers 400 with the handler message', async () => {
  const res = await c.req('POST', '/rpc/entry/ListEntries', { filter: { by_spiffe_id: { trust_domain: 'Bad TD', path: '/x' } } });
  let grpcMessage = '';
  await c.h
    .local('entry')
    .call('ListEntries', { filter: { by_spiffe_id: { trust_domain: 'Bad TD', path: '/x' } } })
    .catch((err: { details: string }) => (grpcMessage = err.details));
  assert.notEqual(grpcMessage, '');
  assert.deepEqual(res, { status: 400, json: { error: { code: 'INVALID_ARGUMENT', message: grpcMessage } } });
});

test('ListEntries pages with page_size/page_token and filters by selector', async () => {
  const created = await c.req('POST', '/rpc/entry/BatchCreateEntry', { entries: [1, 2, 3, 4, 5].map((i) => entry(`/page/${i}`, i % 2 ? 'uid:1' : 'uid:2')) });
  assert.equal(created.status, 200);
  const seen = new Set<string>();
  let token = '';
  let pages = 0;
  do {
    const res = await c.req('POST', '/rpc/entry/ListEntries', { page_size: 2, page_token: token, filter: { by_selectors: { selectors: [{ type: 'unix', value: 'uid:1' }], match: 'MATCH_EXACT' } } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const body = res.json as { entries: { spiffe_id: { path: string } }[]; next_page_token: string };
    assert.ok(body.entries.length <= 2);
    for (const e of body.entries) seen.add(e.spiffe_id.path);
    token = body.next_page_token;
    pages++;
  } while (token !== '' && pages < 10);
  assert.deepEqual([...seen].sort(), ['/page/1', '/page/3', '/page/5']);
  assert.ok(pages >= 2);
});

test('a method outside the console list, or a GET, is 404 "no such console method"', async () => {
  const notFound = { status: 404, json: { error: { code: 'NOT_FOUND', message: 'no such console method' } } };
  assert.deepEqual(await c.req('POST', '/rpc/svid/MintX509SVID', {}), notFound);
  assert.deepEqual(await c.req('POST', '/rpc/entry/SyncAuthorizedEntries', {}), notFound);
  assert.deepEqual(await c.req('POST', '/rpc/entry/constructor', {}), notFound);
  assert.deepEqual(await c.req('GET', '/rpc/entry/ListEntries'), notFound);
});

test('a request field of the wrong kind or unknown is 400 INVALID_ARGUMENT naming it', async () => {
  const wrong = await c.req('POST', '/rpc/entry/ListEntries', { page_size: 'ten' });
  assert.deepEqual(wrong, { status: 400, json: { error: { code: 'INVALID_ARGUMENT', message: 'invalid value for page_size: expected an integer, got "ten"' } } });
  const unknown = await c.req('POST', '/rpc/entry/ListEntries', { page_sizes: 1 });
  assert.deepEqual(unknown, { status: 400, json: { error: { code: 'INVALID_ARGUMENT', message: 'unknown field "page_sizes" in spire.api.server.entry.v1.ListEntriesRequest' } } });
});

test('a caller without rights (tcp, no SVID) is refused 403 PERMISSION_DENIED, and the refusal is audited', async () => {
  const before = c.h.logs.audit().length;
  const res = await c.req('POST', '/rpc/entry/CountEntries', {}, { caller: NO_RIGHTS_CALLER });
  assert.equal(res.status, 403);
  assert.equal((res.json as { error: { code: string } }).error.code, 'PERMISSION_DENIED');
  const recs = c.h.logs.audit().slice(before);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.status, 'error');
  assert.equal(recs[0]!.status_code, 'PermissionDenied');
  assert.equal(recs[0]!.caller_addr, '127.0.0.1');
  assert.equal(recs[0]!.method, '/spire.api.server.entry.v1.Entry/CountEntries');
});

test('an allowed call is audited as the console caller', async () => {
  const before = c.h.logs.audit().length;
  const res = await c.req('POST', '/rpc/agent/CountAgents', {});
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { count: 0 });
  const recs = c.h.logs.audit().slice(before);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.method, '/spire.api.server.agent.v1.Agent/CountAgents');
  assert.equal(recs[0]!.status, 'success');
  assert.equal(recs[0]!.caller_local, true);
});

test('the audit record names the console user and remote', async () => {
  const before = c.h.logs.audit().length;
  await c.req('POST', '/rpc/agent/CountAgents', {});
  const rec = c.h.logs.audit().slice(before)[0]!;
  assert.equal(rec.console_user, 'link:0123abcd');
  assert.equal(rec.console_remote, '127.0.0.1');
});
