// The thread behind SQLite read snapshots (see sqlite-snapshot.ts): it opens its own read-only
// connection to the file and, for each snapshot it is lent to, begins a read transaction, answers
// queries, and commits when told to end. The thread outlives its snapshots: the next one reuses it.
// better-sqlite3 is synchronous, so a large scan run here keeps the main thread free meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { bind, prepareShaped } from './sqlite-statements.js';
import type { SnapshotReply, SnapshotRequest, SnapshotWorkerData } from './sqlite-snapshot.js';

const port = parentPort!;
const data = workerData as SnapshotWorkerData;

function fail(err: unknown): { code?: string; message: string } {
  const code = (err as { code?: unknown }).code;
  return { ...(typeof code === 'string' ? { code } : {}), message: err instanceof Error ? err.message : String(err) };
}

let db: Database.Database | undefined;
const statements = new Map<string, Database.Statement>();

port.on('message', (req: SnapshotRequest) => {
  try {
    if (req.kind === 'begin') {
      if (db === undefined) {
        db = new Database(data.filename, { readonly: true, fileMustExist: true });
        db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
        db.pragma('cache_size = -65536');
      }
      db.exec('BEGIN');
      // A deferred transaction takes its snapshot at its first read: take it now, so that the
      // snapshot is the database as it was when the caller asked for it.
      db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').all();
      port.postMessage({ id: req.id, ok: true, rows: [] } satisfies SnapshotReply);
      return;
    }
    if (db === undefined) throw new Error('no read snapshot is open');
    if (req.kind === 'end') {
      try {
        if (db.inTransaction) db.exec('COMMIT');
        // The idle thread keeps its connection, not the pages the scan cached (the OS keeps those).
        db.pragma('shrink_memory');
      } catch {
        // Ending a read transaction cannot lose anything: start over on a fresh connection.
        db.close();
        db = undefined;
        statements.clear();
      }
      port.postMessage({ id: req.id, ok: true, rows: [] } satisfies SnapshotReply);
      return;
    }
    const q = req as Extract<SnapshotRequest, { sql: string }>;
    port.postMessage({ id: q.id, ok: true, rows: prepareShaped(db, statements, q.kind, q.sql).all(...bind(q.params)) as unknown[] } satisfies SnapshotReply);
  } catch (err) {
    if (req.kind === 'begin' && db?.inTransaction) db.exec('ROLLBACK');
    port.postMessage({ id: req.id, ok: false, error: fail(err) } satisfies SnapshotReply);
  }
});
