import type { Selector } from '@spire-ts/core/plugin';
import type { SqlExecutor } from '../driver/sql-driver.js';
import { chunks, placeholders } from './sql-util.js';

/** The selectors of the entries with these row ids, by row id (read a chunk of ids at a time). */
export async function selectorsOfEntryRows(tx: SqlExecutor, rowIds: readonly number[], chunkSize = 1000): Promise<Map<number, Selector[]>> {
  const sels = new Map<number, Selector[]>();
  for (const part of chunks([...rowIds], chunkSize)) {
    const rows = await tx.query<{ registered_entry_id: number; type: string; value: string }>(
      `SELECT registered_entry_id, type, value FROM selectors WHERE registered_entry_id IN ${placeholders(part.length)}`,
      part,
    );
    for (const r of rows) {
      const id = Number(r.registered_entry_id);
      let l = sels.get(id);
      if (!l) sels.set(id, (l = []));
      // A (type, value) pair counts once, whatever the rows say.
      if (!l.some((s) => s.type === r.type && s.value === r.value)) l.push({ type: r.type, value: r.value });
    }
  }
  return sels;
}
