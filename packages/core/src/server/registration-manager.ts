import type { Logger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import { countCall, NOOP_METRICS, type Metrics } from '../telemetry/index.js';
import { PeriodicTask, type Ticker } from './periodic-task.js';

/** How often expired registration entries are pruned: SPIRE's registration manager cadence. */
export const ENTRY_PRUNE_INTERVAL_MS = 5 * 60_000;

/** What the registration manager needs. */
export interface RegistrationManagerOptions {
  dataStore: DataStore;
  log: Logger;
  /** Default ENTRY_PRUNE_INTERVAL_MS. */
  intervalMs?: number;
  /** The clock, in milliseconds (tests); default Date.now. */
  now?: () => number;
  ticker?: Ticker;
  /** Each pass is counted as SPIRE's `registration_entry.manager.prune`; default: not counted. */
  metrics?: Metrics;
}

/**
 * SPIRE's registration manager: every five minutes it deletes the registration entries whose
 * expiry has passed. The store writes an entry event for each in the same transaction, so the
 * authorized-entries cache (and every other server sharing the database) drops them at its next
 * poll or reload. Until then lookups already refuse them (`isEntryExpired`).
 *
 * Beyond SPIRE, the same pass deletes expired join tokens, which SPIRE leaves in the database
 * for ever (the join_token attestor refuses them either way).
 *
 * A failed pass is logged and retried at the next tick. `start` it once; `stop` waits for a pass
 * in progress.
 */
export function registrationManager(opts: RegistrationManagerOptions): PeriodicTask {
  const now = opts.now ?? Date.now;
  const calls = (opts.metrics ?? NOOP_METRICS).callCounter(['registration_entry', 'manager', 'prune']);
  return new PeriodicTask({
    intervalMs: opts.intervalMs ?? ENTRY_PRUNE_INTERVAL_MS,
    log: opts.log,
    ticker: opts.ticker,
    failureMessage: 'Failed pruning registration entries',
    run: () =>
      countCall(calls, async () => {
        const nowSec = Math.floor(now() / 1000);
        await opts.dataStore.pruneRegistrationEntries(nowSec);
        await opts.dataStore.pruneJoinTokens(nowSec);
      }),
  });
}
