import { readFileSync } from 'node:fs';

/**
 * Why a `service_account_file` option cannot be used, or undefined when it looks like a service
 * account key: it must be readable JSON with `"type": "service_account"` (what SPIRE's Google
 * clients require of it). Read at configuration so that a bad file is reported then, not at the
 * first Google call. Never throws.
 */
export function serviceAccountFileProblem(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return `unable to read service_account_file ${JSON.stringify(path)}: ${(e as Error).message}`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `unable to parse service_account_file ${JSON.stringify(path)}: ${(e as Error).message}`;
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type !== 'service_account') return `service_account_file ${JSON.stringify(path)} is not a service account key file (type ${JSON.stringify(type ?? '')})`;
  return undefined;
}
