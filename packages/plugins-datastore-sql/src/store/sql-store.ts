import type {
  AttestedNode,
  AttestedNodeMask,
  BatchResult,
  Bundle,
  BundleMask,
  BundlePublicKey,
  CAJournal,
  CountAttestedNodesRequest,
  CountRegistrationEntriesRequest,
  DataStore,
  DeleteMode,
  EntryEvent,
  EventIdSpacing,
  FederationRelationship,
  FederationRelationshipMask,
  JoinToken,
  ListAttestedNodesRequest,
  ListAttestedNodesResponse,
  ListEventsRequest,
  ListRegistrationEntriesRequest,
  ListRegistrationEntriesResponse,
  NodeEvent,
  Pagination,
  RegistrationEntry,
  RegistrationEntryMask,
  ScanAttestedNodesOptions,
  ScanRegistrationEntriesOptions,
  Selector,
} from '@spire-ts/core/plugin';
import type { SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import * as bundles from './bundles.js';
import * as entries from './entries.js';
import { scanEntries } from './entry-scan.js';
import * as events from './events.js';
import * as fed from './federation.js';
import * as journal from './journal.js';
import * as nodes from './nodes.js';
import { toSpireError } from './sql-util.js';
import * as tokens from './tokens.js';
import { probeWrite } from './write-probe.js';

/**
 * The DataStore over any SqlDriver. Each method is one call into an area module (entries, nodes,
 * bundles, ...); this class only routes reads to the replica when asked and turns every failure
 * into a SpireError.
 */
export class SqlStore implements DataStore {
  private closed = false;

  /**
   * @param db the read-write database (already migrated).
   * @param ro an optional read-only replica, used for reads that tolerate stale data.
   */
  constructor(
    private readonly db: SqlDriver,
    private readonly ro?: SqlDriver,
  ) {}

  private async run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.closed) throw SqlErrors.closed();
    try {
      return await fn();
    } catch (err) {
      throw toSpireError(err);
    }
  }

  private reader(stale: boolean | undefined): SqlDriver {
    return stale && this.ro ? this.ro : this.db;
  }

  /** A read of several statements, run in one read transaction (one snapshot) of `db`. */
  private read<T>(db: SqlDriver, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.run(() => db.readTransaction(fn));
  }

  // Bundles
  appendBundle(b: Bundle): Promise<Bundle> {
    return this.run(() => bundles.appendBundle(this.db, b));
  }
  countBundles(): Promise<number> {
    return this.run(() => bundles.countBundles(this.db));
  }
  createBundle(b: Bundle): Promise<Bundle> {
    return this.run(() => bundles.createBundle(this.db, b));
  }
  deleteBundle(td: string, mode: DeleteMode): Promise<void> {
    return this.run(() => bundles.deleteBundle(this.db, td, mode));
  }
  fetchBundle(td: string): Promise<Bundle | undefined> {
    return this.run(() => bundles.fetchBundle(this.db, td));
  }
  listBundles(req: { pagination?: Pagination }): Promise<{ bundles: Bundle[]; pagination?: Pagination }> {
    return this.run(() => bundles.listBundles(this.db, req));
  }
  pruneBundle(td: string, expiresBefore: number): Promise<boolean> {
    return this.run(() => bundles.pruneBundle(this.db, td, expiresBefore));
  }
  setBundle(b: Bundle): Promise<Bundle> {
    return this.run(() => bundles.setBundle(this.db, b));
  }
  updateBundle(b: Bundle, mask?: BundleMask): Promise<Bundle> {
    return this.run(() => bundles.updateBundle(this.db, b, mask));
  }
  taintX509CA(td: string, ski: string): Promise<void> {
    return this.run(() => bundles.taintX509CA(this.db, td, ski));
  }
  revokeX509CA(td: string, ski: string): Promise<void> {
    return this.run(() => bundles.revokeX509CA(this.db, td, ski));
  }
  taintJWTKey(td: string, kid: string): Promise<BundlePublicKey> {
    return this.run(() => bundles.taintJWTKey(this.db, td, kid));
  }
  revokeJWTKey(td: string, kid: string): Promise<BundlePublicKey> {
    return this.run(() => bundles.revokeJWTKey(this.db, td, kid));
  }

  // Entries
  countRegistrationEntries(req: CountRegistrationEntriesRequest): Promise<number> {
    return this.run(() => entries.countEntries(this.reader(req?.tolerateStale), req));
  }
  createRegistrationEntry(e: RegistrationEntry): Promise<RegistrationEntry> {
    return this.run(() => entries.createEntry(this.db, e));
  }
  createRegistrationEntries(list: RegistrationEntry[]): Promise<BatchResult<RegistrationEntry>[]> {
    return this.run(() => entries.createEntries(this.db, Array.isArray(list) ? list : []));
  }
  createOrReturnRegistrationEntry(e: RegistrationEntry): Promise<{ entry: RegistrationEntry; existing: boolean }> {
    return this.run(() => entries.createOrReturnEntry(this.db, e));
  }
  deleteRegistrationEntry(entryId: string): Promise<RegistrationEntry> {
    return this.run(() => entries.deleteEntry(this.db, entryId));
  }
  fetchRegistrationEntry(entryId: string): Promise<RegistrationEntry | undefined> {
    return this.read(this.db, (tx) => entries.fetchEntry(tx, entryId));
  }
  fetchRegistrationEntries(entryIds: string[]): Promise<Map<string, RegistrationEntry>> {
    return this.read(this.db, (tx) => entries.fetchEntries(tx, entryIds));
  }
  listRegistrationEntries(req: ListRegistrationEntriesRequest): Promise<ListRegistrationEntriesResponse> {
    return this.read(this.reader(req?.tolerateStale), (tx) => entries.listEntries(tx, req ?? {}));
  }
  async *scanAttestedNodes(opts?: ScanAttestedNodesOptions): AsyncGenerator<AttestedNode[]> {
    if (this.closed) throw SqlErrors.closed();
    yield* nodes.scanNodes(this.reader(opts?.tolerateStale), opts);
  }
  async *scanRegistrationEntries(opts?: ScanRegistrationEntriesOptions): AsyncGenerator<RegistrationEntry[]> {
    if (this.closed) throw SqlErrors.closed();
    yield* scanEntries(this.reader(opts?.tolerateStale), opts);
  }
  pruneRegistrationEntries(expiresBefore: number): Promise<void> {
    return this.run(() => entries.pruneEntries(this.db, expiresBefore));
  }
  updateRegistrationEntry(e: RegistrationEntry, mask?: RegistrationEntryMask): Promise<RegistrationEntry> {
    return this.run(() => entries.updateEntry(this.db, e, mask));
  }

  // Entry events
  listRegistrationEntryEvents(req: ListEventsRequest): Promise<EntryEvent[]> {
    return this.run(() => events.listEntryEvents(this.db, req ?? {}));
  }
  pruneRegistrationEntryEvents(olderThanMs: number): Promise<void> {
    return this.run(() => events.pruneEvents(this.db, 'entry', olderThanMs));
  }
  fetchRegistrationEntryEvent(eventId: number): Promise<EntryEvent | undefined> {
    return this.run(() => events.fetchEntryEvent(this.db, eventId));
  }
  fetchRegistrationEntryEvents(eventIds: number[]): Promise<EntryEvent[]> {
    return this.read(this.db, (tx) => events.fetchEntryEvents(tx, Array.isArray(eventIds) ? eventIds : []));
  }
  eventIdSpacing(): Promise<EventIdSpacing> {
    return this.run(() => events.eventIdSpacing(this.db));
  }

  // Nodes
  countAttestedNodes(req: CountAttestedNodesRequest): Promise<number> {
    return this.run(() => nodes.countNodes(this.db, req));
  }
  createAttestedNode(n: AttestedNode): Promise<AttestedNode> {
    return this.run(() => nodes.createNode(this.db, n));
  }
  deleteAttestedNode(spiffeId: string): Promise<AttestedNode> {
    return this.run(() => nodes.deleteNode(this.db, spiffeId));
  }
  fetchAttestedNode(spiffeId: string): Promise<AttestedNode | undefined> {
    return this.read(this.db, (tx) => nodes.fetchNode(tx, spiffeId));
  }
  fetchAttestedNodes(spiffeIds: string[]): Promise<Map<string, AttestedNode>> {
    return this.read(this.db, (tx) => nodes.fetchNodes(tx, spiffeIds));
  }
  listAttestedNodes(req: ListAttestedNodesRequest): Promise<ListAttestedNodesResponse> {
    return this.read(this.db, (tx) => nodes.listNodes(tx, req ?? {}));
  }
  updateAttestedNode(n: AttestedNode, mask?: AttestedNodeMask): Promise<AttestedNode> {
    return this.run(() => nodes.updateNode(this.db, n, mask));
  }
  pruneAttestedExpiredNodes(expiredBefore: number, includeNonReattestable: boolean, batchSize: number): Promise<void> {
    return this.run(() => nodes.pruneNodes(this.db, expiredBefore, includeNonReattestable, batchSize));
  }

  // Node events
  listAttestedNodeEvents(req: ListEventsRequest): Promise<NodeEvent[]> {
    return this.run(() => events.listNodeEvents(this.db, req ?? {}));
  }
  pruneAttestedNodeEvents(olderThanMs: number): Promise<void> {
    return this.run(() => events.pruneEvents(this.db, 'node', olderThanMs));
  }
  fetchAttestedNodeEvent(eventId: number): Promise<NodeEvent | undefined> {
    return this.run(() => events.fetchNodeEvent(this.db, eventId));
  }
  fetchAttestedNodeEvents(eventIds: number[]): Promise<NodeEvent[]> {
    return this.read(this.db, (tx) => events.fetchNodeEvents(tx, Array.isArray(eventIds) ? eventIds : []));
  }

  // Node selectors
  getNodeSelectors(spiffeId: string, tolerateStale?: boolean): Promise<Selector[]> {
    return this.run(() => nodes.getNodeSelectors(this.reader(tolerateStale), spiffeId));
  }
  listNodeSelectors(req: { validAt?: number; tolerateStale?: boolean }): Promise<Map<string, Selector[]>> {
    return this.run(() => nodes.listNodeSelectors(this.reader(req?.tolerateStale), req?.validAt));
  }
  setNodeSelectors(spiffeId: string, selectors: Selector[]): Promise<void> {
    return this.run(() => nodes.setNodeSelectors(this.db, spiffeId, selectors));
  }

  // Join tokens
  createJoinToken(t: JoinToken): Promise<void> {
    return this.run(() => tokens.createJoinToken(this.db, t));
  }
  deleteJoinToken(token: string): Promise<void> {
    return this.run(() => tokens.deleteJoinToken(this.db, token));
  }
  fetchJoinToken(token: string): Promise<JoinToken | undefined> {
    return this.run(() => tokens.fetchJoinToken(this.db, token));
  }
  consumeJoinToken(token: string): Promise<JoinToken | undefined> {
    return this.run(() => tokens.consumeJoinToken(this.db, token));
  }
  pruneJoinTokens(expiresBefore: number): Promise<void> {
    return this.run(() => tokens.pruneJoinTokens(this.db, expiresBefore));
  }
  countJoinTokens(): Promise<number> {
    return this.run(() => tokens.countJoinTokens(this.db));
  }

  // Federation relationships
  createFederationRelationship(fr: FederationRelationship): Promise<FederationRelationship> {
    return this.run(() => fed.createRelationship(this.db, fr));
  }
  fetchFederationRelationship(td: string): Promise<FederationRelationship | undefined> {
    return this.read(this.db, (tx) => fed.fetchRelationship(tx, td));
  }
  listFederationRelationships(req: { pagination?: Pagination }): Promise<{ federationRelationships: FederationRelationship[]; pagination?: Pagination }> {
    return this.read(this.db, (tx) => fed.listRelationships(tx, req));
  }
  deleteFederationRelationship(td: string): Promise<void> {
    return this.run(() => fed.deleteRelationship(this.db, td));
  }
  updateFederationRelationship(fr: FederationRelationship, mask: FederationRelationshipMask): Promise<FederationRelationship> {
    return this.run(() => fed.updateRelationship(this.db, fr, mask));
  }
  countFederationRelationships(): Promise<number> {
    return this.run(() => fed.countRelationships(this.db));
  }

  // CA journals
  setCAJournal(j: CAJournal): Promise<CAJournal> {
    return this.run(() => journal.setCAJournal(this.db, j));
  }
  fetchCAJournal(active: string): Promise<CAJournal | undefined> {
    return this.run(() => journal.fetchCAJournal(this.db, active));
  }
  pruneCAJournals(allCAsExpireBefore: number): Promise<void> {
    return this.run(() => journal.pruneCAJournals(this.db, allCAsExpireBefore));
  }

  /** Throws UNAVAILABLE when the database does not answer. */
  ping(): Promise<void> {
    return this.run(() => this.db.ping());
  }
  checkWritable(): Promise<void> {
    return this.run(() => probeWrite(this.db));
  }

  /** Closes the connections. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
    await this.ro?.close();
  }
}
