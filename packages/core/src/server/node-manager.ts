import type { Logger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import { countCall, NOOP_METRICS, type Metrics } from '../telemetry/index.js';
import { PeriodicTask, type Ticker } from './periodic-task.js';

/** SPIRE's node manager runs about hourly... */
export const NODE_PRUNE_BASE_INTERVAL_MS = 60 * 60_000;
/** ...give or take up to a quarter of an hour, so servers sharing a database spread out. */
export const NODE_PRUNE_MAX_JITTER_MS = 15 * 60_000;

/**
 * A node-prune interval as SPIRE picks one per server start: an hour plus a jitter drawn
 * uniformly from [-15 min, +15 min), truncated to whole seconds. `random` returns [0, 1).
 */
export function nodePruneInterval(random: () => number = Math.random): number {
  const jitter = Math.floor(random() * 2 * NODE_PRUNE_MAX_JITTER_MS) - NODE_PRUNE_MAX_JITTER_MS;
  return Math.floor((NODE_PRUNE_BASE_INTERVAL_MS + jitter) / 1000) * 1000;
}

/** server.conf's node pruning settings and what the manager needs. */
export interface NodeManagerOptions {
  dataStore: DataStore;
  log: Logger;
  /** `prune_attested_nodes_expired_for`: prune agents whose SVID expired longer ago than this. */
  expiredForMs: number;
  /** `prune_tofu_nodes`: include agents that cannot re-attest. */
  includeNonReattestable: boolean;
  /** `prune_attested_nodes_batch_size`: the most agents pruned per pass. */
  batchSize: number;
  /** Default `nodePruneInterval()`. */
  intervalMs?: number;
  /** The clock, in milliseconds (tests); default Date.now. */
  now?: () => number;
  ticker?: Ticker;
  /** Each pass is counted as SPIRE's `node.manager.prune`; default: not counted. */
  metrics?: Metrics;
}

/**
 * SPIRE's node manager, which the server runs only when `prune_attested_nodes_expired_for` is set
 * and not zero: each pass deletes up to `batchSize` agents whose SVID expired more than
 * `expiredForMs` ago, with their selectors, and writes a node event for each, so the entry cache
 * forgets them. Banned agents are kept (the ban must hold), and so are agents that cannot
 * re-attest unless `includeNonReattestable`. A failed pass is logged and retried at the next tick.
 */
export function nodeManager(opts: NodeManagerOptions): PeriodicTask {
  const now = opts.now ?? Date.now;
  const intervalMs = opts.intervalMs ?? nodePruneInterval();
  const calls = (opts.metrics ?? NOOP_METRICS).callCounter(['node', 'manager', 'prune']);
  opts.log.info(
    { expired_for: `${opts.expiredForMs / 1000}s`, include_tofu: opts.includeNonReattestable, retry_interval: `${intervalMs / 1000}s` },
    'Periodic prune of expired nodes started',
  );
  return new PeriodicTask({
    intervalMs,
    log: opts.log,
    ticker: opts.ticker,
    failureMessage: 'Failed during periodic pruning of expired nodes',
    run: () => countCall(calls, () => opts.dataStore.pruneAttestedExpiredNodes(Math.floor((now() - opts.expiredForMs) / 1000), opts.includeNonReattestable, opts.batchSize)),
  });
}
