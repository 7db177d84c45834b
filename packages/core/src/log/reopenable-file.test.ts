import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ReopenableFile } from './reopenable-file.js';
import { reopenOnSignal, REOPEN_SIGNAL } from './reopen-on-signal.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'spire-reopen-')), 'logs', 'server.log');

test('creates the file (and its directory) 0640 and appends each line at once', () => {
  const path = tempFile();
  const f = new ReopenableFile(path);
  f.write('one\n');
  f.write('two\n');
  assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\n');
  assert.equal(statSync(path).mode & 0o777, 0o640 & ~process.umask());
  f.close();
  f.close();
  f.write('dropped\n');
  assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\n');
});

test('reopen after a rename writes on in a new file; the renamed one keeps what came before', () => {
  const path = tempFile();
  const f = new ReopenableFile(path);
  f.write('before\n');
  renameSync(path, `${path}.1`);
  f.write('still old\n');
  f.reopen();
  f.write('after\n');
  f.close();
  assert.equal(readFileSync(`${path}.1`, 'utf8'), 'before\nstill old\n');
  assert.equal(readFileSync(path, 'utf8'), 'after\n');
});

test('a reopen that fails is logged and the old file stays in use', () => {
  const path = tempFile();
  const f = new ReopenableFile(path);
  const log = pino({ base: undefined, timestamp: false }, f);
  const remove = reopenOnSignal(f, log);
  try {
    renameSync(path, `${path}.1`);
    mkdirSync(path); // a directory where the file was: the reopen cannot open it
    process.emit(REOPEN_SIGNAL, REOPEN_SIGNAL);
    log.info('after');
  } finally {
    remove();
    remove();
    f.close();
  }
  const lines = readFileSync(`${path}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => l.msg), ['failed to rotate log after signal', 'after']);
  assert.match(String(lines[0]!.error), /EISDIR/);
});
