import type { SectionReader } from './section-reader.js';
import type { KeyType } from '../plugins/keymanager/contract.js';
import { KEY_TYPES } from '../plugins/keymanager/contract.js';

/** Reads a key type option (any case, as SPIRE). Returns undefined when absent, empty or bad. */
export function readKeyType(r: SectionReader, key: string): KeyType | undefined {
  const s = r.string(key);
  if (!s) return undefined;
  const lower = s.toLowerCase();
  if ((KEY_TYPES as readonly string[]).includes(lower)) return lower as KeyType;
  r.problem(key, `key type ${JSON.stringify(s)} is unknown; must be one of [${KEY_TYPES.join(', ')}]`);
  return undefined;
}
