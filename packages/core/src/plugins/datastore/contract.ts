import type { Closable, PluginDescriptor } from '../descriptor.js';
import { exactlyOne, type CountRule } from '../count-rule.js';
import { Code, spireError, type SpireError } from '../../errors.js';
import { createServiceRef } from '../../di/service-ref.js';

/** A selector, `type:value`. */
export interface Selector {
  type: string;
  value: string;
}

/** Optional per-entry tunables (spire.common.RegistrationEntry.AdditionalAttributes). */
export interface EntryAdditionalAttributes {
  disableX509SvidPrefetch: boolean;
  jwtSvidIncludeJti: boolean;
}

/**
 * A registration entry (spire.common.RegistrationEntry). Times are Unix seconds; TTLs are
 * seconds, 0 meaning "use the server default".
 */
export interface RegistrationEntry {
  entryId: string;
  spiffeId: string;
  parentId: string;
  /**
   * The store keeps each selector once and returns them in the order they were written (a
   * duplicate keeps its first place), as SPIRE does; entries whose selector sets are equal in any
   * order are similar.
   */
  selectors: Selector[];
  x509SvidTtl: number;
  jwtSvidTtl: number;
  /** Deprecated `ttl` of spire.common.RegistrationEntry, kept for stores written by old servers. */
  ttl?: number;
  /** Trust domain IDs (`spiffe://example.org`), each with a stored bundle; returned sorted. */
  federatesWith: string[];
  /** Kept in order (the first is the X.509-SVID's common name). */
  dnsNames: string[];
  admin: boolean;
  downstream: boolean;
  /** Unix seconds; 0 means the entry never expires. */
  entryExpiry: number;
  storeSvid: boolean;
  hint: string;
  /** Unix seconds, set by the store on create. */
  createdAt: number;
  /** Bumped by the store on every update. */
  revisionNumber: number;
  additionalAttributes?: EntryAdditionalAttributes;
}

/**
 * Whether the entry is past its expiry at `nowSec` (Unix seconds): its `entryExpiry` is set and
 * earlier than `nowSec`. This is exactly what `pruneRegistrationEntries(nowSec)` deletes, so an
 * entry is refused from the second after its expiry whether or not the prune has run yet. Pure.
 */
export function isEntryExpired(entry: Pick<RegistrationEntry, 'entryExpiry'>, nowSec: number): boolean {
  return entry.entryExpiry !== 0 && entry.entryExpiry < nowSec;
}

/** Which entry fields an update writes (spire.common.RegistrationEntryMask). */
export type RegistrationEntryMask = Partial<
  Record<
    | 'selectors'
    | 'parentId'
    | 'spiffeId'
    | 'x509SvidTtl'
    | 'jwtSvidTtl'
    | 'federatesWith'
    | 'admin'
    | 'downstream'
    | 'entryExpiry'
    | 'dnsNames'
    | 'storeSvid'
    | 'hint'
    | 'additionalAttributes',
    boolean
  >
>;

/** An attested agent (spire.common.AttestedNode). A banned node has empty serials. */
export interface AttestedNode {
  spiffeId: string;
  attestationDataType: string;
  certSerialNumber: string;
  /** Unix seconds. */
  certNotAfter: number;
  newCertSerialNumber: string;
  newCertNotAfter: number;
  canReattest: boolean;
  agentVersion: string;
  /** Filled only when asked for (fetchSelectors) or when creating; in the order written, each once. */
  selectors: Selector[];
}

/** Which node fields an update writes (spire.common.AttestedNodeMask). */
export type AttestedNodeMask = Partial<
  Record<
    | 'attestationDataType'
    | 'certSerialNumber'
    | 'certNotAfter'
    | 'newCertSerialNumber'
    | 'newCertNotAfter'
    | 'canReattest'
    | 'agentVersion',
    boolean
  >
>;

