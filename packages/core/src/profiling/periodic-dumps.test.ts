import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILING_NAMES } from '../config/server-section.js';
import { PROFILE_NAMES } from './dumpers.js';
import { profileTimestamp, startPeriodicDumps } from './periodic-dumps.js';
import { capturingLog, flushed } from './profiling.test-support.js';

const AT = new Date(2026, 0, 2, 3, 4, 5);

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'profiles-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the dumpers cover exactly the names server.conf accepts', () => {
  assert.deepEqual([...PROFILE_NAMES].sort(), [...PROFILING_NAMES].sort());
});

test('the timestamp is upstream\'s YYYY-MM-DD_HHMMSS in local time', () => {
  assert.equal(profileTimestamp(AT), '2026-01-02_030405');
});

test('each tick writes every profile as <ts>_server_<name>.<ext>, mode 0600, in a 0700 directory', async (t) => {
  const dir = join(await tempDir(t), '.profiles');
  const { log } = capturingLog();
  const names = ['goroutine', 'threadcreate', 'heap', 'block', 'mutex', 'cpu'];
  const dumps = await startPeriodicDumps({ freqSeconds: 3600, names, dir, now: () => AT, log });
  assert.ok(dumps);
  try {
    await dumps.dumpNow();
  } finally {
    await dumps.stop();
    await dumps.stop();
  }
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  const ts = '2026-01-02_030405';
  const expected = ['block.json', 'cpu.cpuprofile', 'goroutine.json', 'heap.heapsnapshot', 'mutex.json', 'threadcreate.json'].map((f) => `${ts}_server_${f}`);
  assert.deepEqual((await readdir(dir)).sort(), expected);
  for (const f of expected) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  const cpu = JSON.parse(await readFile(join(dir, `${ts}_server_cpu.cpuprofile`), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
  assert.ok(cpu.nodes.length > 0 && Array.isArray(cpu.samples));
  const heap = await readFile(join(dir, `${ts}_server_heap.heapsnapshot`), 'utf8');
  assert.ok(heap.startsWith('{"snapshot":{"meta":'));
  assert.ok(JSON.parse(heap));
  const report = JSON.parse(await readFile(join(dir, `${ts}_server_goroutine.json`), 'utf8')) as { header: { processId: number } };
  assert.equal(report.header.processId, process.pid);
  const block = JSON.parse(await readFile(join(dir, `${ts}_server_block.json`), 'utf8')) as { profile: string; unit: string };
  assert.deepEqual([block.profile, block.unit], ['block', 'ns']);
});

test('the timer dumps every freq seconds; stop ends it', async (t) => {
  const dir = await tempDir(t);
  let n = 0;
  const dumps = await startPeriodicDumps({ freqSeconds: 1, names: ['goroutine'], dir, now: () => new Date(AT.getTime() + 1000 * n++), log: capturingLog().log });
  assert.ok(dumps);
  await new Promise((r) => setTimeout(r, 2300));
  await dumps.stop();
  const files = await readdir(dir);
  assert.deepEqual(files.sort(), ['2026-01-02_030405_server_goroutine.json', '2026-01-02_030406_server_goroutine.json']);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await readdir(dir)).length, 2);
});

test('trace is not dumped, and with nothing left upstream\'s "no dumpers active" is logged', async (t) => {
  const dir = join(await tempDir(t), 'p');
  const { log, records } = capturingLog();
  assert.equal(await startPeriodicDumps({ freqSeconds: 1, names: ['trace'], dir, log }), undefined);
  await flushed();
  assert.deepEqual(
    records.map((r) => [r.level, r.msg, r.profile ?? r.error]),
    [
      ['warn', 'Profile is not supported and is not dumped', 'trace'],
      ['warn', 'Failed to run profiling', 'there are no dumpers active'],
    ],
  );
  await assert.rejects(stat(dir), { code: 'ENOENT' });
});

test('an empty profiling_names is "no dumpers active" too', async () => {
  const { log, records } = capturingLog();
  assert.equal(await startPeriodicDumps({ freqSeconds: 1, names: [], log }), undefined);
  await flushed();
  assert.deepEqual(records.map((r) => r.error), ['there are no dumpers active']);
});

test('a failed dump is logged and the next tick tries again', async (t) => {
  const dir = await tempDir(t);
  const { log, records } = capturingLog();
  const dumps = await startPeriodicDumps({ freqSeconds: 3600, names: ['goroutine'], dir, log });
  assert.ok(dumps);
  await rm(dir, { recursive: true });
  await dumps.dumpNow();
  await flushed();
  const failed = records.find((r) => r.msg === 'Failed to dump profile');
  assert.equal(failed?.profile, 'goroutine');
  assert.match(String(failed?.error), /ENOENT/);
  await dumps.stop();
});
