import type { CADataStore } from '../ca-datastore.js';
import type { ServerCA } from '../server-ca.js';
import { hex, readCertificate } from '../x509/certificate.js';
import type { AuthorityLifecycle } from './authority-lifecycle.js';
import {
  authoritiesState,
  authorityState,
  checkActivate,
  checkInitialized,
  checkTaint,
  checkUpstreamSubjectKey,
  LocalAuthorityError,
  LocalAuthorityErrors,
  type AuthoritiesState,
  type AuthorityLabel,
  type AuthorityState,
  type SlotPairView,
} from './local-authority-checks.js';
import type { Serial } from './manager-config.js';
import type { AuthoritySlot } from './slots.js';

/** A LocalAuthority operation, as preconditions are asked about. */
export type LocalAuthorityOp = 'get' | 'prepare' | 'activate' | 'taint' | 'revoke';

/** What differs between X.509 and JWT in the LocalAuthority operations. */
export interface LocalAuthorityKind<S extends AuthoritySlot> {
  readonly label: AuthorityLabel;
  /** A refusal that comes before the slot checks (JWT disabled; an UpstreamAuthority for X.509 taint and revoke). */
  precondition(op: LocalAuthorityOp): LocalAuthorityError | undefined;
  /** The revoke check of this kind (SPIRE's differ: JWT allows any other bundle key). */
  checkRevoke(v: SlotPairView, authorityId: string): Promise<LocalAuthorityError | undefined>;
  /** Taints the authority in the DataStore; `next` is the slot that holds it, when it is in one. */
  taintStored(authorityId: string, next: S): Promise<AuthorityState>;
  /** Revokes the authority in the DataStore. */
  revokeStored(authorityId: string, next: S): Promise<AuthorityState>;
  /** After a taint: tells whoever must move off the authority (X.509: the server SVID). */
  notifyTainted?(authorityId: string): Promise<void>;
}

const refuse = (e: LocalAuthorityError | undefined): void => {
  if (e) throw e;
};

async function failing<T>(op: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw LocalAuthorityErrors.failed(op, what, err);
  }
}

/**
 * The LocalAuthority API's operations on one kind of authority, written once for X.509 and JWT:
 * each checks its precondition and the slots (local-authority-checks.ts), performs the change,
 * and tells Notifiers of a bundle change. Every failure is a {@link LocalAuthorityError} with
 * SPIRE's code and message. Activate, taint and revoke run under the manager's lock.
 */
export class LocalAuthority<S extends AuthoritySlot> {
  constructor(
    private readonly life: AuthorityLifecycle<S>,
    private readonly kind: LocalAuthorityKind<S>,
    private readonly serial: Serial,
    private readonly bundleChanged: () => void,
  ) {}

  /** The active authority and the prepared or old one. Throws UNAVAILABLE while initializing. */
  getState(): AuthoritiesState {
    refuse(this.kind.precondition('get'));
    return authoritiesState(this.life.view());
  }

  /** Prepares a new authority now; returns its state. */
  async prepare(): Promise<AuthorityState> {
    refuse(this.kind.precondition('prepare'));
    refuse(checkInitialized(this.life.view()));
    await failing('prepare', `${this.kind.label} authority`, () => this.serial(() => this.life.prepare()));
    return authorityState(this.life.view().next);
  }

  /** Activates the prepared authority with this ID; returns the new active state. */
  activate(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      refuse(this.kind.precondition('activate'));
      refuse(checkActivate(this.life.view(), authorityId));
      await this.life.rotate();
      return authorityState(this.life.view().current);
    });
  }

  /** Taints the old authority with this ID. */
  taint(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      refuse(this.kind.precondition('taint'));
      refuse(checkTaint(this.life.view(), authorityId));
      const s = await failing('taint', `${this.kind.label} authority`, () => this.kind.taintStored(authorityId, this.life.next));
      this.bundleChanged();
      const notify = this.kind.notifyTainted?.bind(this.kind);
      if (notify) await failing('notify', 'tainted authority', () => notify(authorityId));
      return s;
    });
  }

  /** Revokes the tainted authority with this ID. */
  revoke(authorityId: string): Promise<AuthorityState> {
    return this.serial(async () => {
      refuse(this.kind.precondition('revoke'));
      refuse(await this.kind.checkRevoke(this.life.view(), authorityId));
      const s = await failing('revoke', `${this.kind.label} authority`, () => this.kind.revokeStored(authorityId, this.life.next));
      this.bundleChanged();
      return s;
    });
  }
}

/** What the tainted-authority notice works with. */
export interface TaintNoticeDeps {
  trustDomainId: string;
  dataStore: Pick<CADataStore, 'fetchBundle'>;
  ca: Pick<ServerCA, 'notifyTaintedX509Authorities'>;
}

/**
 * SPIRE's NotifyTaintedX509Authority: finds the tainted root with this subject key ID in the
 * bundle and hands it to the CA's taint listeners (the server SVID rotator). Throws when the
 * bundle holds no such tainted root.
 */
export async function notifyTaintedX509Authority(d: TaintNoticeDeps, authorityId: string): Promise<void> {
  const bundle = await d.dataStore.fetchBundle(d.trustDomainId);
  const root = bundle?.rootCas.find((c) => c.taintedKey && hex(readCertificate(c.derBytes).subjectKeyId) === authorityId);
  if (!root) throw new Error(`no tainted root CA found with authority ID: ${JSON.stringify(authorityId)}`);
  d.ca.notifyTaintedX509Authorities([root.derBytes]);
}

/** What the upstream authority operations work with. */
export interface UpstreamAuthorityOpsDeps extends TaintNoticeDeps {
  /** Whether an UpstreamAuthority signs the X.509 CA. */
  configured: boolean;
  dataStore: Pick<CADataStore, 'taintX509CA' | 'revokeX509CA' | 'fetchBundle'>;
  /** The X.509 slots as the checks see them. */
  x509View: () => SlotPairView;
  serial: Serial;
  bundleChanged: () => void;
}

/**
 * Taints or revokes, by subject key ID, the upstream authority that signed the old X.509
 * authority (LocalAuthority's TaintX509UpstreamAuthority / RevokeX509UpstreamAuthority).
 * Returns the subject key ID; failures are {@link LocalAuthorityError}s.
 */
export function upstreamAuthorityOp(d: UpstreamAuthorityOpsDeps, op: 'taint' | 'revoke', subjectKeyId: string): Promise<string> {
  return d.serial(async () => {
    if (!d.configured) throw LocalAuthorityErrors.upstreamNotConfigured();
    refuse(checkUpstreamSubjectKey(d.x509View(), subjectKeyId, op));
    if (op === 'taint') await failing('taint', 'upstream authority', () => d.dataStore.taintX509CA(d.trustDomainId, subjectKeyId));
    else await failing('revoke', 'X.509 upstream authority', () => d.dataStore.revokeX509CA(d.trustDomainId, subjectKeyId));
    d.bundleChanged();
    if (op === 'taint') await failing('notify', 'tainted authority', () => notifyTaintedX509Authority(d, subjectKeyId));
    return subjectKeyId;
  });
}
