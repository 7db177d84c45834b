import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { BIN, runAgainst } from '../../test-support/run-cli.js';
import { ENTRY_BATCH_SIZE } from './batches.js';

let server: TestServer;
const run = (words: string[], rest: string[]) => runAgainst(server.socketPath, words, rest, { cwd: server.dir });
// More than two batches and more than two ListEntries pages (500 each).
const N = ENTRY_BATCH_SIZE * 2 + 101;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

test(`entry create -data sends ${N} entries in batches and reports only the failures, in input order`, async () => {
  const entries = Array.from({ length: N }, (_, i) => ({
    entry_id: `scale-${String(i).padStart(5, '0')}`,
    spiffe_id: `spiffe://example.org/scale/${i}`,
    parent_id: 'spiffe://example.org/agent',
    // Two entries in the last batch carry no selector and must fail on the server.
    selectors: i === N - 1 || i === N - 50 ? [] : [{ type: 'unix', value: `uid:${i}` }],
  }));
  writeFileSync(join(server.dir, 'scale.json'), JSON.stringify({ entries }));
  const r = await run(['entry', 'create'], ['-data', 'scale.json']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.split('\n\n').filter((b) => b.startsWith('Entry ID')).length, N - 2);
  const failed = [...r.stderr.matchAll(/^Failed to create the following entry \(code: InvalidArgument, msg: "[^"]+"\):\nEntry ID {16}: (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(failed, [`scale-${String(N - 50).padStart(5, '0')}`, `scale-${String(N - 1).padStart(5, '0')}`]);
  assert.match(r.stderr, /\nError: failed to create one or more entries\n$/);
  // stderr is a pipe here, so no progress line.
  assert.doesNotMatch(r.stderr, /Creating entries/);
});

test('entry show pages through every entry; the client-side sort holds across pages', async () => {
  const r = await run(['entry', 'show'], ['-parentID', 'spiffe://example.org/agent']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^Found ${N - 2} entries\\n`));
  const ids = [...r.stdout.matchAll(/^SPIFFE ID {15}: (\S+)$/gm)].map((m) => m[1]!);
  assert.equal(ids.length, N - 2);
  assert.equal(new Set(ids).size, N - 2);
  const sorted = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(ids, sorted);
  const json = JSON.parse((await run(['entry', 'show'], ['-output', 'json'])).stdout) as { entries: unknown[]; next_page_token: string };
  assert.equal(json.entries.length, N - 2);
  assert.equal(json.next_page_token, '');
});

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('entry create shows progress on stderr only when stderr is a terminal', { skip: !hasScript() && 'util-linux script(1) is not installed' }, () => {
  const entries = Array.from({ length: ENTRY_BATCH_SIZE + 1 }, (_, i) => ({ spiffe_id: `spiffe://example.org/tty/${i}`, parent_id: 'spiffe://example.org/agent', selectors: [{ type: 'unix', value: `uid:${i}` }] }));
  writeFileSync(join(server.dir, 'tty.json'), JSON.stringify({ entries }));
  const log = join(server.dir, 'typescript');
  // script(1) gives the command a pseudo-terminal; stdout goes to /dev/null so only stderr is recorded.
  execFileSync('script', ['-qec', `TZ=UTC "${process.execPath}" "${BIN}" entry create -data tty.json -socketPath "${server.socketPath}" >/dev/null`, log], { cwd: server.dir, stdio: 'ignore' });
  const text = readFileSync(log, 'utf8');
  assert.match(text, new RegExp(`\\rCreating entries: ${ENTRY_BATCH_SIZE}/${ENTRY_BATCH_SIZE + 1}\\rCreating entries: ${ENTRY_BATCH_SIZE + 1}/${ENTRY_BATCH_SIZE + 1}\\r?\\n`));
});

test('entry show into a reader that stops early (| head) ends quietly with the SIGPIPE status', () => {
  const out = execFileSync('bash', ['-c', `TZ=UTC "${process.execPath}" "${BIN}" entry show -socketPath "${server.socketPath}" 2>stderr.txt | head -1; echo "status \${PIPESTATUS[0]}"`], { cwd: server.dir, encoding: 'utf8' });
  // Far more than a pipe buffer of output, so the writer does meet the closed pipe.
  assert.match(out, /^Found \d{4} entries\nstatus 141\n$/);
  assert.equal(readFileSync(join(server.dir, 'stderr.txt'), 'utf8'), '');
});
