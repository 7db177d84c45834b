import { createPublicKey, randomBytes } from 'node:crypto';
import type { Logger } from '../../log/logger.js';
import { Code, errorCode, errorMessage, SpireError } from '../../errors.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import type { KeyManager, KeyType } from '../../plugins/keymanager/contract.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import type { Notifier } from '../../plugins/notifier/contract.js';
import type { BundlePublisher } from '../../plugins/bundlepublisher/contract.js';
import type { CredentialComposer, DistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import type { JWTKey, PluginBundle } from '../../plugins/types.js';
import type { CADataStore } from '../ca-datastore.js';
import type { Clock } from '../clock.js';
import { CAErrors } from '../errors.js';
import type { SigningPool } from '../pool/signing-pool.js';
import type { ServerCA, X509CA, JWTSigningKey } from '../server-ca.js';
import { signerFor, type CASigner } from '../signer.js';
import { buildCACSR, DEFAULT_CA_TTL_MS, selfSignX509CA } from '../x509-ca-builder.js';
import { hex, readCertificate, type CertInfo } from '../x509/certificate.js';
import type { JWTKeyEntry, X509CAEntry } from './journal-codec.js';
import { Journal } from './journal.js';
import { JWTKeyPublisher } from './jwt-key-publisher.js';
import { JWTKeySlot, otherSlotId, X509CASlot, type SlotId } from './slots.js';

/** SPIRE's safety margins: bundle entries stay a day past expiry, journals two weeks. */
export const SAFETY_THRESHOLD_BUNDLE_MS = 24 * 60 * 60 * 1000;
export const SAFETY_THRESHOLD_CA_JOURNALS_MS = 14 * 24 * 60 * 60 * 1000;
/** SPIRE's rotator intervals. */
export const ROTATE_INTERVAL_MS = 10_000;
export const PRUNE_BUNDLE_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const PRUNE_CA_JOURNALS_INTERVAL_MS = 8 * 60 * 60 * 1000;

/** Everything the CA manager works with. */
export interface CAManagerConfig {
  trustDomain: TrustDomain;
  clock: Clock;
  log: Logger;
  keyManager: KeyManager;
  dataStore: CADataStore;
  pool: SigningPool;
  ca: ServerCA;
  upstreamAuthority?: UpstreamAuthority;
  notifiers?: Notifier[];
  bundlePublishers?: BundlePublisher[];
  credentialComposers?: CredentialComposer[];
  /** ca_key_type; default ec-p256. */
  caKeyType?: KeyType;
  /** jwt_key_type; default: ca_key_type. */
  jwtKeyType?: KeyType;
  /** ca_ttl (ms); default 24h. */
  caTtlMs?: number;
  caSubject?: DistinguishedName;
  excludeSnFromCaSubject?: boolean;
  /** Whether JWT-SVIDs are disabled (no JWT key is prepared). */
  disableJwtSvids?: boolean;
}

/** The state of one local authority (LocalAuthority API). */
export interface AuthorityState {
  authorityId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** X.509 only: the subject key ID of the upstream authority that signed it. */
  upstreamAuthoritySubjectKeyId?: string;
}

/** Active, prepared and old authorities of one kind. */
export interface AuthoritiesState {
  active?: AuthorityState;
  prepared?: AuthorityState;
  old?: AuthorityState;
}

const sec = (ms: number) => Math.floor(ms / 1000);

function newKid(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  try {
    const ka = createPublicKey({ key: Buffer.from(a), format: 'der', type: 'spki' });
    const kb = createPublicKey({ key: Buffer.from(b), format: 'der', type: 'spki' });
    return ka.equals(kb);
  } catch {
    return false;
  }
}

/** The plugin view of a stored bundle. */
export function toPluginBundle(b: Bundle, trustDomainName: string): PluginBundle {
  return {
    trustDomain: trustDomainName,
    x509Authorities: b.rootCas.map((c) => ({ asn1: c.derBytes, tainted: c.taintedKey })),
    jwtAuthorities: b.jwtSigningKeys.map((k) => ({ publicKey: k.pkixBytes, keyId: k.kid, expiresAt: k.notAfter, tainted: k.taintedKey })),
    refreshHint: b.refreshHint,
    sequenceNumber: b.sequenceNumber,
  };
}

/**
 * The CA manager (SPIRE's ca/manager plus its rotator): keeps the X.509 CA and the JWT key in
 * current/next slots, prepares and activates them on SPIRE's thresholds, records each step in the
 * journal, keeps the trust bundle in the DataStore and tells Notifiers and BundlePublishers of
 * every bundle change. All operations are serialised; none runs concurrently with another.
 */
export class CAManager {
  private currentX509CA: X509CASlot = new X509CASlot('A');
  private nextX509CA: X509CASlot = new X509CASlot('B');
  private currentJWTKey: JWTKeySlot = new JWTKeySlot('A');
  private nextJWTKey: JWTKeySlot = new JWTKeySlot('B');
  private lock: Promise<unknown> = Promise.resolve();
  private notifyChain: Promise<void> = Promise.resolve();
  private notifyPending = false;
  /** SPIRE's one-slot "bundle updated" channel: a change not yet told to Notifiers. */
  private updatePending = false;
  /** Set once Notifiers were told the bundle is loaded; changes are delivered only after that. */
  private deliveringUpdates = false;
  private upstreamStream?: AbortController;
  private readonly caKeyType: KeyType;
  private readonly jwtKeyType: KeyType;
  private readonly caTtlMs: number;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly jwtPublisher: JWTKeyPublisher;

  private constructor(
    private readonly c: CAManagerConfig,
    private readonly journal: Journal,
  ) {
    this.caKeyType = c.caKeyType ?? 'ec-p256';
    this.jwtKeyType = c.jwtKeyType ?? this.caKeyType;
    this.caTtlMs = c.caTtlMs && c.caTtlMs > 0 ? c.caTtlMs : DEFAULT_CA_TTL_MS;
    this.jwtPublisher = new JWTKeyPublisher({ upstreamAuthority: c.upstreamAuthority, log: c.log, appendJWTKeys: (keys) => this.appendBundle({ jwtSigningKeys: keys }) });
  }

  /**
   * Loads the journal and the slots it names (reusing the KeyManager's keys), and activates the
   * current authorities unless they are already due for rotation. Does not prepare anything:
   * call `initialize()` (or `rotate()`) next. Throws when the DataStore or KeyManager fails.
   */
  static async create(c: CAManagerConfig): Promise<CAManager> {
    const journal = await Journal.load(c.dataStore, c.keyManager, c.log);
    const m = new CAManager(c, journal);
    await m.loadSlots();
    return m;
  }

  private log(): Logger {
    return this.c.log;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.lock.then(fn, fn);
    this.lock = p.catch(() => undefined);
    return p;
  }

  // ---- loading ----------------------------------------------------------------------------

  private async loadSlots(): Promise<void> {
    const entries = this.journal.getEntries();
    const bundle = await this.c.dataStore.fetchBundle(this.c.trustDomain.idString());
    let x509 = entries.x509CAs;
    let jwt = entries.jwtKeys;
    if (bundle) {
      jwt = jwt.filter((e) => bundle.jwtSigningKeys.some((k) => k.kid === e.kid));
      if (!this.c.upstreamAuthority) x509 = x509.filter((e) => bundle.rootCas.some((r) => Buffer.from(r.derBytes).equals(Buffer.from(e.certificate))));
    }
    const now = this.c.clock.now();

    let cur: X509CASlot | undefined;
    let nxt: X509CASlot | undefined;
    for (const e of [...x509].reverse()) {
      const slot = await this.loadX509Slot(e, now);
      if (!slot) continue;
      if (slot.status === 'ACTIVE') cur ??= slot;
      else nxt ??= slot;
      if (cur && nxt) break;
    }
    if (cur) nxt ??= new X509CASlot(otherSlotId(cur.id));
    else if (nxt) [cur, nxt] = [nxt, new X509CASlot(otherSlotId(nxt.id))];
    this.currentX509CA = cur ?? new X509CASlot('A');
    this.nextX509CA = nxt ?? new X509CASlot('B');

    let jcur: JWTKeySlot | undefined;
    let jnxt: JWTKeySlot | undefined;
    for (const e of [...jwt].reverse()) {
      const slot = await this.loadJWTSlot(e, now);
      if (!slot) continue;
      if (slot.status === 'ACTIVE') jcur ??= slot;
      else jnxt ??= slot;
      if (jcur && jnxt) break;
    }
    if (jcur) jnxt ??= new JWTKeySlot(otherSlotId(jcur.id));
    else if (jnxt) [jcur, jnxt] = [jnxt, new JWTKeySlot(otherSlotId(jnxt.id))];
    this.currentJWTKey = jcur ?? new JWTKeySlot('A');
    this.nextJWTKey = jnxt ?? new JWTKeySlot('B');

    // As SPIRE: a loaded current authority is used at once unless it is already due to hand over.
    if (!this.currentX509CA.isEmpty() && !this.currentX509CA.shouldActivateNext(now)) await this.activateX509CA();
    if (!this.currentJWTKey.isEmpty() && !this.currentJWTKey.shouldActivateNext(now)) await this.activateJWTKey();
  }

  private async signerIfMatches(kmKeyId: string, spki: Uint8Array): Promise<CASigner | string> {
    let pk;
    try {
      pk = await this.c.keyManager.getPublicKey(kmKeyId);
    } catch (err) {
      if (errorCode(err) === Code.NOT_FOUND) return 'no key manager key';
      throw err;
    }
    if (!sameKey(pk.pkixData, spki)) return 'public key does not match key manager key';
    return signerFor(this.c.keyManager, kmKeyId, this.c.pool);
  }

  private async loadX509Slot(e: X509CAEntry, now: number): Promise<X509CASlot | undefined> {
    const warn = (reason: string) => {
      this.log().warn({ slot: e.slotId, local_authority_id: e.authorityId, error: reason }, 'X509CA slot unusable');
      return undefined;
    };
    if (e.slotId !== 'A' && e.slotId !== 'B') return warn('no slot id');
    if (e.notAfter * 1000 < now) return warn('slot expired');
    let cert: CertInfo;
    try {
      cert = readCertificate(e.certificate);
    } catch (err) {
      throw new Error(`unable to parse CA certificate: ${errorMessage(err)}`);
    }
    const slot = new X509CASlot(e.slotId);
    const signer = await this.signerIfMatches(slot.kmKeyId, cert.spki);
    if (typeof signer === 'string') return warn(signer);
    slot.issuedAt = e.issuedAt * 1000;
    slot.x509CA = { signer, certificate: cert, upstreamChain: e.upstreamChain };
    slot.status = e.status;
    slot.authorityId = e.authorityId;
    slot.upstreamAuthorityId = e.upstreamAuthorityId;
    slot.notAfter = cert.notAfter;
    return slot;
  }

  private async loadJWTSlot(e: JWTKeyEntry, now: number): Promise<JWTKeySlot | undefined> {
    const warn = (reason: string) => {
      this.log().warn({ slot: e.slotId, local_authority_id: e.authorityId, error: reason }, 'JWT key slot unusable');
      return undefined;
    };
    if (e.slotId !== 'A' && e.slotId !== 'B') return warn('no slot id');
    if (e.notAfter * 1000 < now) return warn('slot expired');
    const slot = new JWTKeySlot(e.slotId);
    const signer = await this.signerIfMatches(slot.kmKeyId, e.publicKey);
    if (typeof signer === 'string') return warn(signer);
    slot.issuedAt = e.issuedAt * 1000;
    slot.jwtKey = { signer, kid: e.kid, notAfter: e.notAfter * 1000 };
    slot.status = e.status;
    slot.authorityId = e.authorityId;
    slot.notAfter = e.notAfter * 1000;
    return slot;
  }

  // ---- slots ------------------------------------------------------------------------------

  getCurrentX509CASlot(): Readonly<X509CASlot> {
    return this.currentX509CA;
  }
  getNextX509CASlot(): Readonly<X509CASlot> {
    return this.nextX509CA;
  }
  getCurrentJWTKeySlot(): Readonly<JWTKeySlot> {
    return this.currentJWTKey;
  }
  getNextJWTKeySlot(): Readonly<JWTKeySlot> {
    return this.nextJWTKey;
  }
  /** True when the X.509 CA is signed by an UpstreamAuthority. */
  isUpstreamAuthority(): boolean {
    return this.c.upstreamAuthority !== undefined;
  }
  isJWTSVIDsDisabled(): boolean {
    return this.c.disableJwtSvids === true;
  }

  // ---- X.509 CA ---------------------------------------------------------------------------

  /** Prepares an X.509 CA in the next slot (or the current one when it is empty). */
  prepareX509CA(): Promise<void> {
    return this.serial(() => this.doPrepareX509CA());
  }

  private async doPrepareX509CA(): Promise<void> {
    const slot = this.currentX509CA.isEmpty() ? this.currentX509CA : this.nextX509CA;
    this.log().debug({ slot: slot.id }, 'Preparing X509 CA');
    slot.reset();
    const now = this.c.clock.now();
    await this.c.keyManager.generateKey(slot.kmKeyId, this.caKeyType);
    const signer = await signerFor(this.c.keyManager, slot.kmKeyId, this.c.pool);
    const x509CA = this.c.upstreamAuthority ? await this.upstreamSignX509CA(signer) : await this.selfSignX509CA(signer, now);
    slot.issuedAt = now;
    slot.x509CA = x509CA;
    slot.status = 'PREPARED';
    slot.authorityId = hex(x509CA.certificate.subjectKeyId);
    slot.upstreamAuthorityId = x509CA.certificate.authorityKeyId && this.c.upstreamAuthority ? hex(x509CA.certificate.authorityKeyId) : '';
    slot.notAfter = x509CA.certificate.notAfter;
    try {
      await this.journal.appendX509CA({
        slotId: slot.id,
        issuedAt: sec(now),
        certificate: x509CA.certificate.der,
        upstreamChain: x509CA.upstreamChain,
        status: 'PREPARED',
        authorityId: slot.authorityId,
        notAfter: sec(slot.notAfter),
        upstreamAuthorityId: slot.upstreamAuthorityId,
      });
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Unable to append X509 CA to journal');
    }
    this.log().info(
      { slot: slot.id, issued_at: new Date(now).toISOString(), expiration: new Date(slot.notAfter).toISOString(), self_signed: !this.c.upstreamAuthority, local_authority_id: slot.authorityId, upstream_authority_id: slot.upstreamAuthorityId },
      'X509 CA prepared',
    );
  }

  private async selfSignX509CA(signer: CASigner, now: number): Promise<X509CA> {
    const cert = await selfSignX509CA(
      signer,
      { trustDomainId: this.c.trustDomain.idString(), subject: this.c.caSubject, excludeSnFromSubject: this.c.excludeSnFromCaSubject, credentialComposers: this.c.credentialComposers },
      now,
      this.caTtlMs,
    );
    await this.appendBundle({ rootCas: [{ derBytes: cert.der, taintedKey: false }] });
    return { signer, certificate: cert, upstreamChain: [] };
  }

  private async upstreamSignX509CA(signer: CASigner): Promise<X509CA> {
    const ua = this.c.upstreamAuthority!;
    const csr = await buildCACSR(signer, {
      trustDomainId: this.c.trustDomain.idString(),
      subject: this.c.caSubject,
      credentialComposers: this.c.credentialComposers,
    });
    this.upstreamStream?.abort();
    const ac = new AbortController();
    this.upstreamStream = ac;
    const it = ua.mintX509CAAndSubscribe({ csr, preferredTtlSeconds: sec(this.caTtlMs) }, ac.signal)[Symbol.asyncIterator]();
    let first;
    try {
      first = await it.next();
    } catch (err) {
      ac.abort();
      throw err instanceof SpireError ? err : CAErrors.upstreamFailed(errorMessage(err), err);
    }
    if (first.done || first.value.x509CaChain.length === 0) {
      ac.abort();
      throw CAErrors.upstreamFailed('no X509 CA chain in the response');
    }
    const chain = first.value.x509CaChain;
    const roots = first.value.upstreamX509Roots;
    const cert = readCertificate(chain[0]!);
    if (!sameKey(cert.spki, signer.publicKey)) throw CAErrors.upstreamInvalid('public key does not match the CA key');
    if (!cert.isCA) throw CAErrors.upstreamInvalid('certificate is not a CA');
    if (roots.length === 0) throw CAErrors.upstreamInvalid('no upstream root');
    if (cert.notAfter <= this.c.clock.now()) throw CAErrors.upstreamInvalid('certificate has expired');
    await this.appendBundle({ rootCas: roots.map((r) => ({ derBytes: r, taintedKey: false })) });
    // Later messages carry root updates; they are merged into the bundle as they come.
    void (async () => {
      try {
        for (;;) {
          const n = await it.next();
          if (n.done || ac.signal.aborted) return;
          if (n.value.upstreamX509Roots.length > 0) {
            await this.appendBundle({ rootCas: n.value.upstreamX509Roots.map((r) => ({ derBytes: r, taintedKey: false })) });
          }
        }
      } catch (err) {
        if (!ac.signal.aborted) this.log().warn({ error: errorMessage(err) }, 'Upstream authority stream ended');
      }
    })();
    return { signer, certificate: cert, upstreamChain: chain };
  }

  /** Marks the current X.509 CA active and hands it to the signing CA. */
  private async activateX509CA(): Promise<void> {
    const slot = this.currentX509CA;
    slot.status = 'ACTIVE';
    try {
      await this.journal.updateX509CAStatus(slot.authorityId, 'ACTIVE');
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Failed to update to activated status on X509CA journal entry');
    }
    this.log().info({ slot: slot.id, local_authority_id: slot.authorityId, expiration: new Date(slot.notAfter).toISOString() }, 'X509 CA activated');
    this.c.ca.setX509CA(slot.x509CA);
  }

  /** Makes the next X.509 CA current and the current one old. */
  rotateX509CA(): Promise<void> {
    return this.serial(() => this.doRotateX509CA());
  }

  private async doRotateX509CA(): Promise<void> {
    [this.currentX509CA, this.nextX509CA] = [this.nextX509CA, this.currentX509CA];
    this.nextX509CA.reset();
    try {
      await this.journal.updateX509CAStatus(this.nextX509CA.authorityId, 'OLD');
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Failed to update status on X509CA journal entry');
    }
    await this.activateX509CA();
  }

  // ---- JWT key ----------------------------------------------------------------------------

  /** Prepares a JWT key in the next slot (or the current one when it is empty). */
  prepareJWTKey(): Promise<void> {
    return this.serial(() => this.doPrepareJWTKey());
  }

  private async doPrepareJWTKey(): Promise<void> {
    if (this.isJWTSVIDsDisabled()) return;
    const slot = this.currentJWTKey.isEmpty() ? this.currentJWTKey : this.nextJWTKey;
    slot.reset();
    const now = this.c.clock.now();
    const notAfter = now + this.caTtlMs;
    await this.c.keyManager.generateKey(slot.kmKeyId, this.jwtKeyType);
    const signer = await signerFor(this.c.keyManager, slot.kmKeyId, this.c.pool);
    const jwtKey: JWTSigningKey = { signer, kid: newKid(), notAfter };
    await this.publishJWTKey(jwtKey);
    slot.issuedAt = now;
    slot.jwtKey = jwtKey;
    slot.status = 'PREPARED';
    slot.authorityId = jwtKey.kid;
    slot.notAfter = notAfter;
    try {
      await this.journal.appendJWTKey({ slotId: slot.id, issuedAt: sec(now), notAfter: sec(notAfter), kid: jwtKey.kid, publicKey: signer.publicKey, status: 'PREPARED', authorityId: jwtKey.kid });
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Unable to append JWT key to journal');
    }
    this.log().info({ slot: slot.id, local_authority_id: jwtKey.kid, expiration: new Date(notAfter).toISOString() }, 'JWT key prepared');
  }

  private async publishJWTKey(k: JWTSigningKey): Promise<void> {
    await this.jwtPublisher.publish({ publicKey: k.signer.publicKey, keyId: k.kid, expiresAt: sec(k.notAfter), tainted: false });
  }

  /**
   * Publishes a JWT key a downstream server sent (PublishJWTAuthority), as SPIRE's manager: to
   * the UpstreamAuthority when it supports PublishJWTKey, else into the local bundle. Notifiers
   * and BundlePublishers hear of the change. Returns the bundle's JWT keys after the append.
   */
  publishDownstreamJWTKey(key: JWTKey): Promise<JWTKey[]> {
    return this.jwtPublisher.publish(key);
  }

  private async activateJWTKey(): Promise<void> {
    const slot = this.currentJWTKey;
    slot.status = 'ACTIVE';
    try {
      await this.journal.updateJWTKeyStatus(slot.authorityId, 'ACTIVE');
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Failed to update to activated status on JWTKey journal entry');
    }
    this.log().info({ slot: slot.id, local_authority_id: slot.authorityId }, 'JWT key activated');
    this.c.ca.setJWTKey(slot.jwtKey);
  }

  /** Makes the next JWT key current and the current one old. */
  rotateJWTKey(): Promise<void> {
    return this.serial(() => this.doRotateJWTKey());
  }

  private async doRotateJWTKey(): Promise<void> {
    if (this.isJWTSVIDsDisabled()) return;
    [this.currentJWTKey, this.nextJWTKey] = [this.nextJWTKey, this.currentJWTKey];
    this.nextJWTKey.reset();
    try {
      await this.journal.updateJWTKeyStatus(this.nextJWTKey.authorityId, 'OLD');
    } catch (err) {
      this.log().error({ error: errorMessage(err) }, 'Failed to update status on JWTKey journal entry');
    }
    await this.activateJWTKey();
  }

  // ---- rotation ---------------------------------------------------------------------------

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
        await this.rotateX509Step();
      } catch (err) {
        this.log().error({ error: errorMessage(err) }, 'Unable to rotate X509 CA');
        if (this.currentX509CA.isEmpty()) throw err;
        errors.push(err);
      }
      if (!this.isJWTSVIDsDisabled()) {
        try {
          await this.rotateJWTStep();
        } catch (err) {
          this.log().error({ error: errorMessage(err) }, 'Unable to rotate JWT key');
          errors.push(err);
        }
      }
      if (errors.length > 0) throw errors[0];
    });
  }

  private async rotateX509Step(): Promise<void> {
    const now = this.c.clock.now();
    if (this.currentX509CA.isEmpty()) {
      await this.doPrepareX509CA();
      await this.activateX509CA();
    }
    if (this.nextX509CA.isEmpty() && this.currentX509CA.shouldPrepareNext(now)) await this.doPrepareX509CA();
    if (this.currentX509CA.shouldActivateNext(now)) await this.doRotateX509CA();
  }

  private async rotateJWTStep(): Promise<void> {
    const now = this.c.clock.now();
    if (this.currentJWTKey.isEmpty()) {
      await this.doPrepareJWTKey();
      await this.activateJWTKey();
    }
    if (this.nextJWTKey.isEmpty() && this.currentJWTKey.shouldPrepareNext(now)) await this.doPrepareJWTKey();
    if (this.currentJWTKey.shouldActivateNext(now)) await this.doRotateJWTKey();
  }

  // ---- bundle -----------------------------------------------------------------------------

  private async appendBundle(part: Partial<Pick<Bundle, 'rootCas' | 'jwtSigningKeys'>>): Promise<Bundle> {
    const before = await this.c.dataStore.fetchBundle(this.c.trustDomain.idString());
    const res = await this.c.dataStore.appendBundle({
      trustDomainId: this.c.trustDomain.idString(),
      rootCas: part.rootCas ?? [],
      jwtSigningKeys: part.jwtSigningKeys ?? [],
      refreshHint: 0,
      sequenceNumber: 0,
    });
    if (!before || before.sequenceNumber !== res.sequenceNumber) this.bundleUpdated();
    return res;
  }

  /** Removes bundle authorities expired for more than a day; notifies when something went. */
  pruneBundle(): Promise<boolean> {
    return this.serial(async () => {
      const changed = await this.c.dataStore.pruneBundle(this.c.trustDomain.idString(), sec(this.c.clock.now() - SAFETY_THRESHOLD_BUNDLE_MS));
      if (changed) {
        this.log().debug('Expired certificates were successfully pruned from bundle');
        this.bundleUpdated();
      }
      return changed;
    });
  }

  /** Removes CA journals whose every authority expired more than two weeks ago. */
  pruneCAJournals(): Promise<void> {
    return this.serial(() => this.c.dataStore.pruneCAJournals(sec(this.c.clock.now() - SAFETY_THRESHOLD_CA_JOURNALS_MS)));
  }

  /**
   * Records a bundle change. As SPIRE, changes are delivered (coalesced) only once Notifiers were
   * told the bundle is loaded; one made before that is dropped by notifyBundleLoaded, whose
   * bundle already holds it.
   */
  private bundleUpdated(): void {
    this.updatePending = true;
    if (this.deliveringUpdates) this.deliverUpdate();
  }

  private deliverUpdate(): void {
    if (this.notifyPending) return;
    this.notifyPending = true;
    this.notifyChain = this.notifyChain.then(async () => {
      this.notifyPending = false;
      if (!this.updatePending) return;
      this.updatePending = false;
      try {
        await this.notifyBundleUpdated();
      } catch (err) {
        this.log().warn({ error: errorMessage(err) }, 'Failed to notify on bundle update');
      }
    });
  }

  private async fetchPluginBundle(): Promise<PluginBundle> {
    const b = await this.c.dataStore.fetchBundle(this.c.trustDomain.idString());
    if (!b) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
    return toPluginBundle(b, this.c.trustDomain.toString());
  }

  private async notifyBundleUpdated(): Promise<void> {
    const bundle = await this.fetchPluginBundle();
    await Promise.all([
      ...(this.c.notifiers ?? []).map((n) =>
        n.notifyBundleUpdated(bundle).catch((err: unknown) => this.log().warn({ error: errorMessage(err) }, 'Notifier failed to handle event')),
      ),
      ...(this.c.bundlePublishers ?? []).map((p) =>
        p.publishBundle(bundle).catch((err: unknown) => this.log().warn({ error: errorMessage(err) }, 'Failed to publish bundle')),
      ),
    ]);
  }

  /**
   * Tells Notifiers the bundle is loaded (an error stops the server, as SPIRE's
   * NotifyAndAdviseBundleLoaded) and publishes it; from then on bundle changes are delivered as
   * BundleUpdated. Call once, after `initialize()`: the changes initialize made (the first X.509
   * CA, then the first JWT key) are dropped, as SPIRE drops them, so a Notifier's first event is
   * BundleLoaded with the complete bundle. Throws what a Notifier or the DataStore throws.
   */
  async notifyBundleLoaded(): Promise<void> {
    await this.notifyChain;
    this.updatePending = false;
    const bundle = await this.fetchPluginBundle();
    for (const n of this.c.notifiers ?? []) await n.notifyAndAdviseBundleLoaded(bundle);
    for (const p of this.c.bundlePublishers ?? []) await p.publishBundle(bundle).catch((err: unknown) => this.log().warn({ error: errorMessage(err) }, 'Failed to publish bundle'));
    this.deliveringUpdates = true;
    // A change made while the loaded bundle was being told is delivered now.
    if (this.updatePending) this.deliverUpdate();
  }

  /** Resolves when every bundle notification scheduled so far has been delivered (tests). */
  async settled(): Promise<void> {
    await this.lock;
    await this.notifyChain;
  }

  // ---- local authority operations --------------------------------------------------------

  /** X.509 authorities: the active one (current slot) and the prepared or old one (next slot). */
  getX509AuthorityState(): AuthoritiesState {
    const state: AuthoritiesState = {};
    const cur = this.currentX509CA;
    if (cur.isEmpty()) throw new SpireError(Code.UNAVAILABLE, 'server is initializing');
    state.active = this.x509State(cur);
    const next = this.nextX509CA;
    if (next.authorityId) {
      if (next.status === 'PREPARED') state.prepared = this.x509State(next);
      else if (next.status === 'OLD') state.old = this.x509State(next);
    }
    return state;
  }

  private x509State(s: X509CASlot): AuthorityState {
    return { authorityId: s.authorityId, expiresAt: sec(s.notAfter), ...(s.upstreamAuthorityId ? { upstreamAuthoritySubjectKeyId: s.upstreamAuthorityId } : {}) };
  }

  getJWTAuthorityState(): AuthoritiesState {
    if (this.isJWTSVIDsDisabled()) throw new SpireError(Code.UNIMPLEMENTED, 'JWT functionality is disabled');
    const cur = this.currentJWTKey;
    if (cur.isEmpty()) throw new SpireError(Code.UNAVAILABLE, 'server is initializing');
    const state: AuthoritiesState = { active: { authorityId: cur.authorityId, expiresAt: sec(cur.notAfter) } };
    const next = this.nextJWTKey;
    if (next.authorityId) {
      const s = { authorityId: next.authorityId, expiresAt: sec(next.notAfter) };
      if (next.status === 'PREPARED') state.prepared = s;
      else if (next.status === 'OLD') state.old = s;
    }
    return state;
  }

  /** Prepares a new X.509 authority now; returns its state. */
  async prepareX509Authority(): Promise<AuthorityState> {
    if (this.currentX509CA.isEmpty()) throw new SpireError(Code.UNAVAILABLE, 'server is initializing');
    try {
      await this.prepareX509CA();
    } catch (err) {
      throw new SpireError(Code.INTERNAL, `failed to prepare X.509 authority: ${errorMessage(err)}`, { cause: err });
    }
    return this.x509State(this.nextX509CA);
  }

  /** Activates the prepared X.509 authority with this ID; returns the new active state. */
  async activateX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      const next = this.nextX509CA;
      if (!authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'no authority ID provided');
      if (authorityId !== next.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unexpected authority ID');
      if (next.status !== 'PREPARED') throw new SpireError(Code.INTERNAL, 'only Prepared authorities can be activated');
      await this.doRotateX509CA();
      return this.x509State(this.currentX509CA);
    });
  }

  /** Taints the old X.509 authority with this ID (only without an UpstreamAuthority). */
  async taintX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      if (this.c.upstreamAuthority) throw new SpireError(Code.FAILED_PRECONDITION, "local authority can't be tainted if there is an upstream authority");
      const next = this.nextX509CA;
      if (!authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'no authority ID provided');
      if (authorityId === this.currentX509CA.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unable to taint current local authority');
      if (authorityId !== next.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unexpected authority ID');
      if (next.status !== 'OLD') throw new SpireError(Code.INVALID_ARGUMENT, 'only Old local authorities can be tainted');
      await this.wrapInternal('failed to taint X.509 authority', () => this.c.dataStore.taintX509CA(this.c.trustDomain.idString(), authorityId));
      this.bundleUpdated();
      return this.x509State(next);
    });
  }

  /** Revokes the old, tainted X.509 authority with this ID (only without an UpstreamAuthority). */
  async revokeX509Authority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      if (this.c.upstreamAuthority) throw new SpireError(Code.FAILED_PRECONDITION, "local authority can't be revoked if there is an upstream authority");
      const err = this.checkOldX509(authorityId);
      if (err) throw new SpireError(Code.INVALID_ARGUMENT, `invalid authority ID: ${err}`);
      await this.wrapInternal('failed to revoke X.509 authority', () => this.c.dataStore.revokeX509CA(this.c.trustDomain.idString(), authorityId));
      this.bundleUpdated();
      return this.x509State(this.nextX509CA);
    });
  }

  private checkOldX509(authorityId: string): string | undefined {
    if (!authorityId) return 'no authority ID provided';
    if (authorityId === this.currentX509CA.authorityId) return 'unable to use current authority';
    if (authorityId !== this.nextX509CA.authorityId || this.nextX509CA.status !== 'OLD') return 'only Old local authority can be revoked';
    return undefined;
  }

  private checkUpstreamSubjectKey(ski: string): string | undefined {
    if (!ski) return 'no subject key ID provided';
    if (ski === this.currentX509CA.upstreamAuthorityId) return 'unable to use upstream authority singing current authority';
    if (ski !== this.nextX509CA.upstreamAuthorityId) return "upstream authority didn't sign the old local authority";
    if (this.nextX509CA.status === 'PREPARED') return 'only upstream authorities signing an old authority can be used';
    return undefined;
  }

  /** Taints the upstream authority (by subject key ID) that signed the old X.509 authority. */
  async taintX509UpstreamAuthority(subjectKeyId: string): Promise<string> {
    return this.serial(async () => {
      if (!this.c.upstreamAuthority) throw new SpireError(Code.FAILED_PRECONDITION, 'upstream authority is not configured');
      const err = this.checkUpstreamSubjectKey(subjectKeyId);
      if (err) throw new SpireError(Code.INVALID_ARGUMENT, `provided subject key id is not valid: ${err}`);
      await this.wrapInternal('failed to taint upstream authority', () => this.c.dataStore.taintX509CA(this.c.trustDomain.idString(), subjectKeyId));
      this.bundleUpdated();
      return subjectKeyId;
    });
  }

  /** Revokes the tainted upstream authority (by subject key ID) that signed the old X.509 authority. */
  async revokeX509UpstreamAuthority(subjectKeyId: string): Promise<string> {
    return this.serial(async () => {
      if (!this.c.upstreamAuthority) throw new SpireError(Code.FAILED_PRECONDITION, 'upstream authority is not configured');
      const err = this.checkUpstreamSubjectKey(subjectKeyId);
      if (err) throw new SpireError(Code.INVALID_ARGUMENT, `invalid subject key ID: ${err}`);
      await this.wrapInternal('failed to revoke X.509 upstream authority', () => this.c.dataStore.revokeX509CA(this.c.trustDomain.idString(), subjectKeyId));
      this.bundleUpdated();
      return subjectKeyId;
    });
  }

  /** Prepares a new JWT authority now; returns its state. */
  async prepareJWTAuthority(): Promise<AuthorityState> {
    if (this.isJWTSVIDsDisabled()) throw new SpireError(Code.UNIMPLEMENTED, 'JWT functionality is disabled');
    if (this.currentJWTKey.isEmpty()) throw new SpireError(Code.UNAVAILABLE, 'server is initializing');
    try {
      await this.prepareJWTKey();
    } catch (err) {
      throw new SpireError(Code.INTERNAL, `failed to prepare JWT authority: ${errorMessage(err)}`, { cause: err });
    }
    return { authorityId: this.nextJWTKey.authorityId, expiresAt: sec(this.nextJWTKey.notAfter) };
  }

  async activateJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      if (this.isJWTSVIDsDisabled()) throw new SpireError(Code.UNIMPLEMENTED, 'JWT functionality is disabled');
      const next = this.nextJWTKey;
      if (!authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'no authority ID provided');
      if (authorityId !== next.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unexpected authority ID');
      if (next.status !== 'PREPARED') throw new SpireError(Code.INTERNAL, 'only Prepared authorities can be activated');
      await this.doRotateJWTKey();
      return { authorityId: this.currentJWTKey.authorityId, expiresAt: sec(this.currentJWTKey.notAfter) };
    });
  }

  async taintJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      if (this.isJWTSVIDsDisabled()) throw new SpireError(Code.UNIMPLEMENTED, 'JWT functionality is disabled');
      const next = this.nextJWTKey;
      if (!authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'no authority ID provided');
      if (authorityId === this.currentJWTKey.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unable to taint current local authority');
      if (authorityId !== next.authorityId) throw new SpireError(Code.INVALID_ARGUMENT, 'unexpected authority ID');
      if (next.status !== 'OLD') throw new SpireError(Code.INVALID_ARGUMENT, 'only Old local authorities can be tainted');
      const k = await this.wrapInternal('failed to taint JWT authority', () => this.c.dataStore.taintJWTKey(this.c.trustDomain.idString(), authorityId));
      this.bundleUpdated();
      return { authorityId: k.kid, expiresAt: k.notAfter };
    });
  }

  async revokeJWTAuthority(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      if (this.isJWTSVIDsDisabled()) throw new SpireError(Code.UNIMPLEMENTED, 'JWT functionality is disabled');
      let problem: string | undefined;
      if (!authorityId) problem = 'no authority ID provided';
      else if (authorityId === this.nextJWTKey.authorityId) {
        if (this.nextJWTKey.status === 'PREPARED') problem = 'unable to use a prepared key';
      } else if (authorityId === this.currentJWTKey.authorityId) problem = 'unable to use current authority';
      else {
        const b = await this.c.dataStore.fetchBundle(this.c.trustDomain.idString());
        if (!b?.jwtSigningKeys.some((k) => k.kid === authorityId)) problem = 'no JWT authority found with provided authority ID';
      }
      if (problem) throw new SpireError(Code.INVALID_ARGUMENT, `invalid authority ID: ${problem}`);
      const k = await this.wrapInternal('failed to revoke JWT authority', () => this.c.dataStore.revokeJWTKey(this.c.trustDomain.idString(), authorityId));
      this.bundleUpdated();
      return { authorityId: k.kid, expiresAt: k.notAfter };
    });
  }

  private async wrapInternal<T>(msg: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new SpireError(Code.INTERNAL, `${msg}: ${errorMessage(err)}`, { cause: err });
    }
  }

  // ---- running ----------------------------------------------------------------------------

  /**
   * Starts the periodic tasks on real timers: rotation every 10 s, bundle pruning every 6 h,
   * journal pruning every 8 h. Errors are logged. Stopped by `close()`.
   */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
      const t = setInterval(() => {
        fn().catch((err: unknown) => this.log().error({ error: errorMessage(err) }, what));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(ROTATE_INTERVAL_MS, () => this.rotate(), 'Rotation failed');
    every(PRUNE_BUNDLE_INTERVAL_MS, () => this.pruneBundle(), 'Unable to prune bundle');
    every(PRUNE_CA_JOURNALS_INTERVAL_MS, () => this.pruneCAJournals(), 'Unable to prune CA journals');
  }

  /** Stops timers and the upstream stream; waits for the operation in flight. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.upstreamStream?.abort();
    await this.settled();
  }
}

export type { SlotId };
