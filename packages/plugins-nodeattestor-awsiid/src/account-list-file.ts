import { readFileSync } from 'node:fs';

const ACCOUNT_ID = /^[0-9]{12}$/;

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/** A file-system error worded as Go's `os.ReadFile` words it (`open <path>: <reason>`). */
function fsErrorText(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const reason = ERRNO_TEXT[code] ?? (e instanceof Error ? e.message : String(e));
  return `${code === 'EISDIR' ? 'read' : 'open'} ${path}: ${reason}`;
}

/**
 * Reads `verify_organization.account_list_file`: a JSON array of 12-digit account IDs (the
 * operator lists only the eligible accounts). Throws Error, worded as SPIRE's, when the file
 * cannot be read, is not a JSON array of strings or holds an ID that is not 12 digits. The
 * caller fails closed on any error.
 */
export function readAccountListFile(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`unable to read account list file: ${fsErrorText(path, e)}`, { cause: e });
  }
  let ids: unknown;
  try {
    ids = JSON.parse(text);
    if (ids !== null && (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string'))) throw new Error('not an array of strings');
  } catch (e) {
    throw new Error(`unable to parse account list file ${JSON.stringify(path)}, expected a JSON array of account IDs: ${(e as Error).message}`, { cause: e });
  }
  const out = new Set<string>();
  for (const id of (ids ?? []) as string[]) {
    if (!ACCOUNT_ID.test(id)) throw new Error(`invalid account id ${JSON.stringify(id)} in account list file ${JSON.stringify(path)}, expected a 12-digit AWS account id`);
    out.add(id);
  }
  return out;
}
