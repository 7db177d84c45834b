import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger } from '../../log/logger.js';
import type { CADataStore } from '../ca-datastore.js';
import { CAManager } from '../manager/ca-manager.js';
import { InlineSigningPool } from '../pool/signing-pool.fake.js';
import { ServerCA } from '../server-ca.js';
import { FakeClock } from './fake-clock.js';
import { fileKeyManager } from './file-key-manager.js';
import { TD } from './fixture.js';

/**
 * The pieces of a "server" that live in a directory: keys file, clock file, and a DataStore made
 * by a factory module. The factory is `export async function createDataStore(dir): CADataStore`
 * in the module named by SPIRE_CRASH_DS_MODULE; by default the file-backed fake. To run the crash
 * test against SQLite, point SPIRE_CRASH_DS_MODULE at a module whose factory opens the SQL
 * DataStore on `<dir>/datastore.sqlite3`.
 */
export async function openDataStore(dir: string): Promise<CADataStore & { close?(): unknown }> {
  const mod = process.env.SPIRE_CRASH_DS_MODULE;
  if (mod) {
    const m = (await import(pathToFileURL(mod).href)) as { createDataStore(dir: string): Promise<CADataStore> };
    return m.createDataStore(dir);
  }
  const { FakeCADataStore } = await import('./datastore-subset.fake.js');
  return new FakeCADataStore(join(dir, 'datastore.json'));
}

export const CA_TTL_MS = 60 * 60 * 1000;
export const STEP_MS = 7 * 60 * 1000;

function readClock(dir: string, start: number): FakeClock {
  const f = join(dir, 'clock');
  return new FakeClock(existsSync(f) ? Number(readFileSync(f, 'utf8')) : start);
}

export function saveClock(dir: string, c: FakeClock): void {
  const f = join(dir, 'clock');
  const fd = openSync(`${f}.tmp`, 'w');
  writeSync(fd, String(c.now()));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${f}.tmp`, f);
}

/** Starts a manager over the directory (a server start). */
export async function startFromDir(dir: string, start: number) {
  const clock = readClock(dir, start);
  const km = fileKeyManager(join(dir, 'keys.json'));
  const ds = await openDataStore(dir);
  const ca = new ServerCA({ trustDomain: TD, clock });
  const m = await CAManager.create({
    trustDomain: TD,
    clock,
    log: silentLogger(),
    keyManager: km,
    dataStore: ds,
    pool: new InlineSigningPool(),
    ca,
    caTtlMs: CA_TTL_MS,
  });
  await m.initialize();
  return { m, ca, clock, km, ds };
}
