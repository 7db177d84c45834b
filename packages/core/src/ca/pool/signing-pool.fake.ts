import { runSigningTask, type SigningTask } from './signing-tasks.js';
import type { SigningPool } from './signing-pool.js';

/**
 * A SigningPool that runs tasks on the calling thread, for unit tests only. It records every task
 * so tests can check batching (one task per batch).
 */
export class InlineSigningPool implements SigningPool {
  readonly threads = 1;
  readonly tasks: SigningTask[] = [];
  closed = false;

  run<K extends SigningTask['kind']>(task: Extract<SigningTask, { kind: K }>): Promise<never> {
    if (this.closed) return Promise.reject(new Error('pool closed'));
    this.tasks.push(task);
    try {
      return Promise.resolve(runSigningTask(task) as never);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
