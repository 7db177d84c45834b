import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The ACME cache directory (`<data_dir>/bundle-acme`), kept as SPIRE's autocert DirCache keeps
 * it: the directory is created 0700, every entry is a file named by its key, written 0600 to a
 * temporary file and renamed into place, so a reader never sees half a file.
 */
export class DirCache {
  constructor(readonly dir: string) {}

  /** Creates the directory (0700) if it is missing. Safe to call twice. */
  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(name: string): string {
    if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
      throw new Error(`invalid ACME cache entry name "${name}"`);
    }
    return path.join(this.dir, name);
  }

  /** The entry's bytes, or undefined when there is no such entry. */
  async get(name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.file(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Writes the entry atomically (temp file 0600 + rename). */
  async put(name: string, data: string | Uint8Array): Promise<void> {
    const target = this.file(name);
    await this.ensureDir();
    const tmp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Removes the entry; no error when it is absent. */
  async delete(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }
}
