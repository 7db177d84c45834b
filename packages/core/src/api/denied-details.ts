import type { SpireError } from '../errors.js';

/**
 * spire.api.types.PermissionDeniedDetails.Reason: why an agent was refused. SPIRE's agent reads it
 * from the status details to decide whether to re-attest (AGENT_MUST_REATTEST, AGENT_EXPIRED …)
 * or to shut down (AGENT_BANNED …), so it is part of the wire contract.
 */
export enum DeniedReason {
  UNKNOWN = 0,
  AGENT_EXPIRED = 1,
  AGENT_NOT_ATTESTED = 2,
  AGENT_NOT_ACTIVE = 3,
  AGENT_BANNED = 4,
  AGENT_MUST_REATTEST = 5,
}

const reasons = new WeakMap<SpireError, DeniedReason>();

/** Marks a PERMISSION_DENIED error with its reason; returns the same error. Safe to call twice (last wins). */
export function withDeniedReason<E extends SpireError>(err: E, reason: DeniedReason): E {
  reasons.set(err, reason);
  return err;
}

/** The reason attached with withDeniedReason, if any. */
export function deniedReasonOf(err: unknown): DeniedReason | undefined {
  return typeof err === 'object' && err !== null ? reasons.get(err as SpireError) : undefined;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

function field(tag: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);
}

/**
 * The `grpc-status-details-bin` trailer value: a google.rpc.Status (code, message) whose one detail
 * is an Any of spire.api.types.PermissionDeniedDetails{reason}, encoded by hand (three small
 * messages). Pure.
 */
export function statusDetailsBin(code: number, message: string, reason: DeniedReason): Buffer {
  const details = reason === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), varint(reason)]);
  const any = Buffer.concat([field(0x0a, Buffer.from('type.googleapis.com/spire.api.types.PermissionDeniedDetails')), field(0x12, details)]);
  return Buffer.concat([Buffer.from([0x08]), varint(code), field(0x12, Buffer.from(message, 'utf8')), field(0x1a, any)]);
}
