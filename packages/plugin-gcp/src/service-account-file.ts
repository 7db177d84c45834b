import { readFileSync } from 'node:fs';

/**
 * Checks a `service_account_file` option as Google's Go clients do when they are made: the file
 * must be readable JSON of a service account key (`"type": "service_account"`). Returns the path
 * for the client's `keyFilename`. Throws Error naming the problem.
 */
export function checkServiceAccountFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code === 'ENOENT' ? `open ${path}: no such file or directory` : `open ${path}: ${e.message}`);
  }
  let json: { type?: unknown; client_email?: unknown; private_key?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (err) {
    throw new Error(`invalid service account file ${path}: ${(err as Error).message}`);
  }
  if (json?.type !== 'service_account') throw new Error(`invalid service account file ${path}: credential type is ${JSON.stringify(json?.type ?? '')}, expected "service_account"`);
  if (typeof json.client_email !== 'string' || typeof json.private_key !== 'string') {
    throw new Error(`invalid service account file ${path}: client_email and private_key are required`);
  }
  return path;
}