/** A root CA of a bundle (spire.common.Certificate). */
export interface BundleCertificate {
  derBytes: Uint8Array;
  taintedKey: boolean;
}

/** A JWT signing key of a bundle (spire.common.PublicKey). */
export interface BundlePublicKey {
  pkixBytes: Uint8Array;
  kid: string;
  /** Unix seconds; 0 means no expiry. */
  notAfter: number;
  taintedKey: boolean;
}

/** A trust bundle as stored (spire.common.Bundle). */
export interface Bundle {
  /** The trust domain's SPIFFE ID form, `spiffe://example.org`. */
  trustDomainId: string;
  rootCas: BundleCertificate[];
  jwtSigningKeys: BundlePublicKey[];
  /** Seconds. */
  refreshHint: number;
  sequenceNumber: number;
}

/** Which bundle fields an update writes (spire.common.BundleMask). */
export type BundleMask = Partial<
  Record<'rootCas' | 'jwtSigningKeys' | 'refreshHint' | 'sequenceNumber' | 'x509TaintedKeys', boolean>
>;

/** What deleting a bundle does to entries that federate with it. */
export type DeleteMode = 'RESTRICT' | 'DELETE' | 'DISSOCIATE';

/** Selector and federates_with match modes, as SPIRE. */
export type MatchBehavior = 'EXACT' | 'SUBSET' | 'SUPERSET' | 'MATCH_ANY';

export interface BySelectors {
  selectors: Selector[];
  match: MatchBehavior;
}

export interface ByFederatesWith {
  trustDomains: string[];
  match: MatchBehavior;
}

/** Opaque-token pagination. The store caps pageSize at its own maximum. */
export interface Pagination {
  token: string;
  pageSize: number;
}

export interface ListRegistrationEntriesRequest {
  byParentId?: string;
  bySpiffeId?: string;
  bySelectors?: BySelectors;
  byFederatesWith?: ByFederatesWith;
  byHint?: string;
  byDownstream?: boolean;
  /** Omit for all entries in one response. */
  pagination?: Pagination;
  /** Read from a replica when one is configured. */
  tolerateStale?: boolean;
}

export interface ListRegistrationEntriesResponse {
  entries: RegistrationEntry[];
  /** Present when the request paged; token '' means there are no more pages. */
  pagination?: Pagination;
}

export type CountRegistrationEntriesRequest = Omit<ListRegistrationEntriesRequest, 'pagination'>;

export interface ListAttestedNodesRequest {
  byAttestationType?: string;
  byBanned?: boolean;
  /** Unix seconds: nodes whose cert expires before. */
  byExpiresBefore?: number;
  bySelectorMatch?: BySelectors;
  bySpiffeIds?: string[];
  byCanReattest?: boolean;
  /** Unix seconds: only nodes whose cert is valid at this time. */
  validAt?: number;
  fetchSelectors?: boolean;
  pagination?: Pagination;
}

export interface ListAttestedNodesResponse {
  nodes: AttestedNode[];
  pagination?: Pagination;
}

export type CountAttestedNodesRequest = Omit<ListAttestedNodesRequest, 'pagination' | 'bySpiffeIds' | 'validAt'>;

export interface JoinToken {
  token: string;
  /** Unix seconds. */
  expiry: number;
}

export type BundleEndpointProfile = 'https_spiffe' | 'https_web';

/** A federation relationship with a foreign trust domain. */
export interface FederationRelationship {
  /** Trust domain name, `example.org`. */
  trustDomain: string;
  bundleEndpointUrl: string;
  bundleEndpointProfile: BundleEndpointProfile;
  /** Only for https_spiffe. */
  endpointSpiffeId?: string;
  /** The trust domain's bundle, when known. */
  trustDomainBundle?: Bundle;
}

export type FederationRelationshipMask = Partial<
  Record<'bundleEndpointUrl' | 'bundleEndpointProfile' | 'trustDomainBundle', boolean>
>;

