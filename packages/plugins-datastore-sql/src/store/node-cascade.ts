import type { SqlExecutor } from '../driver/sql-driver.js';
import { deleteEntryRows } from './entries.js';
import { addEntryEvents } from './events.js';
import { selectorsOfEntryRows } from './entry-selectors.js';
import { chunks, placeholders } from './sql-util.js';

/**
 * With a join_token agent that is deleted (evicted or pruned), deletes the alias entry that
 * CreateJoinToken made for it, as SPIRE does: an entry parented to the agent whose only selector
 * is `spiffe_id:<agent ID>`. Every other entry parented to the agent is the operator's and is
 * kept. Writes an entry event for each deleted entry. Runs inside the caller's transaction.
 */
export async function deleteJoinTokenAliasEntries(tx: SqlExecutor, agentIds: readonly string[]): Promise<void> {
  for (const part of chunks(agentIds, 500)) {
    const entries = await tx.query<{ id: number; entry_id: string; parent_id: string }>(
      `SELECT id, entry_id, parent_id FROM registered_entries WHERE parent_id IN ${placeholders(part.length)}`,
      part,
    );
    if (entries.length === 0) continue;
    const parentOf = new Map(entries.map((e) => [Number(e.id), e.parent_id]));
    const sels = await selectorsOfEntryRows(tx, [...parentOf.keys()], 500);
    const aliases = entries.filter((e) => {
      const s = sels.get(Number(e.id)) ?? [];
      return s.length === 1 && s[0]!.type === 'spiffe_id' && s[0]!.value === e.parent_id;
    });
    if (aliases.length === 0) continue;
    await deleteEntryRows(
      tx,
      aliases.map((e) => Number(e.id)),
    );
    await addEntryEvents(
      tx,
      aliases.map((e) => e.entry_id),
    );
  }
}
