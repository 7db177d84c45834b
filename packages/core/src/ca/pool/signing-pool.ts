import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SigningResults, SigningTask } from './signing-tasks.js';
import { toX509Outcomes, unpack } from './packing.js';

/**
 * The narrow interface the CA uses to reach its signing worker threads. Private-key operations of
 * in-process keys happen only behind it.
 */
export interface SigningPool {
  /** Runs one batch task on a worker. Rejects when the worker fails. */
  run<K extends SigningTask['kind']>(task: Extract<SigningTask, { kind: K }>): Promise<SigningResults[K]>;
  /** Number of worker threads (for batch sizing). */
  readonly threads: number;
  /** Stops the workers. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of the piscina-backed pool. */
export interface PiscinaPoolOptions {
  /** Worker threads; default: every core. */
  threads?: number;
}

/** A SigningPool on piscina worker threads. */
export function createSigningPool(opts: PiscinaPoolOptions = {}): SigningPool {
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  const piscina = new Piscina({
    filename: new URL('./signing-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // A second task waits in each worker's own queue, so a worker that finishes a batch starts the
    // next at once instead of idling until the main thread has handled the result and posted more.
    concurrentTasksPerWorker: 2,
  });
  let closed = false;
  return {
    threads,
    run: async (task) => {
      const items = unpack((await piscina.run(task)) as Uint8Array);
      return (task.kind === 'x509' ? toX509Outcomes(items) : items) as never;
    },
    async close() {
      if (closed) return;
      closed = true;
      await piscina.destroy();
    },
  };
}
