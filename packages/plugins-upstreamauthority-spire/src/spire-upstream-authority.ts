import { X509Certificate as NodeX509 } from 'node:crypto';
import type { JWTKey, LocalBundleUpdate, Logger, MintX509CAResponse, PublishJWTKeyResponse, UpstreamAuthority, X509Certificate } from '@spire-ts/core/plugin';
import { SerialQueue } from '@spire-ts/core/plugin';
import { BundleCache, sameJwtKeys, sameRoots, type CachedBundle } from './bundle-cache.js';
import type { SpireUpstreamConfig } from './config.js';
import { jwtKeysFromWire, jwtKeyToWire, rootsFromWire } from './convert.js';
import { SpireUpstreamErrors } from './errors.js';
import { UpstreamClient } from './upstream-client.js';
import { WorkloadX509Source } from './workload-x509-source.js';

/** The plugin's clocks and bounds; SPIRE's values by default, shorter in tests. */
export interface SpireUpstreamTimings {
  /** How often the upstream bundle is polled while someone is subscribed (SPIRE: 5 s). */
  upstreamPollMs: number;
  /** How often a subscription compares the cached bundle with what it last sent (SPIRE: 1 s). */
  internalPollMs: number;
  /** The deadline of each call to the upstream server. */
  callTimeoutMs: number;
  /** How long the first subscriber waits for the Workload API's first SVID. */
  firstSvidTimeoutMs: number;
  /** The wait before a failed Workload API stream is opened again. */
  workloadRetryMs: number;
}

/** SPIRE's polling periods, and 30 s bounds on each call and on the first SVID. */
export const DEFAULT_TIMINGS: SpireUpstreamTimings = {
  upstreamPollMs: 5000,
  internalPollMs: 1000,
  callTimeoutMs: 30_000,
  firstSvidTimeoutMs: 30_000,
  workloadRetryMs: 1000,
};

interface Connection {
  source: WorkloadX509Source;
  client: UpstreamClient;
  stop: AbortController;
  polling: Promise<void>;
}

/** Resolves after `ms`, at `wake`, or when `signal` aborts, whichever comes first. */
function waitFor(ms: number, signal?: AbortSignal, wake?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    void wake?.then(done);
  });
}

/**
 * UpstreamAuthority "spire" (nested SPIRE). The first subscriber (a mint, a publish or a
 * local-bundle subscription in progress) opens the Workload API X509 source, dials the upstream
 * server over mutual TLS accepting only `spiffe://<td>/spire/server`, and starts polling
 * Bundle.GetBundle every 5 s into a cache; the last one to leave stops polling and closes the
 * channel and the source. A poll result replaces the cache only if no mint or publish changed it
 * since the poll began (SPIRE's cache guard).
 */
