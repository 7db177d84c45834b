import type { SpireError } from '../errors.js';
import type { Status } from '../proto/gen/api/google/rpc/Status.js';
import {
  _spire_api_types_PermissionDeniedDetails_Reason as Reasons,
  type _spire_api_types_PermissionDeniedDetails_Reason__Output as Reason,
  type PermissionDeniedDetails,
} from '../proto/gen/api/spire/api/types/PermissionDeniedDetails.js';
import { MessageCodec } from '../proto/message-codec.js';
import { API_LOADER_OPTIONS } from './proto.js';

/**
 * spire.api.types.PermissionDeniedDetails.Reason: why an agent was refused. SPIRE's agent reads it
 * from the status details to decide whether to re-attest (AGENT_MUST_REATTEST, AGENT_EXPIRED …)
 * or to shut down (AGENT_BANNED …), so it is part of the wire contract.
 */
export const DeniedReason = Reasons;
/** One value of DeniedReason. */
export type DeniedReason = Reason;

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

const DETAILS_TYPE = 'spire.api.types.PermissionDeniedDetails';
const detailsCodec = new MessageCodec<PermissionDeniedDetails, unknown>('spire/api/types/status.proto', DETAILS_TYPE, API_LOADER_OPTIONS);
const statusCodec = new MessageCodec<Status, unknown>('google/rpc/status.proto', 'google.rpc.Status', API_LOADER_OPTIONS);

/**
 * The `grpc-status-details-bin` trailer value: a google.rpc.Status (code, message) whose one detail
 * is an Any of spire.api.types.PermissionDeniedDetails{reason}. The status and its Any carry every
 * field even when empty; the details leave an UNKNOWN reason out. Pure.
 */
export function statusDetailsBin(code: number, message: string, reason: DeniedReason): Buffer {
  const details = detailsCodec.encode({ reason });
  const status = statusCodec.encodeAsSet({ code, message, details: [{ type_url: `type.googleapis.com/${DETAILS_TYPE}`, value: details }] });
  return Buffer.from(status.buffer, status.byteOffset, status.byteLength);
}
