import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { AttestedNode, DataStore } from '../plugins/datastore/contract.js';

/** How often the whole cache is listed again from the store (as SPIRE's node cache). */
export const NODE_CACHE_REBUILD_MS = 5_000;

export interface AttestedNodeCacheOptions {
  dataStore: DataStore;
  log: Logger;
  /**
   * `max_attested_node_info_staleness`: how long a cached node may vouch for an agent's serial
   * number. 0 turns the cache off (every agent call reads the store).
   */
  maxStalenessMs: number;
  /** Clock in milliseconds (tests); defaults to Date.now. */
  now?: () => number;
  rebuildMs?: number;
}

/** A node as cached, and when it was last read from the store. */
export interface CachedNode {
  node: AttestedNode;
  refreshedAt: number;
}

/**
 * The attested nodes agent authorization may trust without reading the store, for at most
 * `max_attested_node_info_staleness`. The whole set of nodes valid now is listed every 5 s; a
 * node read on a miss or a stale hit is kept with its own read time; a node written through this
 * server (ban, delete, renewal) is dropped at once, so its next call reads the store. Off (every
 * lookup misses) when the staleness is 0, SPIRE's default.
 */
export class AttestedNodeCache {
  private nodes = new Map<string, CachedNode>();
  private timer: NodeJS.Timeout | undefined;
  private rebuilding: Promise<void> | undefined;
  /** Nodes dropped while a rebuild's list was in flight (the list may hold their old state). */
  private droppedDuringRebuild = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly opts: AttestedNodeCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.maxStalenessMs > 0;
  }

  /** The cached node of `spiffeId` and when it was read, or undefined (always, when off). */
  lookup(spiffeId: string): CachedNode | undefined {
    return this.enabled ? this.nodes.get(spiffeId) : undefined;
  }

  /**
   * Whether the cache alone may admit an agent presenting `serial`: its node was read within the
   * staleness bound, is not banned, and `serial` is its current serial number. Any other answer
   * (a miss, a stale, banned or renewing node) means: read the store.
   */
  vouchesFor(spiffeId: string, serial: string): boolean {
    const c = this.lookup(spiffeId);
    return c !== undefined && this.now() - c.refreshedAt < this.opts.maxStalenessMs && c.node.certSerialNumber !== '' && c.node.certSerialNumber === serial;
  }

  /** Reads the node from the store and caches it (drops it when absent or the read fails). */
  async fetch(spiffeId: string): Promise<AttestedNode | undefined> {
    let node: AttestedNode | undefined;
    try {
      node = await this.opts.dataStore.fetchAttestedNode(spiffeId);
    } catch (err) {
      this.nodes.delete(spiffeId);
      throw err;
    }
    if (!this.enabled) return node;
    if (node) this.nodes.set(spiffeId, { node, refreshedAt: this.now() });
    else this.nodes.delete(spiffeId);
    return node;
  }

  /** Forgets a node written through this server (a ChangeListener half). */
  noteNodeChanged(spiffeId: string): void {
    this.nodes.delete(spiffeId);
    if (this.rebuilding) this.droppedDuringRebuild.add(spiffeId);
  }

  /** Lists every node valid now into a fresh map (one rebuild at a time). */
  rebuild(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.rebuilding ??= (async () => {
      const builtAt = this.now();
      try {
        const { nodes } = await this.opts.dataStore.listAttestedNodes({ validAt: Math.floor(builtAt / 1000) });
        const next = new Map<string, CachedNode>();
        for (const node of nodes) next.set(node.spiffeId, { node, refreshedAt: builtAt });
        // Nodes read or dropped while the list ran keep their newer state.
        for (const [id, c] of this.nodes) if (c.refreshedAt > builtAt) next.set(id, c);
        for (const id of this.droppedDuringRebuild) {
          const fresh = this.nodes.get(id);
          if (!fresh || fresh.refreshedAt <= builtAt) next.delete(id);
        }
        this.nodes = next;
      } finally {
        this.droppedDuringRebuild.clear();
        this.rebuilding = undefined;
      }
    })();
    return this.rebuilding;
  }

  /** Loads the cache, then lists it again every 5 s (no-op when off). */
  async start(): Promise<void> {
    if (!this.enabled || this.timer) return;
    await this.rebuild();
    this.timer = setInterval(() => {
      this.rebuild().catch((err: unknown) => this.opts.log.error({ error: errorMessage(err) }, 'Failed to rebuild the attested node cache'));
    }, this.opts.rebuildMs ?? NODE_CACHE_REBUILD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
