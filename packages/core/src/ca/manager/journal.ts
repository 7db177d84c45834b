import type { Logger } from '../../log/logger.js';
import type { KeyManager } from '../../plugins/keymanager/contract.js';
import type { CADataStore } from '../ca-datastore.js';
import { hex } from '../x509/certificate.js';
import { subjectKeyId } from '../x509/spki.js';
import { decodeJournalEntries, encodeJournalEntries, type AuthorityStatus, type JWTKeyEntry, type JournalEntries, type X509CAEntry } from './journal-codec.js';

/** Entries kept per authority kind, as SPIRE. */
export const JOURNAL_CAP = 10;

/**
 * The CA journal: every prepared X.509 CA and JWT key with its status, persisted through the
 * DataStore keyed by the active X.509 authority ID. Every change is saved before it returns.
 */
export class Journal {
  private constructor(
    private readonly ds: CADataStore,
    private entries: JournalEntries,
    private id: number,
    private activeX509AuthorityId: string,
  ) {}

  /**
   * Finds this server's journal: the one whose active X.509 authority ID is the subject key ID
   * of one of the KeyManager's keys (as SPIRE). A server with no such record starts empty.
   * Throws when the DataStore fails or the record cannot be decoded.
   */
  static async load(ds: CADataStore, km: KeyManager, log: Logger): Promise<Journal> {
    for (const k of await km.getPublicKeys()) {
      const authorityId = hex(subjectKeyId(k.pkixData));
      const rec = await ds.fetchCAJournal(authorityId);
      if (rec) {
        log.debug({ ca_journal_id: rec.id, local_authority_id: authorityId }, 'Found a CA journal record that matches with a local X509 authority ID');
        let entries: JournalEntries;
        try {
          entries = decodeJournalEntries(rec.data);
        } catch (err) {
          throw new Error(`unable to unmarshal entries from CA journal record: ${(err as Error).message}`);
        }
        return new Journal(ds, entries, rec.id, rec.activeX509AuthorityId);
      }
    }
    log.info('There is not a CA journal record that matches any of the local X509 authority IDs');
    return new Journal(ds, { x509CAs: [], jwtKeys: [], witKeysRaw: [] }, 0, '');
  }

  /** A copy of the entries. */
  getEntries(): JournalEntries {
    return structuredClone(this.entries);
  }

  async appendX509CA(e: X509CAEntry): Promise<void> {
    this.entries.x509CAs.push(e);
    if (this.entries.x509CAs.length > JOURNAL_CAP) this.entries.x509CAs.splice(0, this.entries.x509CAs.length - JOURNAL_CAP);
    await this.save();
  }

  async updateX509CAStatus(authorityId: string, status: AuthorityStatus): Promise<void> {
    const e = this.entries.x509CAs.find((x) => x.authorityId === authorityId);
    if (!e) throw new Error(`no journal entry found for X509 authority ID "${authorityId}"`);
    e.status = status;
    if (status === 'ACTIVE') this.activeX509AuthorityId = authorityId;
    await this.save();
  }

  async appendJWTKey(e: JWTKeyEntry): Promise<void> {
    this.entries.jwtKeys.push(e);
    if (this.entries.jwtKeys.length > JOURNAL_CAP) this.entries.jwtKeys.splice(0, this.entries.jwtKeys.length - JOURNAL_CAP);
    await this.save();
  }

  async updateJWTKeyStatus(authorityId: string, status: AuthorityStatus): Promise<void> {
    const e = this.entries.jwtKeys.find((x) => x.authorityId === authorityId);
    if (!e) throw new Error(`no journal entry found for JWT authority ID "${authorityId}"`);
    e.status = status;
    await this.save();
  }

  private async save(): Promise<void> {
    const rec = await this.ds.setCAJournal({ id: this.id, data: encodeJournalEntries(this.entries), activeX509AuthorityId: this.activeX509AuthorityId });
    this.id = rec.id;
  }
}
