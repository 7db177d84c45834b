import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ExternalErrors } from '../../plugins/external-errors.js';

/**
 * Checks a plugin_checksum's shape as SPIRE does: hex, 64 characters (a sha256). Returns the
 * lower-case form; throws INVALID_ARGUMENT otherwise.
 */
export function normalizeChecksum(checksum: string): string {
  if (!/^([0-9a-fA-F]{2})*$/.test(checksum)) throw ExternalErrors.checksumNotHex();
  if (checksum.length !== 64) throw ExternalErrors.checksumLength(checksum.length);
  return checksum.toLowerCase();
}

/** The hex sha256 of a file, streamed. Throws FAILED_PRECONDITION when it cannot be read. */
export async function sha256File(path: string): Promise<string> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch (err) {
    throw ExternalErrors.cannotRead(path, err);
  }
}

/**
 * Refuses a binary whose sha256 differs from `expected`; the error shows both values. Resolves
 * when they match.
 */
export async function verifyChecksum(path: string, expected: string): Promise<void> {
  const want = normalizeChecksum(expected);
  const got = await sha256File(path);
  if (got !== want) throw ExternalErrors.checksumMismatch(path, want, got);
}
