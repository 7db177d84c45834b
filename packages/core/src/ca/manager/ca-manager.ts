import { errorMessage } from '../../errors.js';
import { SerialQueue } from '../../serial-queue.js';
import { countCall } from '../../telemetry/instrument.js';
import { NOOP_METRICS, type CallCounter, type Metrics } from '../../telemetry/metrics.js';
import type { JWTKey } from '../../plugins/types.js';
import { DEFAULT_CA_TTL_MS } from '../x509-ca-builder.js';
import { AuthorityLifecycle } from './authority-lifecycle.js';
import { BundleUpdates } from './bundle-updates.js';
import { Journal } from './journal.js';
import { jwtAuthorityKind } from './jwt-authority.js';
import { JWTKeyPublisher } from './jwt-key-publisher.js';
import type { AuthoritiesState, AuthorityState } from './local-authority-checks.js';
import { LocalAuthority, upstreamAuthorityOp, type UpstreamAuthorityOpsDeps } from './local-authority.js';
import { PRUNE_BUNDLE_INTERVAL_MS, PRUNE_CA_JOURNALS_INTERVAL_MS, PUBLISH_BUNDLE_INTERVAL_MS, ROTATE_INTERVAL_MS, SAFETY_THRESHOLD_CA_JOURNALS_MS, SUBSCRIBE_LOCAL_BUNDLE_DELAY_MS, sec, type CAManagerConfig } from './manager-config.js';
import { loadSlots } from './slot-loader.js';
import type { JWTKeySlot, SlotId, X509CASlot } from './slots.js';
import { UpstreamStream } from './upstream-stream.js';
import { retrying, UpstreamRoots } from './upstream-roots.js';
import { chainsToTainted } from '../tainted.js';
import { hex, readCertificate } from '../x509/certificate.js';
import { LocalBundleSubscription } from './local-bundle-subscription.js';
import { x509AuthorityKind } from './x509-authority.js';

export {
  PRUNE_BUNDLE_INTERVAL_MS,
  PRUNE_CA_JOURNALS_INTERVAL_MS,
  PUBLISH_BUNDLE_INTERVAL_MS,
  ROTATE_INTERVAL_MS,
  SAFETY_THRESHOLD_BUNDLE_MS,
  SAFETY_THRESHOLD_CA_JOURNALS_MS,
  type CAManagerConfig,
} from './manager-config.js';
export { toPluginBundle } from './bundle-updates.js';
export type { AuthoritiesState, AuthorityState } from './local-authority-checks.js';
export type { SlotId };

/** Counted each time a prune removed something from the bundle. */
const BUNDLE_PRUNED = ['ca', 'manager', 'bundle', 'pruned'];

/**
 * The CA manager (SPIRE's ca/manager plus its rotator): keeps the X.509 CA and the JWT key in
 * current/next slots, prepares and activates them on SPIRE's thresholds, records each step in the
 * journal, keeps the trust bundle in the DataStore and tells Notifiers and BundlePublishers of
 * every bundle change. All operations are serialised; none runs concurrently with another.
 *
 * The work is split by concern: slot-loader.ts (loading from the journal), authority-lifecycle.ts
 * with x509-authority.ts and jwt-authority.ts (prepare, activate, rotate), upstream-stream.ts
 * (the UpstreamAuthority subscription), upstream-roots.ts (upstream roots, their taints and
 * revocations), bundle-updates.ts (append, prune, notify) and
 * local-authority.ts with local-authority-checks.ts (the LocalAuthority API's operations).
 */
export class CAManager {
  private readonly lock = new SerialQueue();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly bundle: BundleUpdates;
  private readonly upstream?: UpstreamStream;
  private readonly localBundle?: LocalBundleSubscription;
  /** Ends the retries of moving off tainted upstream authorities on close. */
  private readonly stopping = new AbortController();
  private readonly jwtPublisher: JWTKeyPublisher;
  private readonly x509: AuthorityLifecycle<X509CASlot>;
  private readonly jwt: AuthorityLifecycle<JWTKeySlot>;
  private readonly x509Authority: LocalAuthority<X509CASlot>;
  private readonly jwtAuthority: LocalAuthority<JWTKeySlot>;
  private readonly upstreamOps: UpstreamAuthorityOpsDeps;
  private readonly metrics: Metrics;
  private readonly pruneCalls: CallCounter;
  private failedRotations = 0;

