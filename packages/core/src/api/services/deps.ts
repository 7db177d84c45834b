import type { Logger } from '../../log/logger.js';
import type { DataStore } from '../../plugins/datastore/contract.js';
import type { TrustDomain } from '../../spiffeid/index.js';
import type { LargeAnswerGate } from '../large-answer-gate.js';
import type { AuthorizedEntryFetcher, BundleRefresher, DebugInfoSource, LogLevelControl, NodeAttestorLookup, ServerCAPort } from '../ports.js';

/** What the API services are built from. */
export interface ApiDeps {
  trustDomain: TrustDomain;
  dataStore: DataStore;
  ca: ServerCAPort;
  log: Logger;
  bundleRefresher?: BundleRefresher;
  logLevels?: LogLevelControl;
  debugInfo?: DebugInfoSource;
  authorizedEntries?: AuthorizedEntryFetcher;
  /** The configured NodeAttestors (join_token is served by the API itself, as SPIRE). */
  nodeAttestors?: NodeAttestorLookup;
  /** experimental.agent_spiffe_id_as_selector: add `spiffe_id:<agent ID>` to node selectors. */
  agentSpiffeIdAsSelector?: boolean;
  /** SyncAuthorizedEntries page size (SPIRE: 500). */
  entryPageSize?: number;
  /** Bounds the large answers built at once (default: a gate of MAX_CONCURRENT_LARGE_ANSWERS per entry service). */
  largeAnswers?: LargeAnswerGate;
  /** Unix seconds now (tests move it). */
  now?: () => number;
}

/** Unix seconds now. */
export function nowSeconds(deps: ApiDeps): number {
  return deps.now ? deps.now() : Math.floor(Date.now() / 1000);
}
