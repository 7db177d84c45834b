import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/** The errors a KeyManager gives for its `key_identifier_file`, in its own (SPIRE's) words. */
export interface ServerIdErrors {
  readServerId(cause: unknown): Error;
  parseServerId(content: string): Error;
  persistServerId(cause: unknown): Error;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The server ID a cloud KeyManager keeps in its `key_identifier_file`: read and checked to be a
 * UUID (in any case; returned lower-cased, as SPIRE's UUID parser prints it), or, when the file
 * does not exist, a new random UUIDv4 written there with mode 0600 (never over a file another
 * process wrote in between). Throws the plugin's error when the file cannot be read, holds no
 * UUID, or cannot be written.
 */
export async function readOrCreateServerId(path: string, errors: ServerIdErrors): Promise<string> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw errors.readServerId(e);
    const id = randomUUID();
    try {
      await writeFile(path, id, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw errors.persistServerId(err);
    }
    return id;
  }
  if (!UUID.test(content)) throw errors.parseServerId(content);
  return content.toLowerCase();
}
