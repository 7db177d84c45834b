import * as grpc from '@grpc/grpc-js';
import type { Status__Output } from '../proto/gen/api/spire/api/types/Status.js';
import { Code, SpireError, errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { deniedReasonOf, statusDetailsBin } from './denied-details.js';

/** A per-item result status as batch responses carry it (spire.api.types.Status, generated). */
export type ApiStatus = Status__Output;

/** The status of a successful item: code 0, message "OK". */
export function okStatus(): ApiStatus {
  return { code: Code.OK, message: 'OK' };
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/**
 * The one place where the API layer turns a failure into a status error and logs it, as SPIRE's
 * MakeErr: the caller sees `msg` or `msg: cause`; NotFound never exposes its cause. The error is
 * logged once here (at error level, with the cause). Returns the error; never throws.
 */
export function makeErr(log: Logger, code: Code, msg: string, cause?: unknown): SpireError {
  if (code === Code.NOT_FOUND || cause === undefined || cause === null) {
    log.error(code === Code.INVALID_ARGUMENT ? `Invalid argument: ${msg}` : capitalize(msg));
    return new SpireError(code, msg);
  }
  const full = `${msg}: ${errorMessage(cause)}`;
  log.error({ error: errorMessage(cause) }, code === Code.INVALID_ARGUMENT ? `Invalid argument: ${msg}` : capitalize(msg));
  return new SpireError(code, full, { cause });
}

/**
 * True for the CA's refusal of work when too many SVIDs already wait to be signed
 * (RESOURCE_EXHAUSTED): handlers pass it on as it is, never wrapped as a signing failure, so the
 * caller knows to retry later.
 */
export function isOverload(err: unknown): err is SpireError {
  return err instanceof SpireError && err.code === Code.RESOURCE_EXHAUSTED;
}

/** makeErr for one item of a batch: the same message and logging, returned as an ApiStatus. */
export function makeStatus(log: Logger, code: Code, msg: string, cause?: unknown): ApiStatus {
  if (code === Code.OK) return okStatus();
  const e = makeErr(log, code, msg, cause);
  return { code: e.code, message: e.message };
}

/** A status built without logging (e.g. "similar entry already exists"). */
export function createStatus(code: Code, message: string): ApiStatus {
  return { code, message };
}

/**
 * The code of a store/port error for an API answer: a SpireError keeps its code, anything else
 * (a bug, a driver error) becomes INTERNAL.
 */
export function storeCode(err: unknown): Code {
  const c = errorCode(err);
  return c === Code.UNKNOWN ? Code.INTERNAL : c;
}

/** Converts anything thrown in a handler into the status sent on the wire. Never throws. */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof SpireError) {
    const reason = deniedReasonOf(err);
    if (reason === undefined) return { code: err.code as number as grpc.status, details: err.message };
    // SPIRE's agents read PermissionDeniedDetails from the status details to re-attest or stop.
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', statusDetailsBin(err.code, err.message, reason));
    return { code: err.code as number as grpc.status, details: err.message, metadata };
  }
  return { code: grpc.status.INTERNAL, details: `internal error: ${errorMessage(err)}` };
}
