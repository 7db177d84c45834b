import { move } from 'piscina';
import { runSigningTask, type SigningTask, type X509Outcome } from './signing-tasks.js';
import { pack } from './packing.js';

/** The piscina worker entry: one task in, its results out as one transferred buffer. */
export default function signingWorker(task: SigningTask): unknown {
  const res = runSigningTask(task);
  const packed =
    task.kind === 'x509'
      ? pack((res as X509Outcome[]).map((o) => ('der' in o ? o.der : o)))
      : pack(res as Uint8Array[]);
  return move(packed);
}
