import { isEntryExpired, type AttestedNode, type RegistrationEntry, type Selector } from '../plugins/datastore/contract.js';
import { TrustDomain } from '../spiffeid/index.js';
import { EntryIdIndex } from './entry-id-index.js';
import { LeafFilter } from './leaf-filter.js';

/** Counts of what an index holds (for logs, metrics and the bench). */
export interface EntryIndexStats {
  /** Entries that can be handed to agents (node aliases excluded). */
  entries: number;
  /** Node alias entries (parent `spiffe://<td>/spire/server`). */
  aliases: number;
  /** Agents with their node selectors. */
  agents: number;
  /** Distinct interned SPIFFE IDs. */
  ids: number;
  /** Distinct selectors used by node aliases. */
  aliasSelectors: number;
}

const NONE = -1;
/** `spiffeOf` of an entry loaded by `loadEntry` and not resolved yet (see `settle`). */
const PENDING = -2;
const KIND_FREE = 0;
const KIND_ENTRY = 1;
const KIND_ALIAS = 2;
const EMPTY: readonly never[] = Object.freeze([]);

function growInt32(a: Int32Array<ArrayBuffer>, need: number, fill: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let n = Math.max(16, a.length);
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function growUint8(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let n = Math.max(16, a.length);
  while (n < need) n *= 2;
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

/**
 * The in-memory index behind the authorized-entries cache: which entries each agent may see, as
 * SPIRE computes it. An agent sees the entries whose parent is the agent itself or one of its node
 * aliases, then recursively the entries parented to any SPIFFE ID reached so far. A node alias is
 * an entry parented to `spiffe://<td>/spire/server` with at least one selector, all of which are
 * among the agent's node selectors; the alias entry itself is not handed out, the entries parented
 * to its SPIFFE ID are. Entries or agents of another trust domain are ignored; an agent whose
 * certificate has expired keeps only what is parented to its own ID (no aliases). An entry past
 * its expiry (an alias included) is skipped at lookup, with all that is reached only through it,
 * so it grants nothing between its expiry and the prune that deletes it.
 *
 * Layout, chosen for a million entries: SPIFFE IDs that something hangs off (parents of entries,
 * agents, node aliases) and selectors are interned to integers; children of an ID form an
 * intrusive doubly-linked list in typed arrays (O(1) insert and remove, 12 bytes per entry). An
 * entry's own SPIFFE ID is looked up, not interned: most are leaves that nothing is parented to,
 * and at a million entries interning each would double the size of the ID table (and a fifth of
 * the build time). A leaf's ID is kept in a Bloom filter (`LeafFilter`), so an ID that becomes
 * known later is matched to the leaves that carry it by one scan only when the filter says it may.
 * Entry IDs map to slots through `EntryIdIndex` (sorted hashes for a load, a `Map` for later ones).
 * Entries are stored once as frozen `RegistrationEntry` objects whose ID strings are shared with
 * every other use of the ID (leaves keep their own), so a lookup only collects
 * references. Only the selectors of node aliases are interned (by type, then value): an agent's
 * selectors are kept as given and matched against them at lookup, so the many selectors no alias
 * uses cost no index space. Visited-marks are generation stamps, so a lookup allocates nothing but
 * its result.
 *
 * Not safe to share across threads (there are none); every method is synchronous, so a lookup
 * always sees a state between two whole updates.
 */
export class EntryIndex {
  private readonly tdPrefix: string;
  private readonly tdId: string;
  private readonly serverId: string;

  private readonly idOf = new Map<string, number>();
  private readonly idStr: string[] = [];
  private firstChild = new Int32Array(0);
  private visited = new Int32Array(0);

  /** Alias selectors: type -> value -> selector int. */
  private readonly selOf = new Map<string, Map<string, number>>();
  private selCount = 0;
  private selMark = new Int32Array(0);

  private readonly slotOf = new EntryIdIndex((slot) => this.objs[slot]?.entryId);
  private readonly objs: (RegistrationEntry | undefined)[] = [];
  private kind = new Uint8Array(0);
  private parentOf = new Int32Array(0);
  private spiffeOf = new Int32Array(0);
  private nextSib = new Int32Array(0);
  private prevSib = new Int32Array(0);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;

  /** Alias slot -> its selector ints (sorted, distinct). */
  private readonly aliasSels = new Map<number, number[]>();
  /** Selector int -> alias slots having it. */
  private readonly aliasesBySel = new Map<number, number[]>();
  private aliasMark = new Int32Array(0);

  /** ID int -> the agent's node selectors (frozen); undefined for IDs that are not agents. */
  private readonly agentSels: (readonly Selector[] | undefined)[] = [];
  /** ID int -> the agent's certificate expiry, Unix seconds (meaningful where agentSels is set). */
  private agentExpiry = new Float64Array(0);
  private agentCount = 0;

  /** Entries loaded with `loadEntry` whose `spiffeOf` is PENDING. */
  private pending = 0;
  /** SPIFFE IDs of entries whose `spiffeOf` is NONE (see the class comment). */
  private leaves = new LeafFilter(1024);
  private leafCount = 0;

  private gen = 0;
  private entryCount = 0;
  private aliasCount = 0;
  private readonly strings = new Map<string, string>();

  /** Creates an empty index for one trust domain. Throws when `trustDomain` is not valid. */
  constructor(trustDomain: TrustDomain | string) {
    const td = typeof trustDomain === 'string' ? TrustDomain.parse(trustDomain) : trustDomain;
    this.tdId = td.idString();
    this.tdPrefix = `${this.tdId}/`;
    this.serverId = `${this.tdId}/spire/server`;
  }

  private inTd(id: string): boolean {
    return id.startsWith(this.tdPrefix) || id === this.tdId;
  }

  /** One string object per distinct small string (selector types, trust domains, hints). */
  private intern(s: string): string {
    const v = this.strings.get(s);
    if (v !== undefined) return v;
    this.strings.set(s, s);
    return s;
  }

  private idNum(id: string): number {
    let n = this.idOf.get(id);
    if (n === undefined) {
      n = this.idOf.size;
      this.idOf.set(id, n);
      this.idStr.push(id);
      if (n >= this.firstChild.length) {
        this.firstChild = growInt32(this.firstChild, n + 1, NONE);
        this.visited = growInt32(this.visited, n + 1, 0);
      }
      if (this.leafCount > 0 && this.leaves.mightContain(id)) this.adoptLeaves(id, n);
    }
    return n;
  }

  /** Points the leaf entries whose SPIFFE ID is `id` at its new number `n`. */
  private adoptLeaves(id: string, n: number): void {
    const { spiffeOf, kind, objs } = this;
    for (let s = 0; s < this.slotCount; s++) {
      if (spiffeOf[s] === NONE && kind[s] === KIND_ENTRY && objs[s]!.spiffeId === id) {
        spiffeOf[s] = n;
        this.leafCount--;
      }
    }
  }

  /** The number of an entry's own SPIFFE ID, or NONE (and remembered as a leaf) when unknown. */
  private resolveSpiffe(spiffeId: string): number {
    const n = this.idOf.get(spiffeId);
    if (n !== undefined) return n;
    if (this.leaves.added >= this.leaves.capacity) this.rebuildLeaves(2 * (this.leafCount + 1));
    this.leaves.add(spiffeId);
    this.leafCount++;
    return NONE;
  }

  /** A fresh filter with room for `capacity`, holding the current leaves. */
  private rebuildLeaves(capacity: number): void {
    this.leaves = new LeafFilter(Math.max(1024, capacity));
    for (let s = 0; s < this.slotCount; s++) {
      if (this.spiffeOf[s] === NONE && this.kind[s] === KIND_ENTRY) this.leaves.add(this.objs[s]!.spiffeId);
    }
  }

  /**
   * Resolves the SPIFFE IDs of the entries `loadEntry` added: each gets its ID's number, or
   * becomes a leaf. Lookups and entry updates call it first, and `loadIndex` when its load is
   * done. Safe to call any number of times.
   */
  settle(): void {
    this.slotOf.finishLoad();
    if (this.pending === 0) return;
    this.rebuildLeaves(2 * (this.leafCount + this.pending));
    const { spiffeOf, kind, objs } = this;
    for (let s = 0; s < this.slotCount; s++) {
      if (spiffeOf[s] !== PENDING || kind[s] !== KIND_ENTRY) continue;
      const id = objs[s]!.spiffeId;
      const n = this.idOf.get(id);
      if (n !== undefined) spiffeOf[s] = n;
      else {
        spiffeOf[s] = NONE;
        this.leaves.add(id);
        this.leafCount++;
      }
    }
    this.pending = 0;
  }

  private selNum(s: Selector): number {
    let byValue = this.selOf.get(s.type);
    if (byValue === undefined) this.selOf.set(s.type, (byValue = new Map()));
    let n = byValue.get(s.value);
    if (n === undefined) {
      n = this.selCount++;
      byValue.set(s.value, n);
      this.selMark = growInt32(this.selMark, n + 1, 0);
    }
    return n;
  }

  private selNums(selectors: readonly Selector[]): number[] {
    const out: number[] = [];
    for (const s of selectors) {
      const n = this.selNum(s);
      if (!out.includes(n)) out.push(n);
    }
    return out.sort((a, b) => a - b);
  }

  private newSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const s = this.slotCount++;
    if (s >= this.kind.length) {
      const need = s + 1;
      this.kind = growUint8(this.kind, need);
      this.parentOf = growInt32(this.parentOf, need, 0);
      this.spiffeOf = growInt32(this.spiffeOf, need, 0);
      this.nextSib = growInt32(this.nextSib, need, 0);
      this.prevSib = growInt32(this.prevSib, need, 0);
      this.aliasMark = growInt32(this.aliasMark, need, 0);
    }
    return s;
  }

  /**
   * Freezes `e` in place (its ID fields replaced by the interned strings, empty lists by one shared
   * empty list): the index owns it from now on.
   */
  private adopt(e: RegistrationEntry, spiffe: number, parent: number): RegistrationEntry {
    if (spiffe >= 0) e.spiffeId = this.idStr[spiffe]!;
    e.parentId = this.idStr[parent]!;
    if (e.selectors.length === 0) e.selectors = EMPTY as unknown as Selector[];
    else {
      for (const sel of e.selectors) {
        sel.type = this.intern(sel.type);
        Object.freeze(sel);
      }
      Object.freeze(e.selectors);
    }
    e.federatesWith = (e.federatesWith.length === 0 ? EMPTY : Object.freeze(e.federatesWith.map((t) => this.intern(t)))) as string[];
    e.dnsNames = (e.dnsNames.length === 0 ? EMPTY : Object.freeze(e.dnsNames)) as string[];
    if (e.hint !== '') e.hint = this.intern(e.hint);
    if (e.additionalAttributes !== undefined) Object.freeze(e.additionalAttributes);
    return Object.freeze(e);
  }

  /** A deep copy of an entry, for `upsertEntry` without `adopt`. */
  private static copy(e: RegistrationEntry): RegistrationEntry {
    const out: RegistrationEntry = {
      ...e,
      selectors: e.selectors.map((x) => ({ type: x.type, value: x.value })),
      federatesWith: [...e.federatesWith],
      dnsNames: [...e.dnsNames],
    };
    if (e.additionalAttributes !== undefined) out.additionalAttributes = { ...e.additionalAttributes };
    return out;
  }

  /**
   * Adds or replaces the entry with `entry.entryId`. An entry of another trust domain (by parent
   * or SPIFFE ID) is dropped (and a previous version removed). The index keeps a frozen deep copy;
   * with `adopt` it freezes and keeps the given object itself (for fresh store records nobody
   * else holds). Safe to call repeatedly with the same entry.
   */
  upsertEntry(entry: RegistrationEntry, adopt = false): void {
    this.settle();
    this.removeEntry(entry.entryId);
    this.insertEntry(entry, adopt, false);
  }

  /**
   * Adds an entry while a fresh index is filled from one store snapshot, where no entry ID can
   * repeat: as `upsertEntry` with `adopt`, without looking for a previous version first.
   */
  loadEntry(entry: RegistrationEntry): void {
    this.insertEntry(entry, true, true);
  }

  /**
   * Adds an entry whose ID is not in the index. While loading, its own SPIFFE ID is resolved later
   * (`settle`), when every parent of the snapshot is known.
   */
  private insertEntry(entry: RegistrationEntry, adopt: boolean, loading: boolean): void {
    if (!this.inTd(entry.parentId) || !this.inTd(entry.spiffeId)) return;
    const slot = this.newSlot();
    const parent = this.idNum(entry.parentId);
    if (loading) this.slotOf.load(entry.entryId, slot);
    else this.slotOf.set(entry.entryId, slot);
    if (entry.parentId === this.serverId) {
      // A node alias: the entries reached through it are parented to its SPIFFE ID.
      const spiffe = this.idNum(entry.spiffeId);
      this.spiffeOf[slot] = spiffe;
      const sels = this.selNums(entry.selectors);
      this.kind[slot] = KIND_ALIAS;
      this.objs[slot] = this.adopt(adopt ? entry : EntryIndex.copy(entry), spiffe, parent);
      this.parentOf[slot] = NONE;
      this.aliasSels.set(slot, sels);
      for (const s of sels) {
        const list = this.aliasesBySel.get(s);
        if (list) list.push(slot);
        else this.aliasesBySel.set(s, [slot]);
      }
      this.aliasCount++;
      return;
    }
    let spiffe: number;
    if (loading) {
      spiffe = PENDING;
      this.pending++;
    } else spiffe = this.resolveSpiffe(entry.spiffeId);
    this.spiffeOf[slot] = spiffe;
    this.kind[slot] = KIND_ENTRY;
    this.objs[slot] = this.adopt(adopt ? entry : EntryIndex.copy(entry), spiffe, parent);
    this.parentOf[slot] = parent;
    const head = this.firstChild[parent]!;
    this.prevSib[slot] = NONE;
    this.nextSib[slot] = head;
    if (head !== NONE) this.prevSib[head] = slot;
    this.firstChild[parent] = slot;
    this.entryCount++;
  }

  /** Removes the entry; returns whether it was present. Safe to call for unknown IDs. */
  removeEntry(entryId: string): boolean {
    const slot = this.slotOf.get(entryId);
    if (slot === undefined) return false;
    const own = this.spiffeOf[slot]!;
    if (own === NONE && this.kind[slot] === KIND_ENTRY) this.leafCount--;
    else if (own === PENDING) this.pending--;
    this.slotOf.delete(entryId);
    if (this.kind[slot] === KIND_ALIAS) {
      for (const s of this.aliasSels.get(slot) ?? []) {
        const list = this.aliasesBySel.get(s)!;
        const i = list.indexOf(slot);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.aliasesBySel.delete(s);
      }
      this.aliasSels.delete(slot);
      this.aliasCount--;
    } else {
      const prev = this.prevSib[slot]!;
      const next = this.nextSib[slot]!;
      if (prev === NONE) this.firstChild[this.parentOf[slot]!] = next;
      else this.nextSib[prev] = next;
      if (next !== NONE) this.prevSib[next] = prev;
      this.entryCount--;
    }
    this.kind[slot] = KIND_FREE;
    this.objs[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  /** The IDs of the stored entries, node aliases included. Do not change the index while iterating. */
  *entryIds(): IterableIterator<string> {
    for (const e of this.objs) if (e) yield e.entryId;
  }

  /** The stored (frozen) entry, or undefined. Node aliases are included. */
  getEntry(entryId: string): RegistrationEntry | undefined {
    const slot = this.slotOf.get(entryId);
    return slot === undefined ? undefined : this.objs[slot];
  }

  /**
   * Adds or replaces an agent with its node selectors and certificate expiry (Unix seconds). An
   * agent of another trust domain is ignored. The index keeps a frozen copy of the selectors; with
   * `adopt` it freezes and keeps the given array. Safe to call repeatedly.
   */
  upsertAgent(agentId: string, certNotAfter: number, selectors: Selector[], adopt = false): void {
    if (!this.inTd(agentId)) return;
    const id = this.idNum(agentId);
    const own = adopt ? selectors : selectors.map((x) => ({ type: x.type, value: x.value }));
    for (const x of own) {
      x.type = this.intern(x.type);
      Object.freeze(x);
    }
    if (this.agentSels[id] === undefined) this.agentCount++;
    while (this.agentSels.length <= id) this.agentSels.push(undefined);
    this.agentSels[id] = Object.freeze(own);
    if (id >= this.agentExpiry.length) {
      let n = Math.max(16, this.agentExpiry.length);
      while (n <= id) n *= 2;
      const grown = new Float64Array(n);
      grown.set(this.agentExpiry);
      this.agentExpiry = grown;
    }
    this.agentExpiry[id] = certNotAfter;
  }

  /** Adds or replaces an agent from a stored node (its `selectors` must be filled); as `upsertAgent`. */
  upsertNode(node: AttestedNode, adopt = false): void {
    this.upsertAgent(node.spiffeId, node.certNotAfter, node.selectors, adopt);
  }

  /** Forgets an agent; returns whether it was known. */
  removeAgent(agentId: string): boolean {
    const id = this.idOf.get(agentId);
    if (id === undefined || this.agentSels[id] === undefined) return false;
    this.agentSels[id] = undefined;
    this.agentCount--;
    return true;
  }

  /** Forgets agents whose certificate expired before `nowSec`; returns how many. */
  pruneExpiredAgents(nowSec: number): number {
    let n = 0;
    for (let id = 0; id < this.agentSels.length; id++) {
      if (this.agentSels[id] !== undefined && this.agentExpiry[id]! < nowSec) {
        this.agentSels[id] = undefined;
        this.agentCount--;
        n++;
      }
    }
    return n;
  }

  /** Alias SPIFFE ID ints matching the agent (stamped with the current generation). */
  private pushAliases(agent: number, nowSec: number, stack: number[]): void {
    const sels = this.agentSels[agent];
    if (sels === undefined || sels.length === 0) return;
    if (this.agentExpiry[agent]! < nowSec) return;
    const g = this.gen;
    // The agent's selectors that some alias uses, as selector ints.
    const known: number[] = [];
    for (const x of sels) {
      const n = this.selOf.get(x.type)?.get(x.value);
      if (n !== undefined) {
        this.selMark[n] = g;
        known.push(n);
      }
    }
    for (const s of known) {
      const aliases = this.aliasesBySel.get(s);
      if (aliases === undefined) continue;
      for (const a of aliases) {
        if (this.aliasMark[a] === g) continue;
        this.aliasMark[a] = g;
        if (isEntryExpired(this.objs[a]!, nowSec)) continue;
        let all = true;
        for (const need of this.aliasSels.get(a)!) {
          if (this.selMark[need] !== g) {
            all = false;
            break;
          }
        }
        if (all) stack.push(this.spiffeOf[a]!);
      }
    }
  }

  private nextGen(): number {
    this.gen = (this.gen + 1) | 0;
    if (this.gen <= 0) {
      // Wrapped after 2^31 lookups: clear the stamps so no old mark can equal a new generation.
      this.visited.fill(0);
      this.selMark.fill(0);
      this.aliasMark.fill(0);
      this.gen = 1;
    }
    return this.gen;
  }

  /** Calls `visit` for every entry the agent is authorized for; stops when it returns false. */
  private crawl(agentId: string, nowSec: number, visit: (e: RegistrationEntry) => boolean): void {
    this.settle();
    const g = this.nextGen();
    const stack: number[] = [];
    const agent = this.idOf.get(agentId);
    if (agent === undefined) return;
    this.pushAliases(agent, nowSec, stack);
    stack.push(agent);
    const visited = this.visited;
    const firstChild = this.firstChild;
    const nextSib = this.nextSib;
    const spiffeOf = this.spiffeOf;
    const objs = this.objs;
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (visited[p] === g) continue;
      visited[p] = g;
      for (let c = firstChild[p]!; c !== NONE; c = nextSib[c]!) {
        const e = objs[c]!;
        // Past its expiry an entry grants nothing, itself or below it, as if already pruned.
        if (isEntryExpired(e, nowSec)) continue;
        if (!visit(e)) return;
        const own = spiffeOf[c]!;
        if (own !== NONE) stack.push(own);
      }
    }
  }

  /**
   * Every entry the agent may see (frozen, shared objects: callers must not modify them), in no
   * particular order, each once. `nowSec` decides whether the agent's certificate still grants
   * its node aliases, and which entries are past their expiry: those, and whatever is reached only
   * through them, are left out (see `isEntryExpired`). Never throws; an unknown agent gets [].
   */
  authorizedEntries(agentId: string, nowSec: number = Math.floor(Date.now() / 1000)): RegistrationEntry[] {
    const out: RegistrationEntry[] = [];
    this.crawl(agentId, nowSec, (e) => {
      out.push(e);
      return true;
    });
    return out;
  }

  /**
   * The entries among `entryIds` that the agent may see, keyed by entry ID (SPIRE's
   * LookupAuthorizedEntries). Stops crawling once all are found. Never throws.
   */
  lookupAuthorizedEntries(
    agentId: string,
    entryIds: ReadonlySet<string>,
    nowSec: number = Math.floor(Date.now() / 1000),
  ): Map<string, RegistrationEntry> {
    const out = new Map<string, RegistrationEntry>();
    if (entryIds.size === 0) return out;
    this.crawl(agentId, nowSec, (e) => {
      if (entryIds.has(e.entryId)) out.set(e.entryId, e);
      return out.size < entryIds.size;
    });
    return out;
  }

  /** Counts of what the index holds. */
  stats(): EntryIndexStats {
    return {
      entries: this.entryCount,
      aliases: this.aliasCount,
      agents: this.agentCount,
      ids: this.idOf.size,
      aliasSelectors: this.selCount,
    };
  }
}