export class SpireUpstreamAuthority implements UpstreamAuthority {
  private readonly cache = new BundleCache();
  private readonly serverId: string;
  private subscribers = 0;
  private conn?: Connection;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    private readonly config: SpireUpstreamConfig,
    trustDomainId: string,
    private readonly log: Logger,
    private readonly t: SpireUpstreamTimings = DEFAULT_TIMINGS,
  ) {
    this.serverId = `${trustDomainId}/spire/server`;
  }

  /** Runs `fn` after every earlier subscribe/unsubscribe has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  private subscribe(): Promise<UpstreamClient> {
    return this.exclusive(async () => {
      if (this.closed) throw SpireUpstreamErrors.closed();
      this.conn ??= await this.connect();
      this.subscribers++;
      return this.conn.client;
    });
  }

  private unsubscribe(): Promise<void> {
    return this.exclusive(async () => {
      this.subscribers--;
      if (this.subscribers === 0) await this.release();
    });
  }

  private async connect(): Promise<Connection> {
    let source: WorkloadX509Source;
    try {
      source = await WorkloadX509Source.open({
        socketPath: this.config.workloadApiSocket,
        log: this.log,
        firstSvidTimeoutMs: this.t.firstSvidTimeoutMs,
        retryDelayMs: this.t.workloadRetryMs,
      });
    } catch (err) {
      throw SpireUpstreamErrors.createSource((err as Error).message, err);
    }
    let client: UpstreamClient;
    try {
      client = new UpstreamClient(this.config.serverAddress, this.config.serverPort, this.serverId, source, this.t.callTimeoutMs);
    } catch (err) {
      source.close();
      throw SpireUpstreamErrors.dial(err);
    }
    const stop = new AbortController();
    return { source, client, stop, polling: this.poll(client, stop.signal) };
  }

  private async release(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (!c) return;
    c.stop.abort();
    // The poll loop must be gone before the channel closes, so that no call races the close.
    await c.polling;
    c.client.close();
    c.source.close();
  }

  private async poll(client: UpstreamClient, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const version = this.cache.version;
      try {
        const b = await client.getBundle(signal);
        try {
          this.cache.setIfVersion({ x509Authorities: rootsFromWire(b.x509_authorities), jwtAuthorities: jwtKeysFromWire(b.jwt_authorities) }, version);
        } catch (err) {
          this.log.warn({ error: (err as Error).message }, 'Failed to set bundle while polling');
        }
      } catch (err) {
        if (!signal.aborted) this.log.warn({ error: (err as Error).message }, 'Failed to fetch bundle while polling');
      }
      await waitFor(this.t.upstreamPollMs, signal);
    }
    this.log.debug('Poll bundle updates context done');
  }

  /**
   * The cached bundle each time it differs (by `differs`) from `last`, the last one yielded:
   * checked every internal poll period and at once when the cache changes. Ends when `signal`
   * aborts.
   */
  private async *changes(last: CachedBundle, differs: (a: CachedBundle, b: CachedBundle) => boolean, signal?: AbortSignal): AsyncGenerator<CachedBundle> {
    while (!signal?.aborted) {
      // Taken before reading, so a change in between wakes the wait at once.
      const woke = this.cache.changed();
      const now = this.cache.get();
      if (differs(last, now)) {
        yield now;
        last = now;
      }
      await waitFor(this.t.internalPollMs, signal, woke);
    }
  }

  private async fetchBundle(client: UpstreamClient, signal?: AbortSignal) {
    try {
      return await client.getBundle(signal);
    } catch (err) {
      throw SpireUpstreamErrors.fetchBundle(err);
    }
  }

  /**
   * SVID.NewDownstreamX509CA with the CSR, then Bundle.GetBundle for the roots; yields the chain
   * and the roots, then (this server's UpstreamAuthority contract) every change of the upstream
   * roots, with an empty chain, until `signal` aborts. Throws INTERNAL with SPIRE's messages when
   * the upstream refuses (e.g. a caller without `downstream`) or cannot be reached.
   */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): AsyncIterable<MintX509CAResponse> {
    const client = await this.subscribe();
    try {
      let chain: Buffer[];
      try {
        chain = (await client.newDownstreamX509CA(req.csr, req.preferredTtlSeconds, signal)).ca_cert_chain;
      } catch (err) {
        throw SpireUpstreamErrors.newDownstreamX509CA(err);
      }
      try {
        for (const c of chain) new NodeX509(c);
      } catch (err) {
        throw SpireUpstreamErrors.parseCaChain(err);
      }
      const bundle = await this.fetchBundle(client, signal);
      let roots: X509Certificate[];
      try {
        roots = rootsFromWire(bundle.x509_authorities);
      } catch (err) {
        throw SpireUpstreamErrors.parseAuthorities(err);
      }
      this.cache.setX509Authorities(roots);
      yield { x509CaChain: chain.map((c) => new Uint8Array(c)), upstreamX509Roots: roots };
      const rootsDiffer = (a: CachedBundle, b: CachedBundle) => !sameRoots(a.x509Authorities, b.x509Authorities);
      for await (const b of this.changes({ x509Authorities: roots, jwtAuthorities: [] }, rootsDiffer, signal)) {
        yield { x509CaChain: [], upstreamX509Roots: b.x509Authorities };
      }
    } finally {
      await this.unsubscribe();
    }
  }

  /**
   * Bundle.PublishJWTAuthority with the key; yields the upstream's JWT authorities once. Throws
   * INTERNAL "failed to push JWT authority: ..." when the upstream refuses or cannot be reached.
   */
  async *publishJWTKeyAndSubscribe(jwtKey: JWTKey, signal?: AbortSignal): AsyncIterable<PublishJWTKeyResponse> {
    const client = await this.subscribe();
    try {
      let answered;
      try {
        answered = await client.publishJWTAuthority(jwtKeyToWire(jwtKey), signal);
      } catch (err) {
        throw SpireUpstreamErrors.pushJwtAuthority(err);
      }
      let keys: JWTKey[];
      try {
        keys = jwtKeysFromWire(answered);
      } catch (err) {
        throw SpireUpstreamErrors.parseJwtKey(err);
      }
      this.cache.setJwtAuthorities(keys);
      yield { upstreamJwtKeys: keys };
    } finally {
      await this.unsubscribe();
    }
  }

  /**
   * SPIRE's SubscribeToLocalBundle: yields the upstream bundle's roots and JWT keys from
   * GetBundle, then again whenever the cached bundle (polled every 5 s, or changed by a mint or a
   * publish) differs from what was last yielded, checked every second and at each change. Runs
   * until `signal` aborts. Throws INTERNAL when the first GetBundle fails.
   */
  async *subscribeToLocalBundle(signal?: AbortSignal): AsyncIterable<LocalBundleUpdate> {
    const client = await this.subscribe();
    try {
      const bundle = await this.fetchBundle(client, signal);
      let first: CachedBundle;
      try {
        first = { x509Authorities: rootsFromWire(bundle.x509_authorities), jwtAuthorities: [] };
      } catch (err) {
        throw SpireUpstreamErrors.parseAuthorities(err);
      }
      try {
        first.jwtAuthorities = jwtKeysFromWire(bundle.jwt_authorities);
      } catch (err) {
        throw SpireUpstreamErrors.parseJwtKey(err);
      }
      yield { upstreamX509Roots: first.x509Authorities, upstreamJwtKeys: first.jwtAuthorities };
      this.cache.setX509Authorities(first.x509Authorities);
      this.cache.setJwtAuthorities(first.jwtAuthorities);
      const differs = (a: CachedBundle, b: CachedBundle) => !sameRoots(a.x509Authorities, b.x509Authorities) || !sameJwtKeys(a.jwtAuthorities, b.jwtAuthorities);
      for await (const b of this.changes(first, differs, signal)) {
        yield { upstreamX509Roots: b.x509Authorities, upstreamJwtKeys: b.jwtAuthorities };
      }
    } finally {
      await this.unsubscribe();
    }
  }

  /** True while someone is subscribed and the connection is open (for tests and diagnostics). */
  get connected(): boolean {
    return this.conn !== undefined;
  }

  /** Stops polling and closes the channel and the source; later calls fail UNAVAILABLE. Safe to call twice. */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      this.closed = true;
      await this.release();
    });
  }
}
