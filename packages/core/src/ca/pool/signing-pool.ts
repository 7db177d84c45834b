import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SigningResults, SigningTask } from './signing-tasks.js';

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
  });
  let closed = false;
  return {
    threads,
    run: (task) => piscina.run(task) as never,
    async close() {
      if (closed) return;
      closed = true;
      await piscina.destroy();
    },
  };
}
