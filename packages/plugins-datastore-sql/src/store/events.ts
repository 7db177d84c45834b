import { DATASTORE_MAX_PAGE_SIZE, type EntryEvent, type EventIdSpacing, type ListEventsRequest, type NodeEvent } from '@spire-ts/core/plugin';
import type { SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { chunks, dbTimeMs, placeholders } from './sql-util.js';

/** Most event IDs in one `IN (...)` list: the DataStore's page size, far below every dialect's parameter limit. */
const EVENT_ID_CHUNK = DATASTORE_MAX_PAGE_SIZE;

// As upstream writes them: one row per change with GORM's created_at/updated_at, in the
// transaction of the change, so Go and TypeScript servers' event caches follow each other.
async function addEvents(tx: SqlExecutor, table: string, column: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const now = dbTimeMs(tx.dialect, Date.now());
  await tx.insertMany(
    table,
    [column, 'created_at', 'updated_at'],
    keys.map((k) => [k, now, now]),
  );
}

/** Records that these entries changed; called inside the transaction that changed them. */
export function addEntryEvents(tx: SqlExecutor, entryIds: readonly string[]): Promise<void> {
  return addEvents(tx, 'registered_entries_events', 'entry_id', entryIds);
}

/** Records that these nodes changed; called inside the transaction that changed them. */
export function addNodeEvents(tx: SqlExecutor, spiffeIds: readonly string[]): Promise<void> {
  return addEvents(tx, 'attested_node_entries_events', 'spiffe_id', spiffeIds);
}

function bounds(req: ListEventsRequest): { where: string; params: unknown[] } {
  const gt = req?.greaterThanEventId ?? 0;
  const lt = req?.lessThanEventId ?? 0;
  if (gt > 0 && lt > 0) throw SqlErrors.bothEventBounds();
  if (gt > 0) return { where: ' WHERE id > ?', params: [gt] };
  if (lt > 0) return { where: ' WHERE id < ?', params: [lt] };
  return { where: '', params: [] };
}

/** Entry events in ID order. */
export async function listEntryEvents(db: SqlExecutor, req: ListEventsRequest): Promise<EntryEvent[]> {
  const { where, params } = bounds(req);
  const rows = await db.query<{ id: number; entry_id: string }>(`SELECT id, entry_id FROM registered_entries_events${where} ORDER BY id`, params);
  return rows.map((r) => ({ eventId: Number(r.id), entryId: r.entry_id }));
}

/** Node events in ID order. */
export async function listNodeEvents(db: SqlExecutor, req: ListEventsRequest): Promise<NodeEvent[]> {
  const { where, params } = bounds(req);
  const rows = await db.query<{ id: number; spiffe_id: string }>(`SELECT id, spiffe_id FROM attested_node_entries_events${where} ORDER BY id`, params);
  return rows.map((r) => ({ eventId: Number(r.id), spiffeId: r.spiffe_id }));
}

/** One entry event, or undefined. */
export async function fetchEntryEvent(db: SqlExecutor, eventId: number): Promise<EntryEvent | undefined> {
  const rows = await db.query<{ id: number; entry_id: string }>('SELECT id, entry_id FROM registered_entries_events WHERE id = ?', [eventId]);
  return rows[0] ? { eventId: Number(rows[0].id), entryId: rows[0].entry_id } : undefined;
}

/** One node event, or undefined. */
export async function fetchNodeEvent(db: SqlExecutor, eventId: number): Promise<NodeEvent | undefined> {
  const rows = await db.query<{ id: number; spiffe_id: string }>('SELECT id, spiffe_id FROM attested_node_entries_events WHERE id = ?', [eventId]);
  return rows[0] ? { eventId: Number(rows[0].id), spiffeId: rows[0].spiffe_id } : undefined;
}

/** The rows of `table` among `eventIds`, in ID order: one statement per EVENT_ID_CHUNK IDs. */
async function eventsByIds<R extends { id: number }>(db: SqlExecutor, table: string, column: string, eventIds: readonly number[]): Promise<R[]> {
  const wanted = [...new Set(eventIds)].sort((x, y) => x - y);
  const out: R[] = [];
  for (const part of chunks(wanted, EVENT_ID_CHUNK)) {
    out.push(...(await db.query<R>(`SELECT id, ${column} FROM ${table} WHERE id IN ${placeholders(part.length)} ORDER BY id`, part)));
  }
  return out;
}

/** The entry events among `eventIds`, in ID order. */
export async function fetchEntryEvents(db: SqlExecutor, eventIds: readonly number[]): Promise<EntryEvent[]> {
  const rows = await eventsByIds<{ id: number; entry_id: string }>(db, 'registered_entries_events', 'entry_id', eventIds);
  return rows.map((r) => ({ eventId: Number(r.id), entryId: r.entry_id }));
}

/** The node events among `eventIds`, in ID order. */
export async function fetchNodeEvents(db: SqlExecutor, eventIds: readonly number[]): Promise<NodeEvent[]> {
  const rows = await eventsByIds<{ id: number; spiffe_id: string }>(db, 'attested_node_entries_events', 'spiffe_id', eventIds);
  return rows.map((r) => ({ eventId: Number(r.id), spiffeId: r.spiffe_id }));
}

/**
 * How the connection assigns auto-increment IDs: MySQL's session `auto_increment_increment` and
 * `auto_increment_offset` (an offset above the increment is ignored by MySQL, so it reads as 1);
 * PostgreSQL's sequences and SQLite's rowids step by one.
 */
export async function eventIdSpacing(db: SqlExecutor): Promise<EventIdSpacing> {
  if (db.dialect !== 'mysql') return { increment: 1, offset: 1 };
  const [row] = await db.query<{ inc: unknown; off: unknown }>('SELECT @@auto_increment_increment AS inc, @@auto_increment_offset AS off');
  const increment = Math.max(1, Number(row?.inc ?? 1));
  const offset = Number(row?.off ?? 1);
  return { increment, offset: offset >= 1 && offset <= increment ? offset : 1 };
}

/** Deletes events of `table` older than `olderThanMs`. */
export async function pruneEvents(db: SqlExecutor, kind: 'entry' | 'node', olderThanMs: number): Promise<void> {
  const table = kind === 'entry' ? 'registered_entries_events' : 'attested_node_entries_events';
  await db.exec(`DELETE FROM ${table} WHERE created_at < ?`, [dbTimeMs(db.dialect, Date.now() - olderThanMs)]);
}
