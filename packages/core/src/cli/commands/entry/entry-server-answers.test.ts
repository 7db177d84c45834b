import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runAgainst } from '../../test-support/run-cli.js';

// What the server answers, as `entry create` / `entry update` print it: selectors in request order
// and datastore validation failures with SPIRE's `datastore-validation: ` text. The expected texts
// are those of SPIRE's own CLI tests (cmd/spire-server/cli/entry) and entry API tests.

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

const run = (words: string[], rest: string[]) => runAgainst(server.socketPath, words, rest, { cwd: server.dir });

const ZEBRA_ALPHA = ['-selector', 'zebra:zebra:2000', '-selector', 'alpha:alpha:2000'];

test('entry create prints the selectors in the order they were given, not sorted', async () => {
  const r = await run(['entry', 'create'], ['-entryID', 'order-1', '-spiffeID', 'spiffe://example.org/workload', '-parentID', 'spiffe://example.org/parent', ...ZEBRA_ALPHA, '-x509SVIDTTL', '60', '-jwtSVIDTTL', '30', '-dns', 'unu1000', '-dns', 'ung1000']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    [
      'Entry ID                : order-1',
      'SPIFFE ID               : spiffe://example.org/workload',
      'Parent ID               : spiffe://example.org/parent',
      'Revision                : 0',
      'X509-SVID TTL           : 60',
      'JWT-SVID TTL            : 30',
      'Selector                : zebra:zebra:2000',
      'Selector                : alpha:alpha:2000',
      'DNS name                : unu1000',
      'DNS name                : ung1000',
      '',
      '',
    ].join('\n'),
  );
  const json = await run(['entry', 'create'], ['-output', 'json', '-spiffeID', 'spiffe://example.org/workload2', '-parentID', 'spiffe://example.org/parent', ...ZEBRA_ALPHA]);
  assert.equal(json.code, 0, json.stderr);
  const sels = (JSON.parse(json.stdout) as { results: Array<{ entry: { selectors: unknown } }> }).results[0]!.entry.selectors;
  assert.deepEqual(sels, [
    { type: 'zebra', value: 'zebra:2000' },
    { type: 'alpha', value: 'alpha:2000' },
  ]);
});

/** The stderr of a failed `entry create` whose entry block is the standard one of these tests. */
function createFailure(entryId: string, msg: string, extra: string[] = []): string {
  return [
    `Failed to create the following entry (code: InvalidArgument, msg: "failed to create entry: ${msg}"):`,
    `Entry ID                : ${entryId}`,
    'SPIFFE ID               : spiffe://example.org/invalid',
    'Parent ID               : spiffe://example.org/parent',
    'Revision                : 0',
    'X509-SVID TTL           : default',
    'JWT-SVID TTL            : default',
    'Selector                : zebra:zebra:2000',
    'Selector                : alpha:alpha:2000',
    ...extra,
    '',
    'Error: failed to create one or more entries',
    '',
  ].join('\n');
}

test('entry create: datastore validation failures carry the datastore-validation prefix', async () => {
  const base = ['-spiffeID', 'spiffe://example.org/invalid', '-parentID', 'spiffe://example.org/parent', ...ZEBRA_ALPHA];
  const cases: Array<[string, string[], string]> = [
    ['bad chars', ['-entryID', 'a b'], createFailure('a b', 'datastore-validation: invalid registration entry: entry ID contains invalid characters')],
    ['too long', ['-entryID', 'e'.repeat(256)], createFailure('e'.repeat(256), 'datastore-validation: invalid registration entry: entry ID too long')],
    [
      'store SVID with prefetch',
      ['-entryID', 'store-1', '-storeSVID', '-disableX509SVIDPrefetch'],
      createFailure('store-1', 'datastore-validation: specifying cache behaviour is incompatible with storable SVIDs', ['StoreSvid               : true', 'DisableX509SvidPrefetch : true']),
    ],
    [
      'store SVID with mixed selector types',
      ['-entryID', 'store-2', '-storeSVID'],
      createFailure('store-2', 'datastore-validation: invalid registration entry: selector types must be the same when store SVID is enabled', ['StoreSvid               : true']),
    ],
  ];
  for (const [name, flags, stderr] of cases) {
    const r = await run(['entry', 'create'], [...flags, ...base]);
    assert.equal(r.stderr, stderr, name);
    assert.equal(r.stdout, '', name);
    assert.equal(r.code, 1, name);
  }
});

test('entry update: a store-SVID entry with mixed selector types is a datastore-validation failure', async () => {
  const made = await run(['entry', 'create'], ['-entryID', 'upd-1', '-spiffeID', 'spiffe://example.org/upd', '-parentID', 'spiffe://example.org/parent', '-selector', 'unix:uid:1']);
  assert.equal(made.code, 0, made.stderr);
  const r = await run(['entry', 'update'], ['-entryID', 'upd-1', '-spiffeID', 'spiffe://example.org/upd', '-parentID', 'spiffe://example.org/parent', ...ZEBRA_ALPHA, '-storeSVID']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    [
      'Failed to update the following entry (code: InvalidArgument, msg: "failed to update entry: datastore-validation: invalid registration entry: selector types must be the same when store SVID is enabled"):',
      'Entry ID                : upd-1',
      'SPIFFE ID               : spiffe://example.org/upd',
      'Parent ID               : spiffe://example.org/parent',
      'Revision                : 0',
      'X509-SVID TTL           : default',
      'JWT-SVID TTL            : default',
      'Selector                : zebra:zebra:2000',
      'Selector                : alpha:alpha:2000',
      'StoreSvid               : true',
      '',
      'Error: failed to update one or more entries',
      '',
    ].join('\n'),
  );
});
