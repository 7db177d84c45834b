/**
 * The CA journal's stored form: protobuf `Entries` with the field numbers of SPIRE's private
 * server journal message (proto/spirets/ca/journal/journal.proto), so a database written by the
 * Go server keeps its CA history here and the other way round. Times are Unix seconds. WIT key
 * entries (field 3) are not used by this server but are kept byte for byte.
 */
import type { Options } from '@grpc/proto-loader';
import type { Entries, Entries__Output } from '../../proto/gen/journal/spirets/ca/journal/Entries.js';
import type { Status__Output } from '../../proto/gen/journal/spirets/ca/journal/Status.js';
import { MessageCodec } from '../../proto/message-codec.js';
import { protoSet } from '../../proto/sets.js';

/** How journal messages look in JS: camelCase fields, 64-bit times as numbers, statuses by name. */
export const JOURNAL_LOADER_OPTIONS: Options = protoSet('journal').options;

/** A generated message type with its bytes fields as plain Uint8Arrays, as this module hands them out. */
type PlainBytes<T> = T extends Buffer ? Uint8Array : T extends readonly (infer U)[] ? PlainBytes<U>[] : T extends object ? { [K in keyof T]: PlainBytes<T[K]> } : T;

/** Journal status of an authority. */
export type AuthorityStatus = Status__Output;

/** The stored journal: X.509 CAs, JWT keys and the raw encoded WIT key entries, kept untouched. */
export type JournalEntries = PlainBytes<Entries__Output>;

/** One X.509 CA of the journal. */
export type X509CAEntry = JournalEntries['x509CAs'][number];

/** One JWT key of the journal. */
export type JWTKeyEntry = JournalEntries['jwtKeys'][number];

const codec = new MessageCodec<Entries, Entries__Output>('spirets/ca/journal/journal.proto', 'spirets.ca.journal.Entries', JOURNAL_LOADER_OPTIONS);

/** Encodes journal entries (protobuf, SPIRE's field numbers; fields at their default left out, as Go writes them). */
export function encodeJournalEntries(j: JournalEntries): Uint8Array {
  return codec.encode(j);
}

/** A copy that does not share memory with the record it was decoded from. */
const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);
/** A status number this server does not know reads as UNKNOWN. */
const status = (s: AuthorityStatus | number): AuthorityStatus => (typeof s === 'number' ? 'UNKNOWN' : s);

/**
 * Decodes journal entries. Throws an Error on malformed data (`truncated journal` when it ends
 * inside a field). The SQL DataStore uses this in pruneCAJournals to read each journal's
 * authority expiries (entries' `notAfter`).
 */
export function decodeJournalEntries(data: Uint8Array): JournalEntries {
  let j: Entries__Output;
  try {
    j = codec.decode(data);
  } catch (err) {
    throw err instanceof RangeError ? new Error('truncated journal') : err;
  }
  return {
    x509CAs: j.x509CAs.map((e) => ({ ...e, certificate: copy(e.certificate), upstreamChain: e.upstreamChain.map(copy), status: status(e.status) })),
    jwtKeys: j.jwtKeys.map((e) => ({ ...e, publicKey: copy(e.publicKey), status: status(e.status) })),
    witKeysRaw: j.witKeysRaw.map(copy),
  };
}

/**
 * True when every authority of the journal expires before `unixSeconds` (what pruneCAJournals
 * deletes). WIT keys are not inspected: this server never writes them.
 */
export function journalAllExpiredBefore(data: Uint8Array, unixSeconds: number): boolean {
  const j = decodeJournalEntries(data);
  return j.x509CAs.every((e) => e.notAfter <= unixSeconds) && j.jwtKeys.every((e) => e.notAfter <= unixSeconds);
}
