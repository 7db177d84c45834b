import { readFileSync } from 'node:fs';

/**
 * Why a `service_account_file` cannot be used, in the words of Google's Go clients, or undefined
 * when it is a service account key: readable JSON with `"type": "service_account"`, a
 * `client_email` and a `private_key`. Never throws.
 */
export function serviceAccountFileProblem(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? `open ${path}: no such file or directory` : `open ${path}: ${e.message}`;
  }
  let json: { type?: unknown; client_email?: unknown; private_key?: unknown } | null;
  try {
    json = JSON.parse(text) as typeof json;
  } catch (err) {
    return `invalid service account file ${path}: ${(err as Error).message}`;
  }
  if (json?.type !== 'service_account') return `invalid service account file ${path}: credential type is ${JSON.stringify(json?.type ?? '')}, expected "service_account"`;
  if (typeof json.client_email !== 'string' || typeof json.private_key !== 'string') {
    return `invalid service account file ${path}: client_email and private_key are required`;
  }
  return undefined;
}

/** {@link serviceAccountFileProblem} as a check: returns the path (for a client's `keyFilename`), or throws Error with the problem. */
export function checkServiceAccountFile(path: string): string {
  const problem = serviceAccountFileProblem(path);
  if (problem) throw new Error(problem);
  return path;
}
