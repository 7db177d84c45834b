import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runInProcess } from '../../test-support/run-in-process.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[], opts: { stdin?: string } = {}) => runAgainst(server.socketPath, words, rest, { ...opts, cwd: server.dir });
// Long tables of error cases run in-process after their first case went through bin/spire-server.
const local = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) =>
  runInProcess([...words, '-socketPath', server.socketPath, ...rest], { ...opts, cwd: server.dir });

function block(id: string, spiffe: string, parent: string, selectors: string[], extra: { x509?: number; hint?: string; revision?: number } = {}): string {
  return [
    `Entry ID                : ${id}`,
    `SPIFFE ID               : ${spiffe}`,
    `Parent ID               : ${parent}`,
    `Revision                : ${extra.revision ?? 0}`,
    `X509-SVID TTL           : ${extra.x509 ?? 'default'}`,
    'JWT-SVID TTL            : default',
    ...selectors.map((s) => `Selector                : ${s}`),
    ...(extra.hint ? [`Hint                    : ${extra.hint}`] : []),
    '',
    '',
  ].join('\n');
}

before(async () => {
  server = await startTestServer();
  // Created out of order: show must sort by SPIFFE ID, parent ID, TTLs, then selectors.
  const entries = [
    { entry_id: 'e-c', spiffe_id: 'spiffe://example.org/c', parent_id: 'spiffe://example.org/agent', selectors: [{ type: 'unix', value: 'uid:3' }] },
    { entry_id: 'e-a2', spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/agent', selectors: [{ type: 'unix', value: 'uid:2' }], x509_svid_ttl: 90 },
    { entry_id: 'e-a1', spiffe_id: 'spiffe://example.org/a', parent_id: 'spiffe://example.org/agent', selectors: [{ type: 'unix', value: 'uid:1' }], hint: 'first' },
    { entry_id: 'e-b', spiffe_id: 'spiffe://example.org/b', parent_id: 'spiffe://example.org/other', selectors: [{ type: 'unix', value: 'uid:1' }, { type: 'k8s', value: 'ns:x' }] },
  ];
  writeFileSync(join(server.dir, 'seed.json'), JSON.stringify({ entries }));
  const r = await run(['entry', 'create'], ['-data', 'seed.json']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await server?.stop();
});

test('entry show prints "Found N entries" and every entry sorted as SPIRE sorts', async () => {
  const r = await run(['entry', 'show'], []);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'Found 4 entries\n' +
      block('e-a1', 'spiffe://example.org/a', 'spiffe://example.org/agent', ['unix:uid:1'], { hint: 'first' }) +
      block('e-a2', 'spiffe://example.org/a', 'spiffe://example.org/agent', ['unix:uid:2'], { x509: 90 }) +
      block('e-b', 'spiffe://example.org/b', 'spiffe://example.org/other', ['k8s:ns:x', 'unix:uid:1']) +
      block('e-c', 'spiffe://example.org/c', 'spiffe://example.org/agent', ['unix:uid:3']),
  );
});

test('entry show filters: -entryID, -spiffeID, -parentID, -selector with -matchSelectorsOn, -hint', async () => {
  const one = await run(['entry', 'show'], ['-entryID', 'e-c']);
  assert.equal(one.stdout, `Found 1 entry\n${block('e-c', 'spiffe://example.org/c', 'spiffe://example.org/agent', ['unix:uid:3'])}`);
  const bySpiffe = await run(['entry', 'show'], ['-spiffeID', 'spiffe://example.org/a']);
  assert.match(bySpiffe.stdout, /^Found 2 entries\n/);
  const byParent = await run(['entry', 'show'], ['-parentID', 'spiffe://example.org/other']);
  assert.equal(byParent.stdout, `Found 1 entry\n${block('e-b', 'spiffe://example.org/b', 'spiffe://example.org/other', ['k8s:ns:x', 'unix:uid:1'])}`);
  const superset = await run(['entry', 'show'], ['-selector', 'unix:uid:1']);
  assert.match(superset.stdout, /^Found 2 entries\n/);
  const exact = await run(['entry', 'show'], ['-selector', 'unix:uid:1', '-matchSelectorsOn', 'exact']);
  assert.match(exact.stdout, /^Found 1 entry\nEntry ID {16}: e-a1\n/);
  const hint = await run(['entry', 'show'], ['-hint', 'first']);
  assert.match(hint.stdout, /^Found 1 entry\nEntry ID {16}: e-a1\n/);
  const none = await run(['entry', 'show'], ['-spiffeID', 'spiffe://example.org/none']);
  assert.equal(none.stdout, 'Found 0 entries\n');
});

test('entry show errors: unknown entry, combined -entryID, bad match mode, bad ID', async () => {
  const cases: Array<[string[], string]> = [
    [['-entryID', 'nope'], 'error fetching entry ID nope: rpc error: code = NotFound desc = entry not found'],
    [['-entryID', 'e-c', '-spiffeID', 'spiffe://example.org/c'], "the -entryID flag can't be combined with others"],
    [['-selector', 'a:b', '-matchSelectorsOn', 'most'], 'match behavior "most" unknown'],
    [['-parentID', 'example.org/x'], 'error parsing parent ID "example.org/x": scheme is missing or invalid'],
  ];
  for (const [i, [args, msg]] of cases.entries()) {
    const r = await (i === 0 ? run : local)(['entry', 'show'], args);
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 1, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '));
  }
});

test('entry count with and without filters; -output json', async () => {
  assert.equal((await run(['entry', 'count'], [])).stdout, '4 registration entries\n');
  assert.equal((await run(['entry', 'count'], ['-parentID', 'spiffe://example.org/other'])).stdout, '1 registration entry\n');
  assert.equal((await run(['entry', 'count'], ['-output', 'json'])).stdout, '{"count":4}\n');
  const bad = await run(['entry', 'count'], ['-output', 'yaml']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^invalid value "yaml" for flag -output: bad formatter flag: unknown format option: "yaml"\nUsage of entry count:\n/);
});

test('entry update replaces the entry and bumps the revision; failures name the entry', async () => {
  const r = await run(['entry', 'update'], ['-entryID', 'e-c', '-parentID', 'spiffe://example.org/agent', '-spiffeID', 'spiffe://example.org/c', '-selector', 'unix:uid:33', '-x509SVIDTTL', '120']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, block('e-c', 'spiffe://example.org/c', 'spiffe://example.org/agent', ['unix:uid:33'], { x509: 120, revision: 1 }));
  const missing = await run(['entry', 'update'], ['-entryID', 'nope', '-parentID', 'spiffe://example.org/agent', '-spiffeID', 'spiffe://example.org/c', '-selector', 'unix:uid:33']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.equal(
    missing.stderr,
    `Failed to update the following entry (code: NotFound, msg: "failed to update entry"):\n${block('nope', 'spiffe://example.org/c', 'spiffe://example.org/agent', ['unix:uid:33'])}Error: failed to update one or more entries\n`,
  );
});

test('entry update: required flags', async () => {
  const r = await run(['entry', 'update'], ['-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/b', '-selector', 'a:b']);
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 1, stderr: 'Error: entry ID is required\n' });
});

test('entry delete: one ID, a -file batch with a failure, and the summary lines', async () => {
  const one = await run(['entry', 'delete'], ['-entryID', 'e-a2']);
  assert.deepEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr }, { code: 0, stdout: 'Deleted entry with ID: e-a2\n\n\nDeleted 1 entries successfully', stderr: '' });
  writeFileSync(join(server.dir, 'ids.json'), JSON.stringify({ ids: ['e-b', 'gone'] }));
  const batch = await run(['entry', 'delete'], ['-file', 'ids.json']);
  assert.equal(batch.code, 1);
  assert.equal(batch.stdout, 'Deleted entry with ID: e-b\n\n\n\n\nDeleted 1 entries successfully, but failed to delete 1 entries');
  assert.equal(batch.stderr, 'Failed to delete entry with ID gone (code: NotFound, msg: "entry not found")\nError: failed to delete one or more entries\n');
  const none = await run(['entry', 'delete'], []);
  assert.equal(none.stderr, 'Error: an entry ID is required\n');
  const badFile = await run(['entry', 'delete'], ['-file', 'nope.json']);
  assert.equal(badFile.stderr, 'Error: open nope.json: no such file or directory\n');
});
