// The primitive limit every signing bench compares against: raw ECDSA P-256 verify+sign with
// node:crypto, one worker thread per core (raw-ecdsa-worker.mjs), as fast as it goes. Shared by
// bench/signing/run.mjs (in-process CA) and bench/api-signing/run.mjs (the real server's API).
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync } from 'node:crypto';

/**
 * Runs `fn` (which resolves with a count) and measures it by wall clock and by this process's
 * CPU time (all threads). Wall-clock rates suffer when other processes share the cores; the rate
 * per CPU-second does not.
 */
export async function measured(fn) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const count = await fn();
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  return { count, wall, cpuSec, rate: count / wall, perCpu: count / cpuSec };
}

/**
 * Verify+sign operations done by `threads` workers in `durationMs`. `mode` "same" verifies with
 * one imported public key (the textbook rate); "fresh" imports a different key for each verify.
 */
export async function rawBaseline({ threads, durationMs, mode = 'same' }) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const workerData = { pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }), durationMs, mode };
  const url = new URL('./raw-ecdsa-worker.mjs', import.meta.url);
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(url, { workerData });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}
