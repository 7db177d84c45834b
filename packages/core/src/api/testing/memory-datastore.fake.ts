import { randomUUID } from 'node:crypto';
import { Code, SpireError } from '../../errors.js';
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
  FederationRelationship,
  FederationRelationshipMask,
  JoinToken,
  ListAttestedNodesRequest,
  ListRegistrationEntriesRequest,
  MatchBehavior,
  Pagination,
  RegistrationEntry,
  RegistrationEntryMask,
  Selector,
} from '../../plugins/datastore/contract.js';
import { scanBatchSize, type ScanAttestedNodesOptions, type ScanRegistrationEntriesOptions } from '../../plugins/datastore/contract.js';

const key = (s: Selector) => `${s.type}:${s.value}`;

function matches(have: string[], want: string[], m: MatchBehavior): boolean {
  const h = new Set(have);
  const w = new Set(want);
  switch (m) {
    case 'EXACT':
      return h.size === w.size && [...w].every((x) => h.has(x));
    case 'SUBSET':
      return [...h].every((x) => w.has(x));
    case 'SUPERSET':
      return [...w].every((x) => h.has(x));
    case 'MATCH_ANY':
      return [...w].some((x) => h.has(x));
  }
}

function page<T>(items: T[], p: Pagination | undefined): { items: T[]; pagination?: Pagination } {
  if (!p) return { items };
  if (p.pageSize <= 0) throw new SpireError(Code.INVALID_ARGUMENT, 'cannot paginate with pagesize = 0');
  const start = p.token ? Number.parseInt(p.token, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new SpireError(Code.INVALID_ARGUMENT, `could not parse token "${p.token}"`);
  const slice = items.slice(start, start + p.pageSize);
  const next = start + slice.length;
  return { items: slice, pagination: { pageSize: p.pageSize, token: slice.length > 0 ? String(next) : '' } };
}

const clone = <T>(x: T): T => structuredClone(x);

/**
 * An in-memory DataStore for API tests, used until the SQL store is merged. It implements what
 * the API calls with the contract's semantics (similar entries, masks, filters, pagination,
 * RESTRICT/DELETE/DISSOCIATE); events and CA journals are not kept (those methods throw
 * UNIMPLEMENTED). Not for production.
 */
export class MemoryDataStore implements DataStore {
  readonly bundles = new Map<string, Bundle>();
  readonly entries = new Map<string, RegistrationEntry>();
  readonly nodes = new Map<string, AttestedNode>();
  readonly nodeSelectors = new Map<string, Selector[]>();
  readonly tokens = new Map<string, JoinToken>();
  readonly relationships = new Map<string, FederationRelationship>();
  /** Set to make every call fail with this error (outage tests). */
  failWith?: SpireError;

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  async close(): Promise<void> {}
  async ping(): Promise<void> {
    this.check();
  }
  /** Set to make checkWritable (only) fail with this error, as a read-only database does. */
  readOnlyWith?: SpireError;
  async checkWritable(): Promise<void> {
    this.check();
    if (this.readOnlyWith) throw this.readOnlyWith;
  }

  // Bundles
  async appendBundle(b: Bundle): Promise<Bundle> {
    this.check();
    const cur = this.bundles.get(b.trustDomainId);
    if (!cur) return this.createBundle(b);
    const ders = new Set(cur.rootCas.map((c) => Buffer.from(c.derBytes).toString('base64')));
    for (const c of b.rootCas) if (!ders.has(Buffer.from(c.derBytes).toString('base64'))) cur.rootCas.push(clone(c));
    const kids = new Set(cur.jwtSigningKeys.map((k) => k.kid));
    for (const k of b.jwtSigningKeys) if (!kids.has(k.kid)) cur.jwtSigningKeys.push(clone(k));
    cur.sequenceNumber++;
    return clone(cur);
  }
  async countBundles(): Promise<number> {
    this.check();
    return this.bundles.size;
  }
  async createBundle(b: Bundle): Promise<Bundle> {
    this.check();
    if (this.bundles.has(b.trustDomainId)) throw new SpireError(Code.ALREADY_EXISTS, 'bundle already exists');
    this.bundles.set(b.trustDomainId, clone(b));
    return clone(b);
  }
  async deleteBundle(td: string, mode: DeleteMode): Promise<void> {
    this.check();
    if (!this.bundles.has(td)) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
    const users = [...this.entries.values()].filter((e) => e.federatesWith.includes(td));
    if (users.length > 0 && mode === 'RESTRICT') {
      throw new SpireError(Code.FAILED_PRECONDITION, `cannot delete bundle; federated with ${users.length} registration entries`);
    }
    for (const e of users) {
      if (mode === 'DELETE') this.entries.delete(e.entryId);
      else e.federatesWith = e.federatesWith.filter((t) => t !== td);
    }
    this.bundles.delete(td);
  }
  async fetchBundle(td: string): Promise<Bundle | undefined> {
    this.check();
    const b = this.bundles.get(td);
    return b && clone(b);
  }
  async listBundles(req: { pagination?: Pagination }) {
    this.check();
    const r = page([...this.bundles.values()].map(clone), req.pagination);
    return { bundles: r.items, pagination: r.pagination };
  }
  async pruneBundle(): Promise<boolean> {
    throw new SpireError(Code.UNIMPLEMENTED, 'pruneBundle is not supported by the in-memory fake');
  }
  async setBundle(b: Bundle): Promise<Bundle> {
    this.check();
    this.bundles.set(b.trustDomainId, clone(b));
    return clone(b);
  }
  async updateBundle(b: Bundle, mask?: BundleMask): Promise<Bundle> {
    this.check();
    const cur = this.bundles.get(b.trustDomainId);
    if (!cur) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
    const m = mask ?? { rootCas: true, jwtSigningKeys: true, refreshHint: true, sequenceNumber: true };
    if (m.rootCas) cur.rootCas = clone(b.rootCas);
    if (m.jwtSigningKeys) cur.jwtSigningKeys = clone(b.jwtSigningKeys);
    if (m.refreshHint) cur.refreshHint = b.refreshHint;
    if (m.sequenceNumber) cur.sequenceNumber = b.sequenceNumber;
    return clone(cur);
  }
  async taintX509CA(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'taintX509CA is not supported by the in-memory fake');
  }
  async revokeX509CA(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'revokeX509CA is not supported by the in-memory fake');
  }
  async taintJWTKey(): Promise<BundlePublicKey> {
    throw new SpireError(Code.UNIMPLEMENTED, 'taintJWTKey is not supported by the in-memory fake');
  }
  async revokeJWTKey(): Promise<BundlePublicKey> {
    throw new SpireError(Code.UNIMPLEMENTED, 'revokeJWTKey is not supported by the in-memory fake');
  }

  // Entries
  private filterEntries(req: CountRegistrationEntriesRequest): RegistrationEntry[] {
    if (req.bySelectors && req.bySelectors.selectors.length === 0) throw new SpireError(Code.INVALID_ARGUMENT, 'cannot list by empty selector set');
    return [...this.entries.values()].filter(
      (e) =>
        (req.byParentId === undefined || e.parentId === req.byParentId) &&
        (req.bySpiffeId === undefined || e.spiffeId === req.bySpiffeId) &&
        (req.byHint === undefined || e.hint === req.byHint) &&
        (req.byDownstream === undefined || e.downstream === req.byDownstream) &&
        (!req.bySelectors || matches(e.selectors.map(key), req.bySelectors.selectors.map(key), req.bySelectors.match)) &&
        (!req.byFederatesWith || req.byFederatesWith.trustDomains.length === 0 || matches(e.federatesWith, req.byFederatesWith.trustDomains, req.byFederatesWith.match)),
    );
  }
  private similar(e: RegistrationEntry, except?: string): RegistrationEntry | undefined {
    const sel = e.selectors.map(key).sort().join(',');
    return [...this.entries.values()].find(
      (x) => x.entryId !== except && x.spiffeId === e.spiffeId && x.parentId === e.parentId && x.selectors.map(key).sort().join(',') === sel,
    );
  }
  private validateEntry(e: RegistrationEntry): void {
    for (const td of e.federatesWith) {
      if (!this.bundles.has(td)) throw new SpireError(Code.INVALID_ARGUMENT, `unable to find federated bundle "${td}"`);
    }
  }
  async countRegistrationEntries(req: CountRegistrationEntriesRequest): Promise<number> {
    this.check();
    return this.filterEntries(req).length;
  }
  async createRegistrationEntry(e: RegistrationEntry): Promise<RegistrationEntry> {
    this.check();
    if (this.similar(e)) throw new SpireError(Code.ALREADY_EXISTS, 'similar entry already exists');
    const id = e.entryId || randomUUID();
    if (this.entries.has(id)) throw new SpireError(Code.ALREADY_EXISTS, 'entry ID already in use');
    this.validateEntry(e);
    const stored = { ...clone(e), entryId: id, createdAt: Math.floor(Date.now() / 1000), revisionNumber: 0 };
    this.entries.set(id, stored);
    return clone(stored);
  }
  async createRegistrationEntries(es: RegistrationEntry[]): Promise<BatchResult<RegistrationEntry>[]> {
    const out: BatchResult<RegistrationEntry>[] = [];
    for (const e of es) {
      try {
        out.push({ ok: true, value: await this.createRegistrationEntry(e) });
      } catch (err) {
        out.push({ ok: false, error: err as SpireError });
      }
    }
    return out;
  }
  async createOrReturnRegistrationEntry(e: RegistrationEntry) {
    this.check();
    const s = this.similar(e);
    if (s) return { entry: clone(s), existing: true };
    return { entry: await this.createRegistrationEntry(e), existing: false };
  }
  async deleteRegistrationEntry(id: string): Promise<RegistrationEntry> {
    this.check();
    const e = this.entries.get(id);
    if (!e) throw new SpireError(Code.NOT_FOUND, 'datastore-sql: record not found');
    this.entries.delete(id);
    return clone(e);
  }
  async fetchRegistrationEntry(id: string) {
    this.check();
    const e = this.entries.get(id);
    return e && clone(e);
  }
  async fetchRegistrationEntries(ids: string[]) {
    this.check();
    const m = new Map<string, RegistrationEntry>();
    for (const id of ids) {
      const e = this.entries.get(id);
      if (e) m.set(id, clone(e));
    }
    return m;
  }
  async listRegistrationEntries(req: ListRegistrationEntriesRequest) {
    this.check();
    const r = page(this.filterEntries(req).map(clone), req.pagination);
    return { entries: r.items, pagination: r.pagination };
  }
  /** Copies every entry up front (the snapshot), then yields them in batches. */
  async *scanRegistrationEntries(opts?: ScanRegistrationEntriesOptions): AsyncGenerator<RegistrationEntry[]> {
    const size = scanBatchSize(opts);
    this.check();
    const all = this.filterEntries({}).map(clone);
    for (let i = 0; i < all.length; i += size) {
      await Promise.resolve();
      yield all.slice(i, i + size);
    }
  }
  async pruneRegistrationEntries(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'pruneRegistrationEntries is not supported by the in-memory fake');
  }
  async updateRegistrationEntry(e: RegistrationEntry, mask?: RegistrationEntryMask): Promise<RegistrationEntry> {
    this.check();
    const cur = this.entries.get(e.entryId);
    if (!cur) throw new SpireError(Code.NOT_FOUND, 'datastore-sql: record not found');
    const next = clone(cur);
    const m: RegistrationEntryMask = mask ?? Object.fromEntries(Object.keys(cur).map((k) => [k, true]));
    if (m.selectors) next.selectors = clone(e.selectors);
    if (m.parentId) next.parentId = e.parentId;
    if (m.spiffeId) next.spiffeId = e.spiffeId;
    if (m.x509SvidTtl) next.x509SvidTtl = e.x509SvidTtl;
    if (m.jwtSvidTtl) next.jwtSvidTtl = e.jwtSvidTtl;
    if (m.federatesWith) next.federatesWith = [...e.federatesWith];
    if (m.admin) next.admin = e.admin;
    if (m.downstream) next.downstream = e.downstream;
    if (m.entryExpiry) next.entryExpiry = e.entryExpiry;
    if (m.dnsNames) next.dnsNames = [...e.dnsNames];
    if (m.storeSvid) next.storeSvid = e.storeSvid;
    if (m.hint) next.hint = e.hint;
    if (m.additionalAttributes) next.additionalAttributes = e.additionalAttributes && clone(e.additionalAttributes);
    if (next.selectors.length === 0) throw new SpireError(Code.INVALID_ARGUMENT, 'datastore-validation: invalid registration entry: missing selector list');
    if (this.similar(next, next.entryId)) throw new SpireError(Code.ALREADY_EXISTS, 'similar entry already exists');
    this.validateEntry(next);
    next.revisionNumber++;
    this.entries.set(next.entryId, next);
    return clone(next);
  }
  async listRegistrationEntryEvents(): Promise<never> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }
  async pruneRegistrationEntryEvents(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }
  async fetchRegistrationEntryEvent(): Promise<never> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }

  // Nodes
  private filterNodes(req: ListAttestedNodesRequest): AttestedNode[] {
    return [...this.nodes.values()].filter((n) => {
      const banned = n.certSerialNumber === '' && n.newCertSerialNumber === '';
      return (
        (req.byAttestationType === undefined || n.attestationDataType === req.byAttestationType) &&
        (req.byBanned === undefined || banned === req.byBanned) &&
        (req.byCanReattest === undefined || n.canReattest === req.byCanReattest) &&
        (req.byExpiresBefore === undefined || n.certNotAfter < req.byExpiresBefore) &&
        (!req.bySpiffeIds || req.bySpiffeIds.includes(n.spiffeId)) &&
        (!req.bySelectorMatch || matches((this.nodeSelectors.get(n.spiffeId) ?? []).map(key), req.bySelectorMatch.selectors.map(key), req.bySelectorMatch.match))
      );
    });
  }
  async countAttestedNodes(req: CountAttestedNodesRequest): Promise<number> {
    this.check();
    return this.filterNodes(req).length;
  }
  async createAttestedNode(n: AttestedNode): Promise<AttestedNode> {
    this.check();
    if (this.nodes.has(n.spiffeId)) throw new SpireError(Code.ALREADY_EXISTS, 'attested node already exists');
    this.nodes.set(n.spiffeId, { ...clone(n), selectors: [] });
    if (n.selectors.length > 0) this.nodeSelectors.set(n.spiffeId, clone(n.selectors));
    return clone(n);
  }
  async deleteAttestedNode(id: string): Promise<AttestedNode> {
    this.check();
    const n = this.nodes.get(id);
    if (!n) throw new SpireError(Code.NOT_FOUND, 'datastore-sql: record not found');
    this.nodes.delete(id);
    return clone(n);
  }
  async fetchAttestedNode(id: string) {
    this.check();
    const n = this.nodes.get(id);
    return n && clone(n);
  }
  async fetchAttestedNodes(ids: string[]) {
    this.check();
    const m = new Map<string, AttestedNode>();
    for (const id of ids) if (this.nodes.has(id)) m.set(id, clone(this.nodes.get(id)!));
    return m;
  }
  async listAttestedNodes(req: ListAttestedNodesRequest) {
    this.check();
    const nodes = this.filterNodes(req).map((n) => ({ ...clone(n), selectors: req.fetchSelectors ? clone(this.nodeSelectors.get(n.spiffeId) ?? []) : [] }));
    const r = page(nodes, req.pagination);
    return { nodes: r.items, pagination: r.pagination };
  }
  /** Copies every node with its selectors up front (the snapshot), then yields them in batches. */
  async *scanAttestedNodes(opts?: ScanAttestedNodesOptions): AsyncGenerator<AttestedNode[]> {
    const size = scanBatchSize(opts);
    this.check();
    const all = (await this.listAttestedNodes({ validAt: opts?.validAt, fetchSelectors: true })).nodes;
    for (let i = 0; i < all.length; i += size) {
      await Promise.resolve();
      yield all.slice(i, i + size);
    }
  }
  async updateAttestedNode(n: AttestedNode, mask?: AttestedNodeMask): Promise<AttestedNode> {
    this.check();
    const cur = this.nodes.get(n.spiffeId);
    if (!cur) throw new SpireError(Code.NOT_FOUND, 'datastore-sql: record not found');
    const m = mask ?? Object.fromEntries(Object.keys(cur).map((k) => [k, true]));
    for (const k of Object.keys(m) as (keyof AttestedNodeMask)[]) if (m[k]) (cur as unknown as Record<string, unknown>)[k] = n[k];
    return clone(cur);
  }
  async pruneAttestedExpiredNodes(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'pruneAttestedExpiredNodes is not supported by the in-memory fake');
  }
  async listAttestedNodeEvents(): Promise<never> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }
  async pruneAttestedNodeEvents(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }
  async fetchAttestedNodeEvent(): Promise<never> {
    throw new SpireError(Code.UNIMPLEMENTED, 'events are not kept by the in-memory fake');
  }
  async getNodeSelectors(id: string): Promise<Selector[]> {
    this.check();
    return clone(this.nodeSelectors.get(id) ?? []);
  }
  async listNodeSelectors(): Promise<Map<string, Selector[]>> {
    this.check();
    return new Map([...this.nodeSelectors].map(([k, v]) => [k, clone(v)]));
  }
  async setNodeSelectors(id: string, s: Selector[]): Promise<void> {
    this.check();
    this.nodeSelectors.set(id, clone(s));
  }

  // Join tokens
  async createJoinToken(t: JoinToken): Promise<void> {
    this.check();
    if (this.tokens.has(t.token)) throw new SpireError(Code.ALREADY_EXISTS, 'join token already exists');
    this.tokens.set(t.token, clone(t));
  }
  async deleteJoinToken(token: string): Promise<void> {
    this.check();
    if (!this.tokens.delete(token)) throw new SpireError(Code.NOT_FOUND, 'join token not found');
  }
  async fetchJoinToken(token: string) {
    this.check();
    const t = this.tokens.get(token);
    return t && clone(t);
  }
  async consumeJoinToken(token: string) {
    this.check();
    const t = this.tokens.get(token);
    this.tokens.delete(token);
    return t;
  }
  async pruneJoinTokens(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'pruneJoinTokens is not supported by the in-memory fake');
  }
  async countJoinTokens(): Promise<number> {
    return this.tokens.size;
  }

  // Federation relationships
  async createFederationRelationship(fr: FederationRelationship): Promise<FederationRelationship> {
    this.check();
    if (this.relationships.has(fr.trustDomain)) throw new SpireError(Code.ALREADY_EXISTS, 'federation relationship already exists');
    if (fr.trustDomainBundle) await this.setBundle(fr.trustDomainBundle);
    this.relationships.set(fr.trustDomain, clone({ ...fr, trustDomainBundle: undefined }));
    return this.withBundle(fr.trustDomain)!;
  }
  private withBundle(td: string): FederationRelationship | undefined {
    const fr = this.relationships.get(td);
    if (!fr) return undefined;
    const b = this.bundles.get(`spiffe://${td}`);
    return clone({ ...fr, ...(b ? { trustDomainBundle: b } : {}) });
  }
  async fetchFederationRelationship(td: string) {
    this.check();
    return this.withBundle(td);
  }
  async listFederationRelationships(req: { pagination?: Pagination }) {
    this.check();
    const r = page([...this.relationships.keys()].map((k) => this.withBundle(k)!), req.pagination);
    return { federationRelationships: r.items, pagination: r.pagination };
  }
  async deleteFederationRelationship(td: string): Promise<void> {
    this.check();
    if (!this.relationships.delete(td)) throw new SpireError(Code.NOT_FOUND, 'datastore-sql: record not found');
  }
  async updateFederationRelationship(fr: FederationRelationship, mask: FederationRelationshipMask): Promise<FederationRelationship> {
    this.check();
    const cur = this.relationships.get(fr.trustDomain);
    if (!cur) throw new SpireError(Code.NOT_FOUND, 'unable to fetch federation relationship: record not found');
    if (mask.bundleEndpointUrl) cur.bundleEndpointUrl = fr.bundleEndpointUrl;
    if (mask.bundleEndpointProfile) {
      cur.bundleEndpointProfile = fr.bundleEndpointProfile;
      cur.endpointSpiffeId = fr.endpointSpiffeId;
    }
    if (mask.trustDomainBundle && fr.trustDomainBundle) await this.setBundle(fr.trustDomainBundle);
    return this.withBundle(fr.trustDomain)!;
  }
  async countFederationRelationships(): Promise<number> {
    return this.relationships.size;
  }

  // CA journals
  async setCAJournal(): Promise<CAJournal> {
    throw new SpireError(Code.UNIMPLEMENTED, 'CA journals are not kept by the in-memory fake');
  }
  async fetchCAJournal(): Promise<CAJournal | undefined> {
    throw new SpireError(Code.UNIMPLEMENTED, 'CA journals are not kept by the in-memory fake');
  }
  async pruneCAJournals(): Promise<void> {
    throw new SpireError(Code.UNIMPLEMENTED, 'CA journals are not kept by the in-memory fake');
  }
}
