import type { SqlExecutor } from '../driver/sql-driver.js';
import { chunks, placeholders } from './sql-util.js';
import { similarityKey } from './validate.js';
import { selectorsOfEntryRows } from './entry-selectors.js';

/** Ids per IN list. */
const CHUNK = 1000;

/** What a similarity check needs of an entry about to be written. */
export interface SimilarProbe {
  key: string;
  spiffeId: string;
}

/**
 * The entry ID of a stored entry similar to each probe, by the probe's key (docs/spire-schema.md,
 * "Our extras"). A row's `similarity_key` is trusted only when `similarity_revision` equals its
 * `revision_number`: a Go server writes neither, and its updates bump the revision, so any other
 * row (Go-written or Go-updated) is checked from its selectors instead; those rows are found by
 * SPIFFE ID, since a similar entry has the probe's. A stale key that matches a probe is cleared,
 * so the unique index does not refuse the new row for it. Row `exceptRowId` (the entry being
 * updated) is never reported. Runs in the caller's write transaction.
 */
export async function similarEntries(tx: SqlExecutor, probes: readonly SimilarProbe[], exceptRowId = 0): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const keys = new Set(probes.map((p) => p.key));
  const stale: number[] = [];
  for (const part of chunks([...keys], CHUNK)) {
    const rows = await tx.query<{ id: number; entry_id: string; similarity_key: string; revision_number: number; similarity_revision: number | null }>(
      `SELECT id, entry_id, similarity_key, revision_number, similarity_revision FROM registered_entries WHERE similarity_key IN ${placeholders(part.length)}`,
      part,
    );
    for (const r of rows) {
      if (Number(r.id) === exceptRowId) continue;
      if (r.similarity_revision !== null && Number(r.similarity_revision) === Number(r.revision_number)) out.set(r.similarity_key, r.entry_id);
      else stale.push(Number(r.id));
    }
  }
  for (const part of chunks(stale, CHUNK)) await tx.exec(`UPDATE registered_entries SET similarity_key = NULL WHERE id IN ${placeholders(part.length)}`, part);

  const untrusted: { id: number; entry_id: string; spiffe_id: string; parent_id: string }[] = [];
  for (const part of chunks([...new Set(probes.map((p) => p.spiffeId))], CHUNK)) {
    untrusted.push(
      ...(await tx.query<{ id: number; entry_id: string; spiffe_id: string; parent_id: string }>(
        `SELECT id, entry_id, spiffe_id, parent_id FROM registered_entries WHERE spiffe_id IN ${placeholders(part.length)} ` +
          'AND (similarity_key IS NULL OR similarity_revision IS NULL OR similarity_revision <> revision_number)',
        part,
      )),
    );
  }
  const others = untrusted.filter((r) => Number(r.id) !== exceptRowId);
  if (others.length === 0) return out;
  const sels = await selectorsOfEntryRows(tx, others.map((r) => Number(r.id)), CHUNK);
  for (const r of others) {
    const k = similarityKey(r.spiffe_id, r.parent_id, sels.get(Number(r.id)) ?? []);
    if (keys.has(k) && !out.has(k)) out.set(k, r.entry_id);
  }
  return out;
}