  private constructor(
    private readonly c: CAManagerConfig,
    journal: Journal,
    slots: Awaited<ReturnType<typeof loadSlots>>,
  ) {
    const caTtlMs = c.caTtlMs && c.caTtlMs > 0 ? c.caTtlMs : DEFAULT_CA_TTL_MS;
    const caKeyType = c.caKeyType ?? 'ec-p256';
    const serial = this.serial.bind(this);
    this.bundle = new BundleUpdates(c);
    const appendBundle = (part: Parameters<BundleUpdates['append']>[0]) => this.bundle.append(part);
    const bundleChanged = () => this.bundle.changed();
    if (c.upstreamAuthority) {
      const roots = new UpstreamRoots({
        trustDomainId: c.trustDomain.idString(),
        log: c.log,
        dataStore: c.dataStore,
        appendBundle,
        bundleChanged,
        tainted: (authorities) => this.onUpstreamTainted(authorities),
      });
      const syncRoots = (r: Parameters<UpstreamRoots['sync']>[0]) => roots.sync(r);
      this.upstream = new UpstreamStream({ ...c, upstreamAuthority: c.upstreamAuthority, caTtlMs, syncRoots });
      this.localBundle = new LocalBundleSubscription({ upstreamAuthority: c.upstreamAuthority, log: c.log, syncRoots, appendBundle, delayMs: SUBSCRIBE_LOCAL_BUNDLE_DELAY_MS });
    }
    this.jwtPublisher = new JWTKeyPublisher({ upstreamAuthority: c.upstreamAuthority, log: c.log, appendJWTKeys: (keys) => appendBundle({ jwtSigningKeys: keys }) });
    const x509Kind = x509AuthorityKind({ c, journal, caKeyType, caTtlMs, upstream: this.upstream, appendBundle });
    const jwtKind = jwtAuthorityKind({ c, journal, jwtKeyType: c.jwtKeyType ?? caKeyType, ttlMs: caTtlMs, publisher: this.jwtPublisher });
    this.metrics = c.metrics ?? NOOP_METRICS;
    this.pruneCalls = this.metrics.callCounter(['ca', 'manager', 'bundle', 'prune']);
    this.x509 = new AuthorityLifecycle(x509Kind, c.log, c.clock, slots.x509, c.metrics);
    this.jwt = new AuthorityLifecycle(jwtKind, c.log, c.clock, slots.jwt, c.metrics);
    this.x509Authority = new LocalAuthority(this.x509, x509Kind, serial, bundleChanged);
    this.jwtAuthority = new LocalAuthority(this.jwt, jwtKind, serial, bundleChanged);
    this.upstreamOps = { configured: !!c.upstreamAuthority, trustDomainId: c.trustDomain.idString(), dataStore: c.dataStore, ca: c.ca, x509View: () => this.x509.view(), serial, bundleChanged };
  }

