import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { Code, spireError } from '../../errors.js';
import type { Bundle, BundlePublicKey, CAJournal } from '../../plugins/datastore/contract.js';
import type { CADataStore } from '../ca-datastore.js';
import { journalAllExpiredBefore } from '../manager/journal-codec.js';
import { hex, readCertificate } from '../x509/certificate.js';

interface State {
  bundles: Record<string, Bundle>;
  journals: CAJournal[];
  nextJournalId: number;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function toJson(s: State): string {
  return JSON.stringify({
    nextJournalId: s.nextJournalId,
    journals: s.journals.map((j) => ({ ...j, data: b64(j.data) })),
    bundles: Object.fromEntries(
      Object.entries(s.bundles).map(([k, b]) => [
        k,
        {
          ...b,
          rootCas: b.rootCas.map((c) => ({ ...c, derBytes: b64(c.derBytes) })),
          jwtSigningKeys: b.jwtSigningKeys.map((k2) => ({ ...k2, pkixBytes: b64(k2.pkixBytes) })),
        },
      ]),
    ),
  });
}

function fromJson(text: string): State {
  const raw = JSON.parse(text) as {
    nextJournalId: number;
    journals: Array<Omit<CAJournal, 'data'> & { data: string }>;
    bundles: Record<string, Omit<Bundle, 'rootCas' | 'jwtSigningKeys'> & { rootCas: Array<{ derBytes: string; taintedKey: boolean }>; jwtSigningKeys: Array<Omit<BundlePublicKey, 'pkixBytes'> & { pkixBytes: string }> }>;
  };
  return {
    nextJournalId: raw.nextJournalId,
    journals: raw.journals.map((j) => ({ ...j, data: unb64(j.data) })),
    bundles: Object.fromEntries(
      Object.entries(raw.bundles).map(([k, b]) => [
        k,
        {
          ...b,
          rootCas: b.rootCas.map((c) => ({ ...c, derBytes: unb64(c.derBytes) })),
          jwtSigningKeys: b.jwtSigningKeys.map((k2) => ({ ...k2, pkixBytes: unb64(k2.pkixBytes) })),
        },
      ]),
    ),
  };
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * An in-memory fake of exactly the DataStore methods the CA uses, with SPIRE's SQL store
 * semantics (merge on append, sequence number bumps, taint/revoke rules and messages).
 *
 * With `file`, every call reads the whole state from the file and writes it back atomically
 * (temporary file, fsync, rename) before it resolves: each call is all-or-nothing even when the
 * process is killed, which is what the crash test needs from a database.
 */
export class FakeCADataStore implements CADataStore {
  private mem: State = { bundles: {}, journals: [], nextJournalId: 1 };
  /** Counts calls per method, for tests. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly file?: string) {}

  private tx<T>(name: string, fn: (s: State) => T, write: boolean): Promise<T> {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    try {
      const s = this.file ? (existsSync(this.file) ? fromJson(readFileSync(this.file, 'utf8')) : { bundles: {}, journals: [], nextJournalId: 1 }) : structuredClone(this.mem);
      const out = fn(s);
      if (write) {
        if (this.file) {
          const tmp = `${this.file}.tmp`;
          const fd = openSync(tmp, 'w', 0o600);
          writeSync(fd, toJson(s));
          fsyncSync(fd);
          closeSync(fd);
          renameSync(tmp, this.file);
        } else this.mem = s;
      }
      return Promise.resolve(structuredClone(out));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  fetchBundle(td: string): Promise<Bundle | undefined> {
    return this.tx('fetchBundle', (s) => s.bundles[td], false);
  }

  appendBundle(b: Bundle): Promise<Bundle> {
    return this.tx(
      'appendBundle',
      (s) => {
        const cur = s.bundles[b.trustDomainId];
        if (!cur) {
          s.bundles[b.trustDomainId] = structuredClone(b);
          return s.bundles[b.trustDomainId]!;
        }
        let changed = false;
        for (const c of b.rootCas) {
          if (!cur.rootCas.some((x) => same(x.derBytes, c.derBytes))) {
            cur.rootCas.push(structuredClone(c));
            changed = true;
          }
        }
        for (const k of b.jwtSigningKeys) {
          if (!cur.jwtSigningKeys.some((x) => x.kid === k.kid && same(x.pkixBytes, k.pkixBytes))) {
            cur.jwtSigningKeys.push(structuredClone(k));
            changed = true;
          }
        }
        if (changed) cur.sequenceNumber++;
        return cur;
      },
      true,
    );
  }

  pruneBundle(td: string, expiresBefore: number): Promise<boolean> {
    return this.tx(
      'pruneBundle',
      (s) => {
        const cur = s.bundles[td];
        if (!cur) return false;
        const roots = cur.rootCas.filter((c) => Date.parse(new X509Certificate(Buffer.from(c.derBytes)).validTo) / 1000 > expiresBefore);
        if (roots.length === 0 && cur.rootCas.length > 0) throw spireError(Code.UNKNOWN, 'prune failed: would prune all certificates');
        const keys = cur.jwtSigningKeys.filter((k) => k.notAfter === 0 || k.notAfter > expiresBefore);
        const changed = roots.length !== cur.rootCas.length || keys.length !== cur.jwtSigningKeys.length;
        if (changed) {
          cur.rootCas = roots;
          cur.jwtSigningKeys = keys;
          cur.sequenceNumber++;
        }
        return changed;
      },
      true,
    );
  }

  taintX509CA(td: string, ski: string): Promise<void> {
    return this.tx(
      'taintX509CA',
      (s) => {
        const cur = s.bundles[td];
        if (!cur) throw spireError(Code.NOT_FOUND, 'bundle not found');
        let found = false;
        for (const c of cur.rootCas) {
          if (hex(readCertificate(c.derBytes).subjectKeyId) !== ski) continue;
          if (c.taintedKey) throw spireError(Code.INVALID_ARGUMENT, 'root CA is already tainted');
          c.taintedKey = true;
          found = true;
        }
        if (!found) throw spireError(Code.NOT_FOUND, 'no ca found with provided subject key ID');
        cur.sequenceNumber++;
      },
      true,
    );
  }

  revokeX509CA(td: string, ski: string): Promise<void> {
    return this.tx(
      'revokeX509CA',
      (s) => {
        const cur = s.bundles[td];
        if (!cur) throw spireError(Code.NOT_FOUND, 'bundle not found');
        const keep = [];
        let found = false;
        for (const c of cur.rootCas) {
          if (hex(readCertificate(c.derBytes).subjectKeyId) === ski) {
            if (!c.taintedKey) throw spireError(Code.INVALID_ARGUMENT, 'it is not possible to revoke an untainted root CA');
            found = true;
          } else keep.push(c);
        }
        if (!found) throw spireError(Code.NOT_FOUND, 'no root CA found with provided subject key ID');
        cur.rootCas = keep;
        cur.sequenceNumber++;
      },
      true,
    );
  }

  taintJWTKey(td: string, kid: string): Promise<BundlePublicKey> {
    return this.tx(
      'taintJWTKey',
      (s) => {
        const cur = s.bundles[td];
        const k = cur?.jwtSigningKeys.find((x) => x.kid === kid);
        if (!cur || !k) throw spireError(Code.NOT_FOUND, 'no JWT Key found with provided key ID');
        if (k.taintedKey) throw spireError(Code.INVALID_ARGUMENT, 'key is already tainted');
        k.taintedKey = true;
        cur.sequenceNumber++;
        return k;
      },
      true,
    );
  }

  revokeJWTKey(td: string, kid: string): Promise<BundlePublicKey> {
    return this.tx(
      'revokeJWTKey',
      (s) => {
        const cur = s.bundles[td];
        const k = cur?.jwtSigningKeys.find((x) => x.kid === kid);
        if (!cur || !k) throw spireError(Code.NOT_FOUND, 'no JWT Key found with provided key ID');
        if (!k.taintedKey) throw spireError(Code.INVALID_ARGUMENT, 'it is not possible to revoke an untainted key');
        cur.jwtSigningKeys = cur.jwtSigningKeys.filter((x) => x !== k);
        cur.sequenceNumber++;
        return k;
      },
      true,
    );
  }

  setCAJournal(j: CAJournal): Promise<CAJournal> {
    return this.tx(
      'setCAJournal',
      (s) => {
        if (j.id === 0) {
          const created = { ...j, id: s.nextJournalId++ };
          s.journals.push(created);
          return created;
        }
        const i = s.journals.findIndex((x) => x.id === j.id);
        if (i < 0) throw spireError(Code.NOT_FOUND, 'CA journal not found');
        s.journals[i] = { ...j };
        return s.journals[i]!;
      },
      true,
    );
  }

  fetchCAJournal(activeX509AuthorityId: string): Promise<CAJournal | undefined> {
    return this.tx('fetchCAJournal', (s) => s.journals.find((j) => j.activeX509AuthorityId === activeX509AuthorityId), false);
  }

  pruneCAJournals(allCAsExpireBefore: number): Promise<void> {
    return this.tx(
      'pruneCAJournals',
      (s) => {
        s.journals = s.journals.filter((j) => !journalAllExpiredBefore(j.data, allCAsExpireBefore));
      },
      true,
    );
  }

  /** Every journal (tests only). */
  listJournals(): Promise<CAJournal[]> {
    return this.tx('listJournals', (s) => s.journals, false);
  }
}
