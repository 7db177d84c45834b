import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { entryPkcs8, keyEntryFromPkcs8, type KeyEntry } from '@spire-ts/core/plugin';
import { DiskKeyManagerErrors } from './errors.js';

/**
 * The keys file, in SPIRE's format: `{"keys": {"<key id>": "<base64 PKCS#8 DER>"}}`, so a keys.json
 * written by the Go server loads here and the other way round.
 */
interface KeysFileData {
  keys: Record<string, string>;
}

/** Reads the keys file; a missing file means no keys. Throws INTERNAL on a corrupt file. */
export async function loadKeysFile(path: string): Promise<KeyEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw DiskKeyManagerErrors.readFailed(path, err);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw DiskKeyManagerErrors.decodeFailed(path, (err as Error).message);
  }
  const keys = (data as Partial<KeysFileData> | null)?.keys;
  if (keys === null || keys === undefined) return [];
  if (typeof keys !== 'object' || Array.isArray(keys)) throw DiskKeyManagerErrors.decodeFailed(path, '"keys" must be an object');
  const out: KeyEntry[] = [];
  for (const [id, b64] of Object.entries(keys)) {
    if (typeof b64 !== 'string') throw DiskKeyManagerErrors.parseKeyFailed(id, new Error('not a base64 string'));
    try {
      out.push(keyEntryFromPkcs8(id, Buffer.from(b64, 'base64')));
    } catch (err) {
      throw DiskKeyManagerErrors.parseKeyFailed(id, err);
    }
  }
  return out;
}

/**
 * Writes every entry atomically: a temporary file in the same directory, created with mode 0600,
 * written and fsynced, then renamed over the keys file, then the directory fsynced so the rename
 * itself survives a crash. Readers see the old file or the new one, never a partial one.
 */
export async function writeKeysFile(path: string, entries: readonly KeyEntry[]): Promise<void> {
  const data: KeysFileData = { keys: {} };
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    data.keys[e.id] = Buffer.from(entryPkcs8(e)).toString('base64');
  }
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify(data, null, '\t'));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw DiskKeyManagerErrors.writeFailed(path, err);
  }
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is already durable.
  }
}
