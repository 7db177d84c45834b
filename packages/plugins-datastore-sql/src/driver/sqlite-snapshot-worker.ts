// The thread behind a SQLite read snapshot (see sqlite-snapshot.ts): it opens its own read-only
// connection to the file, begins a read transaction, and answers queries until told to end.
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
try {
  db = new Database(data.filename, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
  db.pragma('cache_size = -65536');
  db.exec('BEGIN');
  // A deferred transaction takes its snapshot at its first read: take it now, so that the
  // snapshot is the database as it was when the caller asked for it.
  db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').all();
  port.postMessage({ id: 0, ok: true, rows: [] } satisfies SnapshotReply);
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: fail(err) } satisfies SnapshotReply);
  db?.close();
  db = undefined;
  port.close();
}

const statements = new Map<string, Database.Statement>();

port.on('message', (req: SnapshotRequest) => {
  if (db === undefined) return;
  if (req.kind === 'end') {
    try {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    } catch {
      // Ending a read transaction cannot lose anything; the thread ends either way.
    }
    db = undefined;
    port.close();
    return;
  }
  try {
    port.postMessage({ id: req.id, ok: true, rows: prepareShaped(db, statements, req.kind, req.sql).all(...bind(req.params)) as unknown[] } satisfies SnapshotReply);
  } catch (err) {
    port.postMessage({ id: req.id, ok: false, error: fail(err) } satisfies SnapshotReply);
  }
});
