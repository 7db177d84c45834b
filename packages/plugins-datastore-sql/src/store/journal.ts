import type { CAJournal } from '@spire-ts/core/plugin';
import type { SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { journalLatestNotAfter } from '../proto/spire-messages.js';
import { dbTimeMs } from './sql-util.js';
import { checkString, checkTime, LIMITS } from './validate.js';

interface JournalRow {
  id: number;
  data: Uint8Array;
  active_x509_authority_id: string;
  expires_at_unix: number | null;
  [k: string]: unknown;
}

function toJournal(r: JournalRow): CAJournal {
  const j: CAJournal = { id: Number(r.id), data: new Uint8Array(r.data), activeX509AuthorityId: r.active_x509_authority_id };
  if (r.expires_at_unix !== null && Number(r.expires_at_unix) !== 0) j.expiresAt = Number(r.expires_at_unix);
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
    const now = dbTimeMs(tx.dialect, Date.now());
    // active_jwt_authority_id is written '' as by upstream's current code (it never sets it).
    if (id === 0) {
      id = await tx.insert(
        'INSERT INTO ca_journals (created_at, updated_at, data, active_x509_authority_id, active_jwt_authority_id, expires_at_unix) VALUES (?, ?, ?, ?, ?, ?)',
        [now, now, data, active, '', expiresAt || null],
      );
    } else {
      const n = await tx.query('SELECT id FROM ca_journals WHERE id = ?', [id]);
      if (n.length === 0) throw SqlErrors.journalNotFound(id);
      await tx.exec('UPDATE ca_journals SET updated_at = ?, data = ?, active_x509_authority_id = ?, expires_at_unix = ? WHERE id = ?', [
        now,
        data,
        active,
        expiresAt || null,
        id,
      ]);
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
    'SELECT id, data, active_x509_authority_id, expires_at_unix FROM ca_journals WHERE active_x509_authority_id = ? ORDER BY id DESC',
    [activeX509AuthorityId],
  );
  return rows[0] ? toJournal(rows[0]) : undefined;
}

/**
 * Deletes journals whose every authority expired before the time: by `expires_at_unix` where this
 * server recorded it, otherwise (a journal Go SPIRE wrote) by the latest `not_after` in the
 * journal itself, as upstream prunes. A journal that does not decode is kept.
 */
export function pruneCAJournals(db: SqlDriver, allCAsExpireBefore: number): Promise<void> {
  return db.transaction((tx) => pruneCAJournalsTx(tx, allCAsExpireBefore));
}

async function pruneCAJournalsTx(db: SqlExecutor, allCAsExpireBefore: number): Promise<void> {
  await db.exec('DELETE FROM ca_journals WHERE expires_at_unix IS NOT NULL AND expires_at_unix <> 0 AND expires_at_unix < ?', [allCAsExpireBefore]);
  const foreign = await db.query<{ id: number; data: Uint8Array }>('SELECT id, data FROM ca_journals WHERE expires_at_unix IS NULL');
  for (const r of foreign) {
    let latest: number | undefined;
    try {
      latest = journalLatestNotAfter(r.data ?? new Uint8Array(0));
    } catch {
      continue;
    }
    if ((latest ?? 0) <= allCAsExpireBefore) await db.exec('DELETE FROM ca_journals WHERE id = ?', [r.id]);
  }
}
