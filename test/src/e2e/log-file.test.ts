import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess } from './harness.js';

/** Each GetEntry of an unknown ID writes one audit line naming the ID; the IDs count up. */
const marker = (i: number) => `seq-${String(i).padStart(5, '0')}`;
const markersIn = (text: string) => [...text.matchAll(/ id=(seq-\d{5})/g)].map((m) => m[1]!);

describe('log_file of a real spire-server run', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const logPath = () => join(server.dir, 'logs', 'server.log');
  const expectedMode = 0o640 & ~process.umask();

  before(async () => {
    await server.start({ logLevel: 'INFO', extraServer: `log_file = "${join(server.dir, 'logs', 'server.log')}"\n  audit_log_enabled = true` });
  });
  after(async () => {
    await server.stop();
  });

  it('is created 0640 and gets the log instead of the console', () => {
    assert.equal(statSync(logPath()).mode & 0o777, expectedMode);
    assert.match(readFileSync(logPath(), 'utf8'), /msg="Starting Server APIs"/);
    assert.doesNotMatch(server.log(), /Starting Server APIs/);
  });

  it('is reopened on SIGUSR2 after a rename (logrotate postrotate) without losing or reordering a line', async () => {
    const total = 600;
    const rotateAt = 200;
    for (let i = 0; i < total; i++) {
      // The rename and the signal land while calls keep coming, as under logrotate.
      if (i === rotateAt) {
        renameSync(logPath(), `${logPath()}.1`);
        server.signal('SIGUSR2');
      }
      await assert.rejects(server.admin('entry', 'GetEntry', { id: marker(i) }), { code: 5 });
    }
    const expected = Array.from({ length: total }, (_, i) => marker(i));
    // The last audit line is written after the reply; give the server a moment to write it.
    const deadline = Date.now() + 10_000;
    let rotated: string[] = [];
    let current: string[] = [];
    for (;;) {
      rotated = markersIn(readFileSync(`${logPath()}.1`, 'utf8'));
      current = markersIn(readFileSync(logPath(), 'utf8'));
      if (rotated.length + current.length >= total || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual([...rotated, ...current], expected);
    assert.ok(rotated.length >= rotateAt, `the old file kept the lines before the signal (${rotated.length})`);
    assert.ok(current.length > 0, 'the new file got the lines after the signal');
    assert.equal(statSync(logPath()).mode & 0o777, expectedMode);
  });
});
