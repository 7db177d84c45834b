import { Worker } from 'node:worker_threads';
import { SqlFailure, type Row, type SqlSnapshot } from './sql-driver.js';
import type { RowShape } from './sqlite-statements.js';

/** What the snapshot thread is started with. */
export interface SnapshotWorkerData {
  filename: string;
  busyTimeoutMs: number;
}

/** A message to the snapshot thread. */
export type SnapshotRequest = { kind: RowShape; id: number; sql: string; params: readonly unknown[] } | { kind: 'end' };

/** The thread's answer to request `id` (0: the snapshot is open, or could not be opened). */
export type SnapshotReply =
  | { id: number; ok: true; rows: unknown[] }
  | { id: number; ok: false; error: { code?: string; message: string } };

/**
 * A read snapshot of a SQLite file on a thread of its own: a read-only connection in a read
 * transaction (in WAL mode it sees one snapshot while the driver's connection keeps writing), and
 * queries sent to it as messages. The main thread only pays for the rows it receives; a large scan
 * (the authorized-entries cache load reads every entry and node) no longer stalls it, and two scans
 * run side by side. Rejects with the failure `classify` makes of the thread's error, or
 * 'unavailable' when the thread itself dies.
 */
export async function openWorkerSnapshot(
  data: SnapshotWorkerData,
  classify: (err: unknown) => SqlFailure,
  log: ((sql: string) => void) | undefined,
): Promise<SqlSnapshot> {
  const worker = new Worker(new URL('./sqlite-snapshot-worker.js', import.meta.url), { workerData: data });
  const pending = new Map<number, { resolve: (reply: SnapshotReply & { ok: true }) => void; reject: (err: SqlFailure) => void }>();
  let nextId = 1;
  let ended = false;
  let dead: SqlFailure | undefined;
  const failAll = (err: SqlFailure): void => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const opened = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (m: SnapshotReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m);
    else p.reject(classify(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {})));
  });
  worker.on('error', (err) => failAll(new SqlFailure('unavailable', `the SQLite snapshot thread failed: ${err.message}`, { cause: err })));
  worker.on('exit', () => failAll(new SqlFailure('other', 'the read snapshot has ended')));
  try {
    await opened;
  } catch (err) {
    void worker.terminate();
    throw err;
  }

  const send = (req: Exclude<SnapshotRequest, { kind: 'end' }>): Promise<SnapshotReply & { ok: true }> => {
    if (ended || dead) return Promise.reject(dead ?? new SqlFailure('other', 'the read snapshot has ended'));
    log?.(req.sql);
    return new Promise((resolve, reject) => {
      pending.set(req.id, { resolve, reject });
      worker.postMessage(req);
    });
  };
  const ask = async (kind: RowShape, sql: string, params: readonly unknown[]): Promise<unknown[]> =>
    (await send({ kind, id: nextId++, sql, params })).rows;
  const refuse = (): Promise<never> => Promise.reject(new SqlFailure('other', 'a read snapshot cannot write'));
  return {
    dialect: 'sqlite3',
    exclusive: false,
    queryArrays: (sql, params = []) => ask('arrays', sql, params) as Promise<unknown[][]>,
    queryColumn: (sql, params = []) => ask('column', sql, params),
    query: <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => ask('objects', sql, params) as Promise<R[]>,
    exec: refuse,
    insert: refuse,
    insertMany: refuse,
    end: async () => {
      if (ended) return;
      ended = true;
      if (dead) return;
      // Queries already sent are answered first; the thread then commits, closes and exits.
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'end' } satisfies SnapshotRequest);
      await exited;
    },
  };
}