/** A change to an entry or a node, for incremental caches. */
export interface EntryEvent {
  eventId: number;
  entryId: string;
}
export interface NodeEvent {
  eventId: number;
  spiffeId: string;
}
export interface ListEventsRequest {
  greaterThanEventId?: number;
  lessThanEventId?: number;
}

/**
 * How the database hands out event IDs: every new ID is `offset` plus a multiple of `increment`.
 * Dense sequences (PostgreSQL, SQLite, MySQL by default) are `{ increment: 1, offset: 1 }`; MySQL
 * and MariaDB with `auto_increment_increment` above 1 (Galera, group replication) leave the IDs
 * between unused, and an event-following cache must not wait for them.
 */
export interface EventIdSpacing {
  increment: number;
  offset: number;
}

/** The CA journal: an opaque blob, keyed by the active X.509 authority's ID. */
export interface CAJournal {
  /** 0 when creating; the store assigns it. */
  id: number;
  data: Uint8Array;
  activeX509AuthorityId: string;
  /**
   * Unix seconds at which every authority recorded in `data` has expired. The blob is opaque to
   * the store, so the writer supplies this; `pruneCAJournals` removes a journal only when it is set
   * (non-zero) and earlier than the cut-off.
   */
  expiresAt?: number;
}

/** The outcome of one item of a batch call: the stored record, or the error that item got. */
export type BatchResult<T> = { ok: true; value: T } | { ok: false; error: SpireError };

/** The most records one list page returns, whatever page size the caller asks for. */
export const DATASTORE_MAX_PAGE_SIZE = 1000;

/** Entries per batch of `scanRegistrationEntries` when the caller does not say. */
export const DATASTORE_SCAN_BATCH_SIZE = 5000;

/** The largest batch `scanRegistrationEntries` yields; a larger `batchSize` is lowered to it. */
export const DATASTORE_MAX_SCAN_BATCH_SIZE = 50_000;

/** Options of `DataStore.scanRegistrationEntries`. */
export interface ScanRegistrationEntriesOptions {
  /** Most entries per yielded batch; default DATASTORE_SCAN_BATCH_SIZE. */
  batchSize?: number;
  /** Read from a replica when one is configured (SQL: `ro_connection_string`). */
  tolerateStale?: boolean;
}

/** Options of `DataStore.scanAttestedNodes`. */
export interface ScanAttestedNodesOptions extends ScanRegistrationEntriesOptions {
  /** Unix seconds: only nodes whose certificate is valid at this time (as listAttestedNodes). */
  validAt?: number;
}

/**
 * The batch size a scan uses for `opts`: the default when absent, lowered to
 * DATASTORE_MAX_SCAN_BATCH_SIZE when larger. Throws INVALID_ARGUMENT naming `batch_size` when it
 * is not a positive integer. Pure; for DataStore implementations.
 */
export function scanBatchSize(opts: ScanRegistrationEntriesOptions | undefined): number {
  const n = opts?.batchSize;
  if (n === undefined) return DATASTORE_SCAN_BATCH_SIZE;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw spireError(Code.INVALID_ARGUMENT, `batch_size must be a positive integer, got ${String(n)}`);
  }
  return Math.min(n, DATASTORE_MAX_SCAN_BATCH_SIZE);
}

/**
 * The DataStore contract, as SPIRE's datastore. Every method is atomic: it either fully applies or
 * changes nothing, also when several server processes share one database.
 *
 * Errors (always a `SpireError`): NOT_FOUND for a missing record the call needs, ALREADY_EXISTS
 * for a duplicate (including a similar entry: same spiffe_id, parent_id and selector set),
 * INVALID_ARGUMENT for malformed or over-long input (the message names the field),
 * FAILED_PRECONDITION for a RESTRICT bundle delete that entries still use, UNAVAILABLE when the
 * database cannot be reached (the store recovers by itself when it comes back).
 *
 * Every method may be called any number of times and concurrently; after `close()` calls fail.
 * Timestamps are Unix seconds unless a name says otherwise. Lists without `pagination` return
 * every match; with it, a page holds at most `DATASTORE_MAX_PAGE_SIZE` records and a page size of
 * 0 is INVALID_ARGUMENT. A returned pagination token of '' means there are no more pages.
 */
