import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { AwsKmsErrors } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The server ID kept in `key_identifier_file`: read and checked to be a UUID (in any case; it is
 * returned lower-cased, as SPIRE's UUID parser prints it), or, when the file does not exist, a
 * new random UUIDv4 written there with mode 0600. Throws INTERNAL when the file cannot be read,
 * holds no UUID, or cannot be written.
 */
export async function readOrCreateServerId(path: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw AwsKmsErrors.readServerId(e);
    const id = randomUUID();
    try {
      // 'wx': never overwrite a file another process wrote in between.
      await writeFile(path, id, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw AwsKmsErrors.persistServerId(err);
    }
    return id;
  }
  if (!UUID.test(content)) throw AwsKmsErrors.parseServerId(content);
  return content.toLowerCase();
}
