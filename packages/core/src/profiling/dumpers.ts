import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getHeapSnapshot } from 'node:v8';
import { CpuProfiler } from './cpu-profiler.js';
import { EventLoopDelay, goroutineReport, threadReport } from './reports.js';

/** Every name `profiling_names` accepts, as upstream lists them. */
export const PROFILE_NAMES: readonly string[] = ['goroutine', 'threadcreate', 'heap', 'block', 'mutex', 'trace', 'cpu'];

/** Why `trace` is not dumped: Node's trace events cannot be written to a file of our choosing. */
export const TRACE_UNSUPPORTED =
  "Node's trace events go to a file named by the --trace-event-file-pattern flag, not by the server; run node with --trace-event-categories instead";

/** Writes one profile per tick into a file it is given. */
export interface Dumper {
  /** The file extension, without the dot. */
  readonly ext: string;
  /** Called once before the first tick; a dumper that fails here is dropped. */
  prepare?(): Promise<void>;
  /** Writes this tick's profile to `file` (created or truncated, mode 0600). */
  dump(file: string): Promise<void>;
  /** Called once when dumping stops. Safe to call after a failed prepare. */
  release?(): void;
}

/**
 * Writes `data` to `file`, readable by its owner only: profiles (heap snapshots above all) hold
 * what the process holds, private keys included. An existing file is truncated and re-moded.
 */
export async function writePrivateFile(file: string, data: string | Readable): Promise<void> {
  const fh = await open(file, 'w', 0o600);
  if (typeof data !== 'string') {
    // The stream closes the file when it finishes or fails.
    const out = fh.createWriteStream();
    await fh.chmod(0o600).catch((err: unknown) => {
      out.destroy();
      data.destroy();
      throw err;
    });
    return pipeline(data, out);
  }
  try {
    await fh.chmod(0o600);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

function jsonDumper(build: () => unknown): Dumper {
  return { ext: 'json', dump: (file) => writePrivateFile(file, JSON.stringify(build())) };
}

/** Event-loop delay since the previous tick (the histogram restarts on every dump). */
function eventLoopDumper(name: string): Dumper {
  let delay: EventLoopDelay | undefined;
  return {
    ext: 'json',
    prepare: async () => {
      delay = new EventLoopDelay();
    },
    dump: (file) => writePrivateFile(file, JSON.stringify(delay!.report(name, { reset: true }))),
    release: () => delay?.close(),
  };
}

/** Continuous, as upstream's: each tick stops the running profile, writes it and starts anew. */
function cpuDumper(): Dumper {
  const profiler = new CpuProfiler();
  return {
    ext: 'cpuprofile',
    prepare: () => profiler.start(),
    dump: async (file) => {
      const profile = await profiler.stop();
      await profiler.start();
      await writePrivateFile(file, JSON.stringify(profile));
    },
    release: () => profiler.discard(),
  };
}

/**
 * A fresh dumper for a `profiling_names` entry, or why that profile is not dumped (`trace`, or a
 * name that is not a profile).
 */
export function createDumper(name: string): Dumper | { unsupported: string } {
  switch (name) {
    case 'goroutine':
      return jsonDumper(goroutineReport);
    case 'threadcreate':
      return jsonDumper(threadReport);
    case 'block':
    case 'mutex':
      return eventLoopDumper(name);
    // A heap snapshot starts with a full garbage collection, as upstream's heap dump does.
    case 'heap':
      return { ext: 'heapsnapshot', dump: (file) => writePrivateFile(file, getHeapSnapshot()) };
    case 'cpu':
      return cpuDumper();
    case 'trace':
      return { unsupported: TRACE_UNSUPPORTED };
    default:
      return { unsupported: `unknown profile; must be one of ${PROFILE_NAMES.join(', ')}` };
  }
}