export interface DataStore extends Closable {
  // ---- Bundles -------------------------------------------------------------------------------

  /** Adds the bundle's root CAs and JWT keys that are not stored yet (creates it when absent). */
  appendBundle(bundle: Bundle): Promise<Bundle>;
  /** How many bundles are stored. */
  countBundles(): Promise<number>;
  /** Stores a new bundle. ALREADY_EXISTS when the trust domain has one. */
  createBundle(bundle: Bundle): Promise<Bundle>;
  /**
   * Deletes a trust domain's bundle. With entries federating with it: RESTRICT refuses
   * (FAILED_PRECONDITION), DELETE deletes those entries too, DISSOCIATE removes the trust domain
   * from their federates_with. NOT_FOUND when there is no bundle.
   */
  deleteBundle(trustDomainId: string, mode: DeleteMode): Promise<void>;
  /** Undefined when there is no bundle for the trust domain. */
  fetchBundle(trustDomainId: string): Promise<Bundle | undefined>;
  /** Bundles ordered by trust domain insertion. */
  listBundles(req: { pagination?: Pagination }): Promise<{ bundles: Bundle[]; pagination?: Pagination }>;
  /**
   * Drops root CAs and JWT keys that expired before `expiresBefore`. Returns whether anything was
   * dropped. FAILED_PRECONDITION (and no change) when it would drop every root CA.
   */
  pruneBundle(trustDomainId: string, expiresBefore: number): Promise<boolean>;
  /** Creates or replaces the trust domain's bundle. */
  setBundle(bundle: Bundle): Promise<Bundle>;
  /** Replaces the masked fields (all when no mask). NOT_FOUND when there is no bundle. */
  updateBundle(bundle: Bundle, mask?: BundleMask): Promise<Bundle>;
  /**
   * Marks the root CA whose subject key ID (lower-case hex) matches as tainted. NOT_FOUND when no
   * root CA matches; INVALID_ARGUMENT when it is already tainted.
   */
  taintX509CA(trustDomainId: string, subjectKeyIdToTaint: string): Promise<void>;
  /** Removes a tainted root CA. NOT_FOUND when none matches; INVALID_ARGUMENT when untainted. */
  revokeX509CA(trustDomainId: string, subjectKeyIdToRevoke: string): Promise<void>;
  /** Marks the JWT key with this kid as tainted and returns it. NOT_FOUND / INVALID_ARGUMENT as above. */
  taintJWTKey(trustDomainId: string, authorityId: string): Promise<BundlePublicKey>;
  /** Removes a tainted JWT key and returns it. NOT_FOUND / INVALID_ARGUMENT as above. */
  revokeJWTKey(trustDomainId: string, authorityId: string): Promise<BundlePublicKey>;

  // ---- Entries -------------------------------------------------------------------------------

