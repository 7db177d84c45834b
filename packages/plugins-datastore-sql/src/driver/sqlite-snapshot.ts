import { Worker } from 'node:worker_threads';
import { SqlFailure, type Row, type SqlSnapshot } from './sql-driver.js';
import type { RowShape } from './sqlite-statements.js';

/** What a snapshot thread is started with. */
export interface SnapshotWorkerData {
  filename: string;
  busyTimeoutMs: number;
}

/** A message to a snapshot thread: begin a snapshot, run a query in it, or end it. */
export type SnapshotRequest = { kind: RowShape; id: number; sql: string; params: readonly unknown[] } | { kind: 'begin' | 'end'; id: number };

/** The thread's answer to request `id`. */
export type SnapshotReply =
  | { id: number; ok: true; rows: unknown[] }
  | { id: number; ok: false; error: { code?: string; message: string } };

/** How many idle snapshot threads are kept (a full cache load runs two snapshots at once). */
export const IDLE_SNAPSHOT_THREADS = 2;

/** One thread and its requests in flight. */
class SnapshotThread {
  readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: SqlFailure) => void }>();
  private nextId = 1;
  /** Set once the thread has failed or exited: it takes no more requests. */
  dead: SqlFailure | undefined;

  constructor(data: SnapshotWorkerData, classify: (err: unknown) => SqlFailure, onGone: (t: SnapshotThread) => void) {
    this.worker = new Worker(new URL('./sqlite-snapshot-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: SnapshotReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.rows);
      else p.reject(classify(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {})));
    });
    const failAll = (err: SqlFailure): void => {
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onGone(this);
    };
    this.worker.on('error', (err) => failAll(new SqlFailure('unavailable', `the SQLite snapshot thread failed: ${err.message}`, { cause: err })));
    this.worker.on('exit', () => failAll(new SqlFailure('other', 'the read snapshot has ended')));
  }

  /** Sends one request and resolves with its rows; rejects with the thread's failure. */
  ask(req: { kind: RowShape; sql: string; params: readonly unknown[] } | { kind: 'begin' | 'end' }): Promise<unknown[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id } as SnapshotRequest);
    });
  }
}

/**
 * Read snapshots of a SQLite file, each on a thread of its own: a read-only connection in a read
 * transaction (in WAL mode it sees one snapshot while the driver's connection keeps writing), and
 * queries sent to it as messages. The main thread only pays for the rows it receives; a large scan
 * (the authorized-entries cache load reads every entry and node) does not stall it, and two scans
 * run side by side. A thread is kept when its snapshot ends (up to `IDLE_SNAPSHOT_THREADS` idle,
 * not keeping the process alive) and lent to the next snapshot: starting a thread costs far more
 * CPU than the periodic cache reload's queries, and it used to be paid twice every reload.
 */
export class SnapshotThreads {
  private readonly idle: SnapshotThread[] = [];
  private closed = false;

  constructor(
    private readonly data: SnapshotWorkerData,
    private readonly classify: (err: unknown) => SqlFailure,
    private readonly log: ((sql: string) => void) | undefined,
  ) {}

  /** Idle threads kept now (for tests). */
  get idleCount(): number {
    return this.idle.length;
  }

  /**
   * Opens a snapshot on an idle thread (or a new one). Rejects with the failure `classify` makes
   * of the thread's error, or 'unavailable' when the thread itself dies or the threads are closed.
   */
  async open(): Promise<SqlSnapshot> {
    if (this.closed) throw new SqlFailure('unavailable', 'the database connection is closed');
    const thread = this.idle.pop() ?? new SnapshotThread(this.data, this.classify, (t) => this.drop(t));
    thread.worker.ref();
    try {
      await thread.ask({ kind: 'begin' });
    } catch (err) {
      void thread.worker.terminate();
      throw err;
    }
    let ended = false;
    const ask = (kind: RowShape, sql: string, params: readonly unknown[]): Promise<unknown[]> => {
      if (ended) return Promise.reject(new SqlFailure('other', 'the read snapshot has ended'));
      this.log?.(sql);
      return thread.ask({ kind, sql, params });
    };
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
        if (thread.dead) return;
        // Queries already sent are answered first; the thread then commits and waits for the next.
        try {
          await thread.ask({ kind: 'end' });
        } catch {
          void thread.worker.terminate();
          return;
        }
        this.release(thread);
      },
    };
  }

  /** Ends every idle thread; snapshots still open end their threads when they end. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((t) => t.worker.terminate()));
  }

  private release(thread: SnapshotThread): void {
    if (this.closed || thread.dead || this.idle.length >= IDLE_SNAPSHOT_THREADS) {
      void thread.worker.terminate();
      return;
    }
    thread.worker.unref();
    this.idle.push(thread);
  }

  private drop(thread: SnapshotThread): void {
    const i = this.idle.indexOf(thread);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
