import type { Closable, PluginDescriptor } from '../descriptor.js';
import { exactlyOne, type CountRule } from '../count-rule.js';

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
  selectors: Selector[];
  x509SvidTtl: number;
  jwtSvidTtl: number;
  federatesWith: string[];
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
  /** Filled only when asked for (fetchSelectors) or when creating. */
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

/** The CA journal: an opaque blob, keyed by the active X.509 authority's ID. */
export interface CAJournal {
  id: number;
  data: Uint8Array;
  activeX509AuthorityId: string;
}

/**
 * The DataStore contract. Every method is atomic: it either fully applies or changes nothing.
 *
 * Errors: NOT_FOUND for missing records, ALREADY_EXISTS for duplicates (including a similar
 * entry: same spiffe_id, parent_id and selector set), INVALID_ARGUMENT for malformed input,
 * FAILED_PRECONDITION for a RESTRICT bundle delete that entries still use, UNAVAILABLE when the
 * database cannot be reached.
 */
export interface DataStore extends Closable {
  // Bundles
  appendBundle(bundle: Bundle): Promise<Bundle>;
  countBundles(): Promise<number>;
  createBundle(bundle: Bundle): Promise<Bundle>;
  deleteBundle(trustDomainId: string, mode: DeleteMode): Promise<void>;
  /** Undefined when there is no bundle for the trust domain. */
  fetchBundle(trustDomainId: string): Promise<Bundle | undefined>;
  listBundles(req: { pagination?: Pagination }): Promise<{ bundles: Bundle[]; pagination?: Pagination }>;
  /** Drops certificates and keys that expired before `expiresBefore` (Unix seconds). */
  pruneBundle(trustDomainId: string, expiresBefore: number): Promise<boolean>;
  setBundle(bundle: Bundle): Promise<Bundle>;
  updateBundle(bundle: Bundle, mask?: BundleMask): Promise<Bundle>;
  /** Marks the root CA whose subject key ID (hex) matches as tainted. */
  taintX509CA(trustDomainId: string, subjectKeyIdToTaint: string): Promise<void>;
  revokeX509CA(trustDomainId: string, subjectKeyIdToRevoke: string): Promise<void>;
  taintJWTKey(trustDomainId: string, authorityId: string): Promise<BundlePublicKey>;
  revokeJWTKey(trustDomainId: string, authorityId: string): Promise<BundlePublicKey>;

  // Entries
  countRegistrationEntries(req: CountRegistrationEntriesRequest): Promise<number>;
  createRegistrationEntry(entry: RegistrationEntry): Promise<RegistrationEntry>;
  /** Creates the entry, or returns the similar one that exists (`existing` true). */
  createOrReturnRegistrationEntry(entry: RegistrationEntry): Promise<{ entry: RegistrationEntry; existing: boolean }>;
  deleteRegistrationEntry(entryId: string): Promise<RegistrationEntry>;
  fetchRegistrationEntry(entryId: string): Promise<RegistrationEntry | undefined>;
  fetchRegistrationEntries(entryIds: string[]): Promise<Map<string, RegistrationEntry>>;
  listRegistrationEntries(req: ListRegistrationEntriesRequest): Promise<ListRegistrationEntriesResponse>;
  pruneRegistrationEntries(expiresBefore: number): Promise<void>;
  updateRegistrationEntry(entry: RegistrationEntry, mask?: RegistrationEntryMask): Promise<RegistrationEntry>;

  // Entry events
  listRegistrationEntryEvents(req: ListEventsRequest): Promise<EntryEvent[]>;
  /** olderThan is milliseconds. */
  pruneRegistrationEntryEvents(olderThanMs: number): Promise<void>;
  fetchRegistrationEntryEvent(eventId: number): Promise<EntryEvent | undefined>;

  // Nodes
  countAttestedNodes(req: CountAttestedNodesRequest): Promise<number>;
  createAttestedNode(node: AttestedNode): Promise<AttestedNode>;
  deleteAttestedNode(spiffeId: string): Promise<AttestedNode>;
  fetchAttestedNode(spiffeId: string): Promise<AttestedNode | undefined>;
  fetchAttestedNodes(spiffeIds: string[]): Promise<Map<string, AttestedNode>>;
  listAttestedNodes(req: ListAttestedNodesRequest): Promise<ListAttestedNodesResponse>;
  updateAttestedNode(node: AttestedNode, mask?: AttestedNodeMask): Promise<AttestedNode>;
  pruneAttestedExpiredNodes(expiredBefore: number, includeNonReattestable: boolean, batchSize: number): Promise<void>;

  // Node events
  listAttestedNodeEvents(req: ListEventsRequest): Promise<NodeEvent[]>;
  pruneAttestedNodeEvents(olderThanMs: number): Promise<void>;
  fetchAttestedNodeEvent(eventId: number): Promise<NodeEvent | undefined>;

  // Node selectors
  getNodeSelectors(spiffeId: string, tolerateStale?: boolean): Promise<Selector[]>;
  listNodeSelectors(req: { validAt?: number; tolerateStale?: boolean }): Promise<Map<string, Selector[]>>;
  setNodeSelectors(spiffeId: string, selectors: Selector[]): Promise<void>;

  // Join tokens
  createJoinToken(token: JoinToken): Promise<void>;
  deleteJoinToken(token: string): Promise<void>;
  fetchJoinToken(token: string): Promise<JoinToken | undefined>;
  /**
   * Deletes the token and returns it, atomically: of two concurrent calls with one token exactly
   * one gets it; the other gets undefined.
   */
  consumeJoinToken(token: string): Promise<JoinToken | undefined>;
  pruneJoinTokens(expiresBefore: number): Promise<void>;

  // Federation relationships
  createFederationRelationship(fr: FederationRelationship): Promise<FederationRelationship>;
  fetchFederationRelationship(trustDomain: string): Promise<FederationRelationship | undefined>;
  listFederationRelationships(req: { pagination?: Pagination }): Promise<{
    federationRelationships: FederationRelationship[];
    pagination?: Pagination;
  }>;
  deleteFederationRelationship(trustDomain: string): Promise<void>;
  updateFederationRelationship(fr: FederationRelationship, mask: FederationRelationshipMask): Promise<FederationRelationship>;

  // CA journals
  setCAJournal(journal: CAJournal): Promise<CAJournal>;
  fetchCAJournal(activeX509AuthorityId: string): Promise<CAJournal | undefined>;
  pruneCAJournals(allCAsExpireBefore: number): Promise<void>;

  /** Resolves when the database answers; throws UNAVAILABLE otherwise. Used by readiness. */
  ping(): Promise<void>;
}

/** DI token of the DataStore. */
export const DATA_STORE = Symbol.for('spire.DataStore');

/** Exactly one DataStore, as SPIRE (and only the built-in sql). */
export const dataStoreCount: CountRule = exactlyOne;

/** Declares a DataStore plugin. */
export function defineDataStore<C>(
  d: Omit<PluginDescriptor<'DataStore', DataStore, C>, 'type'>,
): PluginDescriptor<'DataStore', DataStore, C> {
  return { ...d, type: 'DataStore' };
}
