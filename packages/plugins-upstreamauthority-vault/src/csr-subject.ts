/**
 * The subject fields sign-intermediate takes (common name, organizations, countries), read from
 * the DER Name of a CSR the server CA made (the plugin API parses the CSR; this reads its Name).
 */

/** The fields, in the order the Name lists them. */
export interface SubjectFields {
  commonName: string;
  organization: string[];
  country: string[];
}

interface Tlv {
  tag: number;
  content: Uint8Array;
  end: number;
}

function tlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at]!;
  let len = b[at + 1];
  let off = at + 2;
  if (len === undefined) throw new Error('truncated DER');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[off + i] ?? 0);
    off += n;
  }
  if (off + len > b.length) throw new Error('truncated DER');
  return { tag, content: b.subarray(off, off + len), end: off + len };
}

function items(b: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < b.length; ) {
    const t = tlv(b, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

const OIDS: Record<string, keyof SubjectFields> = { '550403': 'commonName', '55040a': 'organization', '550406': 'country' };

function text(t: Tlv): string {
  if (t.tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < t.content.length; i += 2) s += String.fromCharCode((t.content[i]! << 8) | t.content[i + 1]!);
    return s;
  }
  return new TextDecoder(t.tag === 0x14 ? 'latin1' : 'utf-8').decode(t.content);
}

/** Reads CN, O and C from a DER Name; throws an Error when it is not a Name. */
export function subjectFields(nameDer: Uint8Array): SubjectFields {
  const out: SubjectFields = { commonName: '', organization: [], country: [] };
  const name = tlv(nameDer, 0);
  if (name.tag !== 0x30) throw new Error('subject is not a Name');
  for (const rdn of items(name.content)) {
    for (const atv of items(rdn.content)) {
      const [type, value] = items(atv.content);
      if (!type || !value || type.tag !== 0x06) throw new Error('malformed subject attribute');
      const field = OIDS[Buffer.from(type.content).toString('hex')];
      if (field === 'commonName') out.commonName = text(value);
      else if (field) out[field].push(text(value));
    }
  }
  return out;
}
