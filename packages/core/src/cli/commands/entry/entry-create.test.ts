import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runInProcess } from '../../test-support/run-in-process.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

const run = (words: string[], rest: string[], opts: { stdin?: string } = {}) => runAgainst(server.socketPath, words, rest, { ...opts, cwd: server.dir });
// Long tables of error cases run in-process after their first case went through bin/spire-server.
const local = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) =>
  runInProcess([...words, '-socketPath', server.socketPath, ...rest], { ...opts, cwd: server.dir });

test('entry create from flags prints the entry block in SPIRE order with optional lines', async () => {
  const r = await run(['entry', 'create'], [
    '-entryID', 'flags-1',
    '-parentID', 'spiffe://example.org/agent/a',
    '-spiffeID', 'spiffe://example.org/workload/w1',
    '-selector', 'unix:gid:1000',
    '-selector', 'unix:uid:1000',
    '-dns', 'w1.example.org',
    '-dns', 'w1b.example.org',
    '-x509SVIDTTL', '3600',
    '-jwtSVIDTTL', '300',
    '-entryExpiry', '1900000000',
    '-admin',
    '-downstream',
    '-storeSVID',
    '-hint', 'primary',
  ]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    [
      'Entry ID                : flags-1',
      'SPIFFE ID               : spiffe://example.org/workload/w1',
      'Parent ID               : spiffe://example.org/agent/a',
      'Revision                : 0',
      'Downstream              : true',
      'X509-SVID TTL           : 3600',
      'JWT-SVID TTL            : 300',
      'Expiration time         : 2030-03-17 17:46:40 +0000 UTC',
      'Selector                : unix:gid:1000',
      'Selector                : unix:uid:1000',
      'DNS name                : w1.example.org',
      'DNS name                : w1b.example.org',
      'Admin                   : true',
      'StoreSvid               : true',
      'Hint                    : primary',
      '',
      '',
    ].join('\n'),
  );
});

test('entry create -node parents the entry to the server ID', async () => {
  const r = await run(['entry', 'create'], ['-entryID', 'node-1', '-node', '-spiffeID', 'spiffe://example.org/nodes/group', '-selector', 'x509pop:subject:cn:n1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Entry ID                : node-1',
      'SPIFFE ID               : spiffe://example.org/nodes/group',
      'Parent ID               : spiffe://example.org/spire/server',
      'Revision                : 0',
      'X509-SVID TTL           : default',
      'JWT-SVID TTL            : default',
      'Selector                : x509pop:subject:cn:n1',
      '',
      '',
    ].join('\n'),
  );
});

test('entry create -data reports each failed entry on stderr and exits 1; successes on stdout', async () => {
  const path = join(server.dir, 'mixed.json');
  writeFileSync(
    path,
    JSON.stringify({
      entries: [
        { entry_id: 'data-ok', spiffe_id: 'spiffe://example.org/data/ok', parent_id: 'spiffe://example.org/agent/a', selectors: [{ type: 'k8s', value: 'ns:a' }], x509_svid_ttl: 60 },
        { entry_id: 'data-bad', spiffe_id: 'spiffe://example.org/data/bad', parent_id: 'spiffe://example.org/agent/a', selectors: [] },
      ],
    }),
  );
  const r = await run(['entry', 'create'], ['-data', 'mixed.json']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    [
      'Entry ID                : data-ok',
      'SPIFFE ID               : spiffe://example.org/data/ok',
      'Parent ID               : spiffe://example.org/agent/a',
      'Revision                : 0',
      'X509-SVID TTL           : 60',
      'JWT-SVID TTL            : default',
      'Selector                : k8s:ns:a',
      '',
      '',
    ].join('\n'),
  );
  const lines = r.stderr.split('\n');
  assert.match(lines[0]!, /^Failed to create the following entry \(code: InvalidArgument, msg: ".*selector.*"\):$/);
  assert.deepEqual(lines.slice(1), [
    'Entry ID                : data-bad',
    'SPIFFE ID               : spiffe://example.org/data/bad',
    'Parent ID               : spiffe://example.org/agent/a',
    'Revision                : 0',
    'X509-SVID TTL           : default',
    'JWT-SVID TTL            : default',
    '',
    'Error: failed to create one or more entries',
    '',
  ]);
});

test('entry create -data - reads stdin; an existing entry fails with AlreadyExists', async () => {
  const doc = JSON.stringify({ entries: [{ spiffe_id: 'spiffe://example.org/workload/w1', parent_id: 'spiffe://example.org/agent/a', selectors: [{ type: 'unix', value: 'uid:1000' }, { type: 'unix', value: 'gid:1000' }] }] });
  const r = await run(['entry', 'create'], ['-data', '-'], { stdin: doc });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Failed to create the following entry \(code: AlreadyExists, msg: "[^"]*already exists[^"]*"\):\nEntry ID {16}: \(none\)\n/);
  assert.match(r.stderr, /\nError: failed to create one or more entries\n$/);
});

