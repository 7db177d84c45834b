import { performance } from 'node:perf_hooks';
import { Code, SpireError, codeName, errorMessage } from '../../errors.js';
import { NOOP_METRICS, type CallCounter, type Metrics } from '../../telemetry/metrics.js';
import type { Logger } from '../../log/logger.js';
import type { Clock } from '../clock.js';
import type { AuthorityStatus } from './journal-codec.js';
import type { SlotPairView, SlotView } from './local-authority-checks.js';
import type { SlotPair } from './slot-loader.js';
import type { AuthoritySlot } from './slots.js';

/**
 * What differs between the X.509 CA and the JWT key in their lifecycle: how an authority is
 * made, journalled and handed to the signing CA, and how the logs name it.
 */
export interface AuthorityKind<S extends AuthoritySlot> {
  /** As the logs name one authority: "X509 CA", "JWT key". */
  readonly logName: string;
  /** As the logs name its journal entry: "X509CA", "JWTKey". */
  readonly journalName: string;
  /** False when this kind is switched off (JWT-SVIDs disabled): nothing is prepared or rotated. */
  enabled(): boolean;
  /** Makes a new authority in the (reset) slot and fills every field but `status`. Throws when it cannot. */
  mint(slot: S, now: number): Promise<void>;
  /** Records the freshly prepared slot in the journal. */
  journalAppend(slot: S): Promise<void>;
  /** Records a status change in the journal. */
  journalStatus(authorityId: string, status: AuthorityStatus): Promise<void>;
  /** Hands the slot's authority to the signing CA. */
  install(slot: S): void;
  /** Its part in SPIRE's CA manager metric names: "x509_ca", "jwt_key". */
  readonly metricName: string;
  /** Records an activation in SPIRE's metrics (each kind has its own names). */
  recordActivation(slot: S, now: number): void;
  /** Log fields of "<logName> prepared". */
  preparedLogFields(slot: S): Record<string, unknown>;
  /** The slot as the LocalAuthority checks see it. */
  view(slot: S): SlotView;
}

/**
 * The lifecycle of one kind of authority in its current and next slots, as SPIRE's manager and
 * rotator: prepare into the next slot, activate the current one, rotate (next becomes current,
 * current becomes old), each step journalled. Written once for both kinds over an
 * {@link AuthorityKind}. Not serialised itself: the CA manager calls it under its lock.
 * Journal failures are logged, not thrown, as SPIRE.
 */
export class AuthorityLifecycle<S extends AuthoritySlot> {
  current: S;
  next: S;

  /** `ca.manager.<kind>.prepare`, SPIRE's call counter of each prepare. */
  private readonly prepareCalls: CallCounter;

  constructor(
    private readonly kind: AuthorityKind<S>,
    private readonly log: Logger,
    private readonly clock: Clock,
    slots: SlotPair<S>,
    metrics: Metrics = NOOP_METRICS,
  ) {
    this.current = slots.current;
    this.next = slots.next;
    this.prepareCalls = metrics.callCounter(['ca', 'manager', kind.metricName, 'prepare']);
  }

  /** Prepares an authority in the next slot (or the current one when it is empty). Throws when minting fails. */
  async prepare(): Promise<void> {
    const k = this.kind;
    if (!k.enabled()) return;
    const slot = this.current.isEmpty() ? this.current : this.next;
    this.log.debug({ slot: slot.id }, `Preparing ${k.logName}`);
    slot.reset();
    const now = this.clock.now();
    const t0 = performance.now();
    try {
      await k.mint(slot, now);
    } catch (err) {
      this.prepareCalls.done(codeName(err instanceof SpireError ? err.code : Code.UNKNOWN), performance.now() - t0);
      throw err;
    }
    this.prepareCalls.done('OK', performance.now() - t0);
    slot.status = 'PREPARED';
    try {
      await k.journalAppend(slot);
    } catch (err) {
      this.log.error({ error: errorMessage(err) }, `Unable to append ${k.logName} to journal`);
    }
    this.log.info(k.preparedLogFields(slot), `${k.logName} prepared`);
  }

  /** Marks the current authority active and hands it to the signing CA. */
  async activate(): Promise<void> {
    const slot = this.current;
    slot.status = 'ACTIVE';
    try {
      await this.kind.journalStatus(slot.authorityId, 'ACTIVE');
    } catch (err) {
      this.log.error({ error: errorMessage(err) }, `Failed to update to activated status on ${this.kind.journalName} journal entry`);
    }
    this.log.info({ slot: slot.id, local_authority_id: slot.authorityId, expiration: new Date(slot.notAfter).toISOString() }, `${this.kind.logName} activated`);
    this.kind.recordActivation(slot, this.clock.now());
    this.kind.install(slot);
  }

  /** Makes the next authority current and the current one old. */
  async rotate(): Promise<void> {
    if (!this.kind.enabled()) return;
    [this.current, this.next] = [this.next, this.current];
    this.next.reset();
    try {
      await this.kind.journalStatus(this.next.authorityId, 'OLD');
    } catch (err) {
      this.log.error({ error: errorMessage(err) }, `Failed to update status on ${this.kind.journalName} journal entry`);
    }
    await this.activate();
  }

  /** After loading: the current authority is used at once unless it is already due to hand over (as SPIRE). */
  async activateLoaded(now: number): Promise<void> {
    if (!this.current.isEmpty() && !this.current.shouldActivateNext(now)) await this.activate();
  }

  /**
   * One rotation step: make a current authority when there is none, prepare the next at the
   * preparation threshold, swap at the activation threshold. Throws when minting fails.
   */
  async step(): Promise<void> {
    const now = this.clock.now();
    if (this.current.isEmpty()) {
      await this.prepare();
      await this.activate();
    }
    if (this.next.isEmpty() && this.current.shouldPrepareNext(now)) await this.prepare();
    if (this.current.shouldActivateNext(now)) await this.rotate();
  }

  /** Both slots as the LocalAuthority checks see them. */
  view(): SlotPairView {
    return { current: this.kind.view(this.current), next: this.kind.view(this.next) };
  }
}