  /**
   * Loads the journal and the slots it names (reusing the KeyManager's keys), and activates the
   * current authorities unless they are already due for rotation. Does not prepare anything:
   * call `initialize()` (or `rotate()`) next. Throws when the DataStore or KeyManager fails.
   */
  static async create(c: CAManagerConfig): Promise<CAManager> {
    const journal = await Journal.load(c.dataStore, c.keyManager, c.log);
    const m = new CAManager(c, journal, await loadSlots(c, journal));
    const now = c.clock.now();
    await m.x509.activateLoaded(now);
    await m.jwt.activateLoaded(now);
    return m;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  // ---- slots ------------------------------------------------------------------------------

  getCurrentX509CASlot(): Readonly<X509CASlot> {
    return this.x509.current;
  }
  getNextX509CASlot(): Readonly<X509CASlot> {
    return this.x509.next;
  }
  getCurrentJWTKeySlot(): Readonly<JWTKeySlot> {
    return this.jwt.current;
  }
  getNextJWTKeySlot(): Readonly<JWTKeySlot> {
    return this.jwt.next;
  }
  /** True when the X.509 CA is signed by an UpstreamAuthority. */
  isUpstreamAuthority(): boolean {
    return this.c.upstreamAuthority !== undefined;
  }
  isJWTSVIDsDisabled(): boolean {
    return this.c.disableJwtSvids === true;
  }

  // ---- rotation ---------------------------------------------------------------------------

  /** Prepares an X.509 CA in the next slot (or the current one when it is empty). */
  prepareX509CA(): Promise<void> {
    return this.serial(() => this.x509.prepare());
  }

  /** Makes the next X.509 CA current and the current one old. */
  rotateX509CA(): Promise<void> {
    return this.serial(() => this.x509.rotate());
  }

  /** Prepares a JWT key in the next slot (or the current one when it is empty); nothing when JWT-SVIDs are disabled. */
  prepareJWTKey(): Promise<void> {
    return this.serial(() => this.jwt.prepare());
  }

  /** Makes the next JWT key current and the current one old; nothing when JWT-SVIDs are disabled. */
  rotateJWTKey(): Promise<void> {
    return this.serial(() => this.jwt.rotate());
  }

  /**
   * Publishes a JWT key a downstream server sent (PublishJWTAuthority), as SPIRE's manager: to
   * the UpstreamAuthority when it supports PublishJWTKey, else into the local bundle. Notifiers
   * and BundlePublishers hear of the change. Returns the bundle's JWT keys after the append.
   */
  publishDownstreamJWTKey(key: JWTKey): Promise<JWTKey[]> {
    return this.jwtPublisher.publish(key);
  }

  /** The first rotation at startup (SPIRE's Rotator.Initialize): fails when no X.509 CA can be made. */
  initialize(): Promise<void> {
    return this.rotate();
  }

  /**
   * One rotation step, as SPIRE's rotator: make current authorities when there are none, prepare
   * the next at the preparation threshold, swap at the activation threshold. Throws when the
   * X.509 CA cannot be made and there is none; other failures are logged.
   */
  rotate(): Promise<void> {
    return this.serial(async () => {
      const errors: unknown[] = [];
      try {
        await this.x509.step();
      } catch (err) {
        this.failedRotations++;
        this.c.log.error({ error: errorMessage(err) }, 'Unable to rotate X509 CA');
        if (this.x509.current.isEmpty()) throw err;
        errors.push(err);
      }
      if (!this.isJWTSVIDsDisabled()) {
        try {
          await this.jwt.step();
        } catch (err) {
          this.failedRotations++;
          this.c.log.error({ error: errorMessage(err) }, 'Unable to rotate JWT key');
          errors.push(err);
        }
      }
      if (errors.length > 0) throw errors[0];
    });
  }

  /**
   * How many X.509 CA and JWT key rotations failed since start (never reset, as SPIRE's rotator
   * counts them for its `server.ca.rotator` health check).
   */
  rotationFailures(): number {
    return this.failedRotations;
  }

  // ---- tainted upstream authorities ------------------------------------------------------

  /** Upstream roots arrived tainted: move off them in the background, retried as SPIRE does. */
  private onUpstreamTainted(authorities: Uint8Array[]): void {
    retrying(() => this.processTaintedUpstreamAuthorities(authorities), this.c.log, this.stopping.signal).catch((err: unknown) => {
      if (!this.stopping.signal.aborted) this.c.log.error({ error: errorMessage(err) }, 'Failed to force intermediate bundle rotation');
    });
  }

  /**
   * SPIRE's processing of tainted upstream authorities: when the current X.509 CA chains to one
   * of them, a new CA is prepared (unless an untainted one already waits in the next slot) and
   * activated at once; only then are the authorities tainted in the bundle, so that agents and
   * downstream servers start replacing their SVIDs once this server signs with a clean CA, and
   * the server's own SVID is replaced. Authorities already tainted in the bundle are skipped, so
   * a retry after a partial failure goes on where it stopped.
   */
  processTaintedUpstreamAuthorities(authorities: Uint8Array[]): Promise<void> {
    return this.serial(async () => {
      if (authorities.length === 0) return;
      const now = new Date(this.c.clock.now());
      const taintedCA = (ca: X509CASlot['x509CA']) => !!ca && chainsToTainted([ca.certificate.der, ...ca.upstreamChain], authorities, now);
      if (taintedCA(this.x509.current.x509CA)) {
        this.c.log.info('Current root CA is signed by a tainted upstream authority, preparing rotation');
        const next = this.x509.next;
        const nextTainted = !next.isEmpty() && next.status === 'PREPARED' && taintedCA(next.x509CA);
        if (nextTainted) this.c.log.info('Next authority is tainted, prepare new X.509 authority');
        if (next.isEmpty() || nextTainted) await this.x509.prepare();
        await this.x509.rotate();
      }
      const td = this.c.trustDomain.idString();
      const stored = (await this.c.dataStore.fetchBundle(td))?.rootCas ?? [];
      const alreadyTainted = new Set(stored.filter((r) => r.taintedKey).map((r) => hex(readCertificate(r.derBytes).subjectKeyId)));
      for (const a of authorities) {
        const skid = hex(readCertificate(a).subjectKeyId);
        if (!alreadyTainted.has(skid)) await this.c.dataStore.taintX509CA(td, skid);
      }
      this.bundle.changed();
      this.c.ca.notifyTaintedX509Authorities(authorities);
    });
  }

  // ---- bundle -----------------------------------------------------------------------------

  /** Removes bundle authorities expired for more than a day; notifies when something went. */
  pruneBundle(): Promise<boolean> {
    return this.serial(() =>
      countCall(this.pruneCalls, async () => {
        const pruned = await this.bundle.prune();
        if (pruned) this.metrics.incrCounter(BUNDLE_PRUNED);
        return pruned;
      }),
    );
  }

  /**
   * Removes CA journals whose every authority expired more than two weeks ago. Counted as
   * `ca.manager.bundle.prune` too, as upstream does.
   */
  pruneCAJournals(): Promise<void> {
    return this.serial(() => countCall(this.pruneCalls, () => this.c.dataStore.pruneCAJournals(sec(this.c.clock.now() - SAFETY_THRESHOLD_CA_JOURNALS_MS))));
  }

  /**
   * Tells Notifiers the bundle is loaded (an error stops the server, as SPIRE's
   * NotifyAndAdviseBundleLoaded) and publishes it; from then on bundle changes are delivered as
   * BundleUpdated. Call once, after `initialize()`: the changes initialize made (the first X.509
   * CA, then the first JWT key) are dropped, as SPIRE drops them, so a Notifier's first event is
   * BundleLoaded with the complete bundle. Throws what a Notifier or the DataStore throws.
   */
  notifyBundleLoaded(): Promise<void> {
    return this.bundle.notifyLoaded();
  }

  /** Resolves when every bundle notification scheduled so far has been delivered (tests). */
  async settled(): Promise<void> {
    await this.lock;
    await this.bundle.settled();
  }

  // ---- local authority operations (LocalAuthority API; errors are LocalAuthorityErrors) ---

  /** X.509 authorities: the active one (current slot) and the prepared or old one (next slot). */
  getX509AuthorityState(): AuthoritiesState {
    return this.x509Authority.getState();
  }
  /** Prepares a new X.509 authority now; returns its state. */
  prepareX509Authority(): Promise<AuthorityState> {
    return this.x509Authority.prepare();
  }
  /** Activates the prepared X.509 authority with this ID; returns the new active state. */
  activateX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.x509Authority.activate(authorityId);
  }
  /** Taints the old X.509 authority with this ID (only without an UpstreamAuthority). */
  taintX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.x509Authority.taint(authorityId);
  }
  /** Revokes the old, tainted X.509 authority with this ID (only without an UpstreamAuthority). */
  revokeX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.x509Authority.revoke(authorityId);
  }
  /** Taints the upstream authority (by subject key ID) that signed the old X.509 authority. */
  taintX509UpstreamAuthority(subjectKeyId: string): Promise<string> {
    return upstreamAuthorityOp(this.upstreamOps, 'taint', subjectKeyId);
  }
  /** Revokes the tainted upstream authority (by subject key ID) that signed the old X.509 authority. */
  revokeX509UpstreamAuthority(subjectKeyId: string): Promise<string> {
    return upstreamAuthorityOp(this.upstreamOps, 'revoke', subjectKeyId);
  }
  /** JWT authorities: the active one and the prepared or old one. UNIMPLEMENTED when JWT-SVIDs are disabled. */
  getJWTAuthorityState(): AuthoritiesState {
    return this.jwtAuthority.getState();
  }
  /** Prepares a new JWT authority now; returns its state. */
  prepareJWTAuthority(): Promise<AuthorityState> {
    return this.jwtAuthority.prepare();
  }
  /** Activates the prepared JWT authority with this ID; returns the new active state. */
  activateJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.jwtAuthority.activate(authorityId);
  }
  /** Taints the old JWT authority with this ID. */
  taintJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.jwtAuthority.taint(authorityId);
  }
  /** Revokes a tainted JWT authority of the bundle with this ID (not the current or a prepared one). */
  revokeJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.jwtAuthority.revoke(authorityId);
  }

  // ---- running ----------------------------------------------------------------------------

  /**
   * Starts the periodic tasks on real timers: rotation every 10 s, bundle pruning every 6 h,
   * journal pruning every 8 h, and, with an UpstreamAuthority, the upstream bundle subscription
   * (local-bundle-subscription.ts). Errors are logged. Stopped by `close()`.
   */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
      const t = setInterval(() => {
        fn().catch((err: unknown) => this.c.log.error({ error: errorMessage(err) }, what));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(ROTATE_INTERVAL_MS, () => this.rotate(), 'Rotation failed');
    every(PRUNE_BUNDLE_INTERVAL_MS, () => this.pruneBundle(), 'Unable to prune bundle');
    every(PRUNE_CA_JOURNALS_INTERVAL_MS, () => this.pruneCAJournals(), 'Unable to prune CA journals');
    every(PUBLISH_BUNDLE_INTERVAL_MS, () => this.bundle.republish(), 'Failed to publish bundle');
    this.localBundle?.start();
  }

  /** Stops timers and the upstream stream; waits for the operation in flight. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.upstream?.close();
    await this.localBundle?.close();
    await this.settled();
  }
}