test('entry create: a missing required flag is named, nothing is sent', async () => {
  const cases: Array<[string[], string]> = [
    [['-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/b'], 'at least one selector is required'],
    [['-spiffeID', 'spiffe://example.org/b', '-selector', 'a:b'], 'a parent ID is required if the node flag is not set'],
    [['-parentID', 'spiffe://example.org/a', '-selector', 'a:b'], 'a SPIFFE ID is required'],
    [['-node', '-spiffeID', 'spiffe://example.org/b', '-selector', 'a:b', '-federatesWith', 'spiffe://o.org'], 'node entries can not federate'],
    [['-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/b', '-selector', 'a:b', '-x509SVIDTTL', '-1'], 'a positive x509-SVID TTL is required'],
    [['-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/b', '-selector', 'ab'], 'selector "ab" must be formatted as type:value'],
    [['-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/b', '-selector', 'a:b', '-x509SVIDTTL', '3000000000'], 'invalid value for X509 SVID TTL: overflow converting int(3000000000) to int32'],
    [['-parentID', 'spiffe://example.org/a', '-spiffeID', 'http://example.org/b', '-selector', 'a:b'], 'scheme is missing or invalid'],
  ];
  for (const [i, [args, msg]] of cases.entries()) {
    const r = await (i === 0 ? run : local)(['entry', 'create'], args);
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 1, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '));
  }
});

test('entry create -data: unreadable file, invalid JSON, wrong types and bad IDs fail before sending', async () => {
  writeFileSync(join(server.dir, 'broken.json'), '{"entries": [');
  writeFileSync(join(server.dir, 'garbage.json'), 'hello');
  writeFileSync(join(server.dir, 'types.json'), '{"entries":[{"spiffe_id":"spiffe://example.org/x","parent_id":"spiffe://example.org/p","x509_svid_ttl":"60"}]}');
  writeFileSync(join(server.dir, 'badid.json'), '{"entries":[{"spiffe_id":"spiffe://example.org/x/","parent_id":"spiffe://example.org/p"}]}');
  const cases: Array<[string, string]> = [
    ['missing.json', 'open missing.json: no such file or directory'],
    ['broken.json', 'unexpected end of JSON input'],
    ['garbage.json', "invalid character 'h' looking for beginning of value"],
    ['types.json', 'json: cannot unmarshal string into Go struct field RegistrationEntry.entries.x509_svid_ttl of type int32'],
    ['badid.json', 'invalid SPIFFE ID: path cannot have a trailing slash'],
  ];
  for (const [i, [file, msg]] of cases.entries()) {
    const r = await (i < 3 ? run : local)(['entry', 'create'], ['-data', file]);
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 1, stdout: '', stderr: `Error: ${msg}\n` }, file);
  }
  const count = await run(['entry', 'count'], ['-spiffeID', 'spiffe://example.org/x']);
  assert.equal(count.stdout, '0 registration entries\n');
});

test('entry create -output json prints protojson with proto names, int64 as strings, sorted keys', async () => {
  const r = await run(['entry', 'create'], ['-entryID', 'json-1', '-parentID', 'spiffe://example.org/p', '-spiffeID', 'spiffe://example.org/j<1>', '-selector', 'a:b', '-entryExpiry', '1900000000', '-output', 'json']);
  assert.equal(r.code, 1, 'angle brackets are not valid in a SPIFFE ID path');
  const ok = await run(['entry', 'create'], ['-entryID', 'json-1', '-parentID', 'spiffe://example.org/p', '-spiffeID', 'spiffe://example.org/j1', '-selector', 'a:b<&>', '-entryExpiry', '1900000000', '-output', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    ok.stdout.replace(/"created_at":"\d+"/, '"created_at":"T"'),
    '{"results":[{"entry":{"admin":false,"created_at":"T","dns_names":[],"downstream":false,"expires_at":"1900000000","federates_with":[],"hint":"","id":"json-1","jwt_svid_ttl":0,"parent_id":{"path":"/p","trust_domain":"example.org"},"revision_number":"0","selectors":[{"type":"a","value":"b\\u003c\\u0026\\u003e"}],"spiffe_id":{"path":"/j1","trust_domain":"example.org"},"store_svid":false,"x509_svid_ttl":0},"status":{"code":0,"message":"OK"}}]}\n',
  );
});
