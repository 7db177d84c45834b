/**
 * Child process of the crash test: starts the CA manager over a directory and rotates forever,
 * moving its clock one step per rotation, until it is killed.
 */
import { saveClock, startFromDir, STEP_MS } from './crash-harness.js';

const dir = process.argv[2]!;
const start = Number(process.argv[3]);
const { m, clock } = await startFromDir(dir, start);
process.stdout.write('ready\n');
for (;;) {
  clock.add(STEP_MS);
  saveClock(dir, clock);
  await m.rotate();
  await m.pruneBundle().catch(() => undefined);
  await new Promise((r) => setImmediate(r));
}
