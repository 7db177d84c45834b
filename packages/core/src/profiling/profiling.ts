import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { DEBUG_HOST, startDebugServer, type DebugServer } from './debug-server.js';
import { startPeriodicDumps, type PeriodicDumps } from './periodic-dumps.js';

/** server.conf's profiling keys, as parsed. */
export interface ProfilingOptions {
  /** `profiling_enabled`: the switch for everything below. */
  enabled: boolean;
  /** `profiling_port`: the debug server's port on 127.0.0.1; 0 means no debug server. */
  port: number;
  /** `profiling_freq`: seconds between periodic dumps; 0 means none. */
  freq: number;
  /** `profiling_names`: the profiles each periodic dump writes. */
  names: readonly string[];
}

/** What {@link startProfiling} needs besides the options. */
export interface ProfilingDeps {
  log: Logger;
  /** Where periodic dumps go; default `.profiles` below the working directory (tests). */
  dumpDir?: string;
}

/** Running profiling (possibly nothing). */
export interface Profiling {
  /** The debug server's port, when one is serving. */
  readonly port?: number;
  /** The periodic dumps, when they run. */
  readonly dumps?: PeriodicDumps;
  /** Stops the debug server and the dumps. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The keys among port, freq and names that are set but do nothing with these options: all three
 * without `profiling_enabled` (upstream ignores them then too), `profiling_names` without a
 * `profiling_freq`.
 */
export function idleProfilingKeys(o: ProfilingOptions): string[] {
  const keys: string[] = [];
  if (!o.enabled && o.port > 0) keys.push('profiling_port');
  if (!o.enabled && o.freq > 0) keys.push('profiling_freq');
  if ((!o.enabled || o.freq === 0) && o.names.length > 0) keys.push('profiling_names');
  return keys;
}

/**
 * Starts what the profiling keys ask for, as upstream's server does: with `profiling_enabled`, a
 * debug server on 127.0.0.1:`port` when port > 0 and periodic dumps when freq > 0. Keys that have
 * no effect are named in a warning. Neither part failing stops the server: a port that cannot be
 * listened on and dumps that cannot run are logged as warnings. Never rejects.
 */
export async function startProfiling(opts: ProfilingOptions, deps: ProfilingDeps): Promise<Profiling> {
  const { log } = deps;
  const idle = idleProfilingKeys(opts);
  if (idle.length > 0) {
    const why = opts.enabled ? 'profiling_freq is 0' : 'profiling_enabled is false';
    log.warn({ keys: idle.join(',') }, `Profiling settings have no effect: ${why}`);
  }
  if (!opts.enabled) return { stop: async () => {} };
  if (opts.port === 0 && opts.freq === 0) log.warn('Profiling is enabled, but neither profiling_port nor profiling_freq is set; nothing is profiled');

  let server: DebugServer | undefined;
  if (opts.port > 0) {
    try {
      server = await startDebugServer(opts.port, log);
      log.warn(
        { address: `${DEBUG_HOST}:${server.port}` },
        'Serving profiling endpoints; /debug/pprof/heap returns heap snapshots that hold private key material, to anyone who can connect to this address',
      );
    } catch (err) {
      log.warn({ address: `${DEBUG_HOST}:${opts.port}`, error: errorMessage(err) }, 'Unable to serve profiling server');
    }
  }
  const dumps = opts.freq > 0 ? await startPeriodicDumps({ freqSeconds: opts.freq, names: opts.names, dir: deps.dumpDir, log }) : undefined;
  let stopping: Promise<void> | undefined;
  return {
    port: server?.port,
    dumps,
    stop: () => (stopping ??= Promise.all([server?.close(), dumps?.stop()]).then(() => {})),
  };
}