  /** How many entries match the filters (the same filters as listing). */
  countRegistrationEntries(req: CountRegistrationEntriesRequest): Promise<number>;
  /**
   * Stores a new entry. An empty entryId gets a UUID; createdAt is set by the store and
   * revisionNumber starts at 0. ALREADY_EXISTS for a similar entry or a taken entry ID;
   * INVALID_ARGUMENT when federates_with names a trust domain without a bundle.
   */
  createRegistrationEntry(entry: RegistrationEntry): Promise<RegistrationEntry>;
  /**
   * Stores many entries, each as if by `createRegistrationEntry`, in far fewer round trips.
   * Returns one result per input, in input order; a failing item never affects the others.
   */
  createRegistrationEntries(entries: RegistrationEntry[]): Promise<BatchResult<RegistrationEntry>[]>;
  /** Creates the entry, or returns the similar one that exists (`existing` true). */
  createOrReturnRegistrationEntry(entry: RegistrationEntry): Promise<{ entry: RegistrationEntry; existing: boolean }>;
  /** Deletes the entry and returns what it was. NOT_FOUND when absent. */
  deleteRegistrationEntry(entryId: string): Promise<RegistrationEntry>;
  /** Undefined when absent. */
  fetchRegistrationEntry(entryId: string): Promise<RegistrationEntry | undefined>;
  /** The entries that exist among `entryIds`, keyed by ID. */
  fetchRegistrationEntries(entryIds: string[]): Promise<Map<string, RegistrationEntry>>;
  /**
   * Entries matching every given filter, ordered by creation. bySelectors with no selectors is
   * INVALID_ARGUMENT; byFederatesWith with no trust domains is ignored.
   */
  listRegistrationEntries(req: ListRegistrationEntriesRequest): Promise<ListRegistrationEntriesResponse>;
  /**
   * Every registration entry, for bulk readers such as the authorized-entries cache's full load:
   * the same entries, with every field, as an unfiltered `listRegistrationEntries`, in the same
   * order (creation order), yielded in batches of at most `batchSize` entries (default
   * {@link DATASTORE_SCAN_BATCH_SIZE}, at most {@link DATASTORE_MAX_SCAN_BATCH_SIZE}) so memory
   * stays bounded however large the store is. An empty store yields no batch.
   *
   * The whole scan reads one consistent snapshot: an entry written while the scan runs is either
   * seen as it was before the write or not at all, never half-written, and no entry is seen twice
   * (SQL store: one read transaction on SQLite, on a connection of its own when the database is a
   * file; a REPEATABLE READ, READ ONLY transaction on PostgreSQL; a consistent-snapshot REPEATABLE
   * READ transaction on MySQL; keyset pagination by row ID in each). The snapshot is held until
   * the iteration ends, so consume promptly; breaking out of the loop (or a throw in it) ends the
   * transaction. Each record is a fresh object the caller may keep or freeze.
   *
   * Throws INVALID_ARGUMENT (naming `batch_size`) for a batch size that is not a positive
   * integer, before anything is read; store failures as the other methods (UNAVAILABLE when the
   * database cannot be reached). Safe to run several scans at once.
   */
  scanRegistrationEntries(opts?: ScanRegistrationEntriesOptions): AsyncIterable<RegistrationEntry[]>;
  /**
   * Deletes the entries whose expiry is set and earlier than `expiresBefore` (those for which
   * `isEntryExpired(entry, expiresBefore)` holds), writing one entry event for each in the same
   * transaction, as a delete does, so event-following caches drop them.
   */
  pruneRegistrationEntries(expiresBefore: number): Promise<void>;
  /**
   * Writes the masked fields (all when no mask) of the entry with `entry.entryId` and bumps its
   * revision. NOT_FOUND when absent; ALREADY_EXISTS when the result is similar to another entry.
   */
  updateRegistrationEntry(entry: RegistrationEntry, mask?: RegistrationEntryMask): Promise<RegistrationEntry>;

  // ---- Entry events (written in the same transaction as the change) --------------------------

  /** Events in ID order. Setting both bounds is INVALID_ARGUMENT. */
  listRegistrationEntryEvents(req: ListEventsRequest): Promise<EntryEvent[]>;
  /** Deletes events older than `olderThanMs` milliseconds. */
  pruneRegistrationEntryEvents(olderThanMs: number): Promise<void>;
  /** Undefined when absent. */
  fetchRegistrationEntryEvent(eventId: number): Promise<EntryEvent | undefined>;
  /**
   * The events that exist among `eventIds`, in ID order (IDs that do not exist are left out). One
   * read for up to {@link DATASTORE_MAX_PAGE_SIZE} IDs (SQL: one `WHERE id IN (...)` statement);
   * a longer list is read in parts of that size. Used by event-following caches to poll skipped
   * IDs in batches.
   */
  fetchRegistrationEntryEvents(eventIds: number[]): Promise<EntryEvent[]>;

