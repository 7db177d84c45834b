import type { X509CA, JWTSigningKey } from '../server-ca.js';
import type { AuthorityStatus } from './journal-codec.js';

const DAY = 24 * 60 * 60 * 1000;
/** SPIRE's thresholds: prepare at min(lifetime/2, 30d) before expiry, activate at min(lifetime/6, 7d). */
export const PREPARATION_THRESHOLD_CAP_MS = 30 * DAY;
export const PREPARATION_THRESHOLD_DIVISOR = 2;
export const ACTIVATION_THRESHOLD_CAP_MS = 7 * DAY;
export const ACTIVATION_THRESHOLD_DIVISOR = 6;

/** The instant after which the next authority is prepared. */
export function preparationThreshold(issuedAt: number, notAfter: number): number {
  return notAfter - Math.min((notAfter - issuedAt) / PREPARATION_THRESHOLD_DIVISOR, PREPARATION_THRESHOLD_CAP_MS);
}

/** The instant after which the next authority is activated. */
export function activationThreshold(issuedAt: number, notAfter: number): number {
  return notAfter - Math.min((notAfter - issuedAt) / ACTIVATION_THRESHOLD_DIVISOR, ACTIVATION_THRESHOLD_CAP_MS);
}

/** Slot IDs, as SPIRE: A and B alternate. */
export type SlotId = 'A' | 'B';
export const otherSlotId = (id: SlotId): SlotId => (id === 'A' ? 'B' : 'A');

/** What every slot has, whatever authority it holds: the shape the authority lifecycle works on. */
export interface AuthoritySlot {
  readonly id: SlotId;
  /** Unix ms. */
  issuedAt: number;
  status: AuthorityStatus;
  authorityId: string;
  /** Unix ms. */
  notAfter: number;
  /** The KeyManager key ID of this slot, as SPIRE names it. */
  readonly kmKeyId: string;
  /** Empty when it holds no authority or an old one. */
  isEmpty(): boolean;
  /** Drops the authority and marks the slot old; the IDs stay, so the old authority can be named. */
  reset(): void;
  shouldPrepareNext(now: number): boolean;
  shouldActivateNext(now: number): boolean;
}

/** A slot of the X.509 CA rotation. */
export class X509CASlot implements AuthoritySlot {
  issuedAt = 0;
  x509CA?: X509CA;
  status: AuthorityStatus = 'UNKNOWN';
  authorityId = '';
  upstreamAuthorityId = '';
  notAfter = 0;

  constructor(readonly id: SlotId) {}

  /** The KeyManager key ID of this slot, as SPIRE names it. */
  get kmKeyId(): string {
    return `x509-CA-${this.id}`;
  }
  /** Empty when it holds no CA or an old one. */
  isEmpty(): boolean {
    return this.x509CA === undefined || this.status === 'OLD';
  }
  /** Drops the CA and marks the slot old; the IDs stay, so the old authority can be named. */
  reset(): void {
    this.x509CA = undefined;
    this.status = 'OLD';
  }
  shouldPrepareNext(now: number): boolean {
    return this.x509CA !== undefined && now > preparationThreshold(this.issuedAt, this.notAfter);
  }
  shouldActivateNext(now: number): boolean {
    return this.x509CA !== undefined && now > activationThreshold(this.issuedAt, this.notAfter);
  }
}

/** A slot of the JWT key rotation. */
export class JWTKeySlot implements AuthoritySlot {
  issuedAt = 0;
  jwtKey?: JWTSigningKey;
  status: AuthorityStatus = 'UNKNOWN';
  authorityId = '';
  notAfter = 0;

  constructor(readonly id: SlotId) {}

  get kmKeyId(): string {
    return `JWT-Signer-${this.id}`;
  }
  isEmpty(): boolean {
    return this.jwtKey === undefined || this.status === 'OLD';
  }
  reset(): void {
    this.jwtKey = undefined;
    this.status = 'OLD';
  }
  shouldPrepareNext(now: number): boolean {
    return this.jwtKey === undefined || now > preparationThreshold(this.issuedAt, this.notAfter);
  }
  shouldActivateNext(now: number): boolean {
    return this.jwtKey === undefined || now > activationThreshold(this.issuedAt, this.notAfter);
  }
}
