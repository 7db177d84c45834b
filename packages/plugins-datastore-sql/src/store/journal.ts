import type { CAJournal } from '@spire-ts/core/plugin';
import type { SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { checkString, checkTime, LIMITS } from './validate.js';

interface JournalRow {
  id: number;
  data: Uint8Array;
  active_x509_authority_id: string;
  expires_at: number;
  [k: string]: unknown;
}

function toJournal(r: JournalRow): CAJournal {
  const j: CAJournal = { id: Number(r.id), data: new Uint8Array(r.data), activeX509AuthorityId: r.active_x509_authority_id };
  if (Number(r.expires_at) !== 0) j.expiresAt = Number(r.expires_at);
  return j;
}

/** Creates (id 0) or replaces a journal. */
export function setCAJournal(db: SqlDriver, j: CAJournal): Promise<CAJournal> {
  if (typeof j !== 'object' || j === null) throw SqlErrors.caJournalRequired();
  if (!(j.data instanceof Uint8Array)) throw SqlErrors.malformed('data', 'not bytes');
  const active = checkString('active_x509_authority_id', j.activeX509AuthorityId, LIMITS.short);
  const expiresAt = checkTime('expires_at', j.expiresAt);
  const data = Buffer.from(j.data);
  return db.transaction(async (tx) => {
    let id = Number(j.id ?? 0);
    if (id === 0) {
      id = await tx.insert('INSERT INTO ca_journals (data, active_x509_authority_id, expires_at) VALUES (?, ?, ?)', [data, active, expiresAt]);
    } else {
      const n = await tx.query('SELECT id FROM ca_journals WHERE id = ?', [id]);
      if (n.length === 0) throw SqlErrors.journalNotFound(id);
      await tx.exec('UPDATE ca_journals SET data = ?, active_x509_authority_id = ?, expires_at = ? WHERE id = ?', [data, active, expiresAt, id]);
    }
    const out: CAJournal = { id, data: new Uint8Array(data), activeX509AuthorityId: active };
    if (expiresAt !== 0) out.expiresAt = expiresAt;
    return out;
  });
}

/** The journal of the active authority, or undefined. */
export async function fetchCAJournal(db: SqlExecutor, activeX509AuthorityId: string): Promise<CAJournal | undefined> {
  if (!activeX509AuthorityId) throw SqlErrors.activeAuthorityIdRequired();
  const rows = await db.query<JournalRow>(
    'SELECT id, data, active_x509_authority_id, expires_at FROM ca_journals WHERE active_x509_authority_id = ? ORDER BY id DESC',
    [activeX509AuthorityId],
  );
  return rows[0] ? toJournal(rows[0]) : undefined;
}

/** Deletes journals whose every authority expired before the time. */
export async function pruneCAJournals(db: SqlExecutor, allCAsExpireBefore: number): Promise<void> {
  await db.exec('DELETE FROM ca_journals WHERE expires_at <> 0 AND expires_at < ?', [allCAsExpireBefore]);
}
