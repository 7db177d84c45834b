import { runSigningTask, type SigningTask } from './signing-tasks.js';

/** The piscina worker entry: one task in, its results out. */
export default function signingWorker(task: SigningTask): unknown {
  return runSigningTask(task);
}
