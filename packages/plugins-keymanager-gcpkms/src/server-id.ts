import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { GcpKmsErrors } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The server ID kept in `key_identifier_file`: read and checked to be a UUID (returned
 * lower-cased), or, when the file does not exist, a new random UUIDv4 written there with mode
 * 0600. Throws INTERNAL (SPIRE's messages) when the file cannot be read, holds no UUID, or cannot
 * be written.
 */
export async function readOrCreateServerId(path: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw GcpKmsErrors.readServerId(e);
    const id = randomUUID();
    try {
      await writeFile(path, id, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw GcpKmsErrors.persistServerId(err);
    }
    return id;
  }
  if (!UUID.test(content)) throw GcpKmsErrors.parseServerId(content);
  return content.toLowerCase();
}