  // ---- Nodes ---------------------------------------------------------------------------------

  /** How many nodes match the filters. */
  countAttestedNodes(req: CountAttestedNodesRequest): Promise<number>;
  /** Stores a node (and its selectors, when given). ALREADY_EXISTS when the ID is taken. */
  createAttestedNode(node: AttestedNode): Promise<AttestedNode>;
  /**
   * Deletes the node and its selectors; returns what it was. NOT_FOUND when absent. For a
   * `join_token` node it also deletes the alias entry CreateJoinToken made for it (parented to the
   * node, with the single selector `spiffe_id:<node ID>`), with an entry event, as SPIRE does;
   * other entries parented to the node are kept.
   */
  deleteAttestedNode(spiffeId: string): Promise<AttestedNode>;
  /** Undefined when absent. Selectors are filled. */
  fetchAttestedNode(spiffeId: string): Promise<AttestedNode | undefined>;
  /** The nodes that exist among `spiffeIds`, keyed by ID, with selectors. */
  fetchAttestedNodes(spiffeIds: string[]): Promise<Map<string, AttestedNode>>;
  /** Nodes matching every given filter. A banned node has an empty certSerialNumber. */
  listAttestedNodes(req: ListAttestedNodesRequest): Promise<ListAttestedNodesResponse>;
  /** Writes the masked fields (all when no mask). NOT_FOUND when absent. */
  updateAttestedNode(node: AttestedNode, mask?: AttestedNodeMask): Promise<AttestedNode>;
  /**
   * Deletes up to `batchSize` (1000 when not positive) unbanned nodes whose certificate expired
   * before `expiredBefore`; only re-attestable ones unless `includeNonReattestable`. Each is
   * deleted as by `deleteAttestedNode` (selectors, join-token alias entry, events).
   */
  pruneAttestedExpiredNodes(expiredBefore: number, includeNonReattestable: boolean, batchSize: number): Promise<void>;

  // ---- Node events ---------------------------------------------------------------------------

  /** Events in ID order. Setting both bounds is INVALID_ARGUMENT. */
  listAttestedNodeEvents(req: ListEventsRequest): Promise<NodeEvent[]>;
  /** Deletes events older than `olderThanMs` milliseconds. */
  pruneAttestedNodeEvents(olderThanMs: number): Promise<void>;
  /** Undefined when absent. */
  fetchAttestedNodeEvent(eventId: number): Promise<NodeEvent | undefined>;
  /** The node events that exist among `eventIds`, in ID order, read as `fetchRegistrationEntryEvents`. */
  fetchAttestedNodeEvents(eventIds: number[]): Promise<NodeEvent[]>;
  /**
   * How this store's connection assigns event IDs (both event tables share it). SQL store:
   * `@@auto_increment_increment` and `@@auto_increment_offset` of its MySQL session;
   * `{ increment: 1, offset: 1 }` on PostgreSQL and SQLite. Read once per call; cheap.
   */
  eventIdSpacing(): Promise<EventIdSpacing>;

  // ---- Node selectors ------------------------------------------------------------------------

  /** The node's selectors ([] when none or no such node). */
  getNodeSelectors(spiffeId: string, tolerateStale?: boolean): Promise<Selector[]>;
  /** Selectors of every node (whose certificate is valid at `validAt`, when given). */
  listNodeSelectors(req: { validAt?: number; tolerateStale?: boolean }): Promise<Map<string, Selector[]>>;
  /**
   * Every attested node with its selectors (valid at `validAt` when given), for bulk readers such
   * as the authorized-entries cache: the same nodes, with every field, as an unpaged
   * `listAttestedNodes({ validAt, fetchSelectors: true })`, in the same order, yielded in batches
   * with the snapshot, batch-size and error rules of `scanRegistrationEntries`.
   */
  scanAttestedNodes(opts?: ScanAttestedNodesOptions): AsyncIterable<AttestedNode[]>;
  /** Replaces the node's selectors (the node need not exist yet); writes a node event. */
  setNodeSelectors(spiffeId: string, selectors: Selector[]): Promise<void>;

