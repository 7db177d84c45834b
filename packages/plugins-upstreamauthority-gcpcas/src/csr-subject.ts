/**
 * The subject fields CA Service takes from the server CA's CSR, read from the DER Name
 * (SEQUENCE OF SET OF SEQUENCE { type OID, value }). As SPIRE, only the first value of each
 * field is used and the country is dropped.
 */

/** CA Service's Subject fields this plugin sends. */
export interface CasSubject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  province?: string;
}

/** DER content of the attribute type OIDs 2.5.4.x → the Subject field. */
const FIELDS: Record<string, keyof CasSubject> = { '550403': 'commonName', '55040a': 'organization', '55040b': 'organizationalUnit', '550407': 'locality', '550408': 'province' };

interface Tlv {
  tag: number;
  content: Uint8Array;
  next: number;
}

function tlv(buf: Uint8Array, off: number): Tlv {
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new Error('asn1: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[start + i]!;
    start += n;
  }
  if (start + len > buf.length) throw new Error('asn1: truncated');
  return { tag, content: buf.subarray(start, start + len), next: start + len };
}

function items(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < content.length; ) {
    const t = tlv(content, off);
    out.push(t);
    off = t.next;
  }
  return out;
}

function text(t: Tlv): string {
  // BMPString is UTF-16BE; the other string types CA names use are ASCII or UTF-8.
  if (t.tag === 0x1e) return Buffer.from(t.content).swap16().toString('utf16le');
  return Buffer.from(t.content).toString('utf8');
}

/** The first CN, O, OU, L and ST of a DER Name. Throws Error when it is not a Name. */
export function casSubject(name: Uint8Array): CasSubject {
  const out: CasSubject = {};
  const seq = tlv(name, 0);
  if (seq.tag !== 0x30) throw new Error('asn1: subject is not a SEQUENCE');
  for (const rdn of items(seq.content)) {
    for (const atv of items(rdn.content)) {
      const [type, value] = items(atv.content);
      if (!type || !value || type.tag !== 0x06) continue;
      const field = FIELDS[Buffer.from(type.content).toString('hex')];
      if (field && out[field] === undefined) out[field] = text(value);
    }
  }
  return out;
}
