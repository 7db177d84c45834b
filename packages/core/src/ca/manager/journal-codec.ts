/**
 * The CA journal's stored form: protobuf `Entries` with the field numbers of SPIRE's private
 * server journal message, so a database written by the Go server keeps its CA history here and
 * the other way round. Times are Unix seconds. WIT key entries (field 3) are not used by this
 * server but are kept byte for byte.
 */

/** Journal status of an authority. */
export type AuthorityStatus = 'UNKNOWN' | 'PREPARED' | 'ACTIVE' | 'OLD';

const STATUS_NUM: Record<AuthorityStatus, number> = { UNKNOWN: 0, PREPARED: 2, ACTIVE: 3, OLD: 4 };
function statusOf(n: number): AuthorityStatus {
  return n === 2 ? 'PREPARED' : n === 3 ? 'ACTIVE' : n === 4 ? 'OLD' : 'UNKNOWN';
}

export interface X509CAEntry {
  slotId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** DER. */
  certificate: Uint8Array;
  upstreamChain: Uint8Array[];
  status: AuthorityStatus;
  authorityId: string;
  /** Unix seconds. */
  notAfter: number;
  upstreamAuthorityId: string;
}

export interface JWTKeyEntry {
  slotId: string;
  issuedAt: number;
  notAfter: number;
  kid: string;
  /** DER SubjectPublicKeyInfo. */
  publicKey: Uint8Array;
  status: AuthorityStatus;
  authorityId: string;
}

export interface JournalEntries {
  x509CAs: X509CAEntry[];
  jwtKeys: JWTKeyEntry[];
  /** Raw encoded WIT key entries, kept untouched. */
  witKeysRaw: Uint8Array[];
}

class Writer {
  private readonly parts: number[] = [];
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
  }
  string(field: number, s: string): void {
    if (s !== '') this.bytes(field, new TextEncoder().encode(s));
  }
  int(field: number, v: number): void {
    if (v !== 0) {
      this.tag(field, 0);
      this.varint(v);
    }
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

type Field = { field: number; wire: number; num?: bigint; bytes?: Uint8Array };

function* fields(buf: Uint8Array): Generator<Field> {
  let p = 0;
  const varint = (): bigint => {
    let shift = 0n;
    let v = 0n;
    for (;;) {
      if (p >= buf.length) throw new Error('truncated journal');
      const b = buf[p++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (p < buf.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { field, wire, num: varint() };
    else if (wire === 2) {
      const n = Number(varint());
      if (p + n > buf.length) throw new Error('truncated journal');
      yield { field, wire, bytes: buf.subarray(p, p + n) };
      p += n;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw new Error(`unsupported wire type ${wire} in journal`);
  }
}

const text = (b?: Uint8Array): string => (b ? new TextDecoder().decode(b) : '');
const int = (n?: bigint): number => (n === undefined ? 0 : Number(BigInt.asIntN(64, n)));

function encodeX509(e: X509CAEntry): Uint8Array {
  const w = new Writer();
  w.string(1, e.slotId);
  w.int(2, e.issuedAt);
  if (e.certificate.length > 0) w.bytes(3, e.certificate);
  for (const c of e.upstreamChain) w.bytes(4, c);
  w.int(5, STATUS_NUM[e.status]);
  w.string(6, e.authorityId);
  w.int(7, e.notAfter);
  w.string(8, e.upstreamAuthorityId);
  return w.done();
}

function decodeX509(b: Uint8Array): X509CAEntry {
  const e: X509CAEntry = { slotId: '', issuedAt: 0, certificate: new Uint8Array(), upstreamChain: [], status: 'UNKNOWN', authorityId: '', notAfter: 0, upstreamAuthorityId: '' };
  for (const f of fields(b)) {
    switch (f.field) {
      case 1: e.slotId = text(f.bytes); break;
      case 2: e.issuedAt = int(f.num); break;
      case 3: e.certificate = new Uint8Array(f.bytes ?? []); break;
      case 4: e.upstreamChain.push(new Uint8Array(f.bytes ?? [])); break;
      case 5: e.status = statusOf(int(f.num)); break;
      case 6: e.authorityId = text(f.bytes); break;
      case 7: e.notAfter = int(f.num); break;
      case 8: e.upstreamAuthorityId = text(f.bytes); break;
    }
  }
  return e;
}

function encodeJWT(e: JWTKeyEntry): Uint8Array {
  const w = new Writer();
  w.string(1, e.slotId);
  w.int(2, e.issuedAt);
  w.int(3, e.notAfter);
  w.string(4, e.kid);
  if (e.publicKey.length > 0) w.bytes(5, e.publicKey);
  w.int(6, STATUS_NUM[e.status]);
  w.string(7, e.authorityId);
  return w.done();
}

function decodeJWT(b: Uint8Array): JWTKeyEntry {
  const e: JWTKeyEntry = { slotId: '', issuedAt: 0, notAfter: 0, kid: '', publicKey: new Uint8Array(), status: 'UNKNOWN', authorityId: '' };
  for (const f of fields(b)) {
    switch (f.field) {
      case 1: e.slotId = text(f.bytes); break;
      case 2: e.issuedAt = int(f.num); break;
      case 3: e.notAfter = int(f.num); break;
      case 4: e.kid = text(f.bytes); break;
      case 5: e.publicKey = new Uint8Array(f.bytes ?? []); break;
      case 6: e.status = statusOf(int(f.num)); break;
      case 7: e.authorityId = text(f.bytes); break;
    }
  }
  return e;
}

/** Encodes journal entries (protobuf, SPIRE's field numbers). */
export function encodeJournalEntries(j: JournalEntries): Uint8Array {
  const w = new Writer();
  for (const e of j.x509CAs) w.bytes(1, encodeX509(e));
  for (const e of j.jwtKeys) w.bytes(2, encodeJWT(e));
  for (const raw of j.witKeysRaw) w.bytes(3, raw);
  return w.done();
}

/**
 * Decodes journal entries. Throws an Error on malformed data. The SQL DataStore uses this in
 * pruneCAJournals to read each journal's authority expiries (entries' `notAfter`).
 */
export function decodeJournalEntries(data: Uint8Array): JournalEntries {
  const j: JournalEntries = { x509CAs: [], jwtKeys: [], witKeysRaw: [] };
  for (const f of fields(data)) {
    if (f.wire !== 2 || !f.bytes) continue;
    if (f.field === 1) j.x509CAs.push(decodeX509(f.bytes));
    else if (f.field === 2) j.jwtKeys.push(decodeJWT(f.bytes));
    else if (f.field === 3) j.witKeysRaw.push(new Uint8Array(f.bytes));
  }
  return j;
}

/**
 * True when every authority of the journal expires before `unixSeconds` (what pruneCAJournals
 * deletes). WIT keys are not inspected: this server never writes them.
 */
export function journalAllExpiredBefore(data: Uint8Array, unixSeconds: number): boolean {
  const j = decodeJournalEntries(data);
  return j.x509CAs.every((e) => e.notAfter <= unixSeconds) && j.jwtKeys.every((e) => e.notAfter <= unixSeconds);
}