  // ---- Join tokens ---------------------------------------------------------------------------

  /** Stores a token. INVALID_ARGUMENT without token or expiry; ALREADY_EXISTS when taken. */
  createJoinToken(token: JoinToken): Promise<void>;
  /** NOT_FOUND when absent. */
  deleteJoinToken(token: string): Promise<void>;
  /** Undefined when absent. */
  fetchJoinToken(token: string): Promise<JoinToken | undefined>;
  /**
   * Deletes the token and returns it, atomically: of two concurrent calls with one token exactly
   * one gets it; the other gets undefined.
   */
  consumeJoinToken(token: string): Promise<JoinToken | undefined>;
  /** Deletes tokens that expire before `expiresBefore`. */
  pruneJoinTokens(expiresBefore: number): Promise<void>;
  /** How many join tokens are stored. */
  countJoinTokens(): Promise<number>;

  // ---- Federation relationships --------------------------------------------------------------

  /** Stores a relationship (and its bundle, when given). ALREADY_EXISTS when the trust domain has one. */
  createFederationRelationship(fr: FederationRelationship): Promise<FederationRelationship>;
  /** Undefined when absent. The bundle is filled when stored. */
  fetchFederationRelationship(trustDomain: string): Promise<FederationRelationship | undefined>;
  /** Relationships in creation order. */
  listFederationRelationships(req: { pagination?: Pagination }): Promise<{
    federationRelationships: FederationRelationship[];
    pagination?: Pagination;
  }>;
  /** NOT_FOUND when absent. The trust domain's bundle is kept. */
  deleteFederationRelationship(trustDomain: string): Promise<void>;
  /** Writes the masked fields. NOT_FOUND when absent. */
  updateFederationRelationship(fr: FederationRelationship, mask: FederationRelationshipMask): Promise<FederationRelationship>;
  /** How many relationships are stored. */
  countFederationRelationships(): Promise<number>;

  // ---- CA journals ---------------------------------------------------------------------------

  /** Creates (id 0) or replaces (id set; NOT_FOUND when absent) a journal; returns it with its id. */
  setCAJournal(journal: CAJournal): Promise<CAJournal>;
  /** The journal whose active X.509 authority ID matches; undefined when none. */
  fetchCAJournal(activeX509AuthorityId: string): Promise<CAJournal | undefined>;
  /** Deletes journals whose `expiresAt` is set and earlier than `allCAsExpireBefore`. */
  pruneCAJournals(allCAsExpireBefore: number): Promise<void>;

  /**
   * Resolves when the database answers a read; throws UNAVAILABLE otherwise. Used by liveness and
   * readiness.
   */
  ping(): Promise<void>;
  /**
   * Resolves when the database accepts writes, proven by a real write that is rolled back (nothing
   * stays, no ID or sequence is used up). Throws UNAVAILABLE when the database cannot be reached
   * or refuses the write (read-only connection, file or server; the message gives its reason).
   * Used by readiness: a store that answers reads but refuses every write is not ready.
   */
  checkWritable(): Promise<void>;
}

/** DI token of the DataStore. */
export const DATA_STORE = createServiceRef<DataStore>('spire.DataStore');

/** Exactly one DataStore, as SPIRE (and only the built-in sql). */
export const dataStoreCount: CountRule = exactlyOne;

/** Declares a DataStore plugin. */
export function defineDataStore<C>(
  d: Omit<PluginDescriptor<'DataStore', DataStore, C>, 'type'>,
): PluginDescriptor<'DataStore', DataStore, C> {
  return { ...d, type: 'DataStore' };
}
