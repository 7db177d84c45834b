import { toProtoJson } from '../api/protojson.js';
import { goJson } from './go-format.js';

/** The JSON text `-output json` prints for these messages (none: empty string); see api/protojson.ts for the form. */
export function protoJsonText(msgs: ReadonlyArray<{ type: string; msg: object }>): string {
  if (msgs.length === 0) return '';
  const docs = msgs.map((m) => toProtoJson(m.type, m.msg));
  return goJson(docs.length === 1 ? docs[0] : docs);
}
