import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirCache } from './dir-cache.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spire-dircache-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('put creates the dir 0700 and the entry 0600, leaving no temp file', () =>
  withDir(async (dir) => {
    const c = new DirCache(path.join(dir, 'bundle-acme'));
    await c.put('a.example', 'one');
    await c.put('a.example', 'two');
    assert.equal((await stat(c.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(path.join(c.dir, 'a.example'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(c.dir), ['a.example']);
    assert.equal(await readFile(path.join(c.dir, 'a.example'), 'utf8'), 'two');
  }));

test('get: the bytes, or undefined when absent; delete is idempotent', () =>
  withDir(async (dir) => {
    const c = new DirCache(dir);
    assert.equal(await c.get('nope'), undefined);
    await c.put('k', Buffer.from([1, 2]));
    assert.deepEqual(await c.get('k'), Buffer.from([1, 2]));
    await c.delete('k');
    await c.delete('k');
    assert.equal(await c.get('k'), undefined);
  }));

test('entry names cannot leave the directory', () =>
  withDir(async (dir) => {
    const c = new DirCache(dir);
    for (const bad of ['', '.', '..', '../x', 'a/b']) {
      await assert.rejects(c.put(bad, 'x'), { message: `invalid ACME cache entry name "${bad}"` });
    }
  }));
