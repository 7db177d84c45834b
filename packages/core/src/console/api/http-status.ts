import { Code, errorMessage, SpireError } from '../../errors.js';
import { toServiceError } from '../../api/status.js';
import type { ConsoleApiResponse } from './types.js';

/** The HTTP status the console answers a gRPC code with (anything unlisted: 500). */
const HTTP_STATUS: ReadonlyMap<Code, number> = new Map([
  [Code.OK, 200],
  [Code.INVALID_ARGUMENT, 400],
  [Code.UNAUTHENTICATED, 401],
  [Code.PERMISSION_DENIED, 403],
  [Code.NOT_FOUND, 404],
  [Code.ALREADY_EXISTS, 409],
  [Code.FAILED_PRECONDITION, 412],
  [Code.RESOURCE_EXHAUSTED, 429],
  [Code.UNIMPLEMENTED, 501],
  [Code.UNAVAILABLE, 503],
]);

/** The code's name as the console's errors carry it: the canonical upper-case form (`INVALID_ARGUMENT`). */
export function codeNameUpper(code: Code): string {
  return (Code as unknown as Record<number, string>)[code] ?? 'UNKNOWN';
}

/** The HTTP status for a gRPC code. Pure. */
export function httpStatusOf(code: Code): number {
  return HTTP_STATUS.get(code) ?? 500;
}

/** An error response: `{"error":{"code":"<gRPC code name>","message":"..."}}` with the mapped status. */
export function errorResponse(code: Code, message: string): ConsoleApiResponse {
  return { status: httpStatusOf(code), json: { error: { code: codeNameUpper(code), message } } };
}

/**
 * The error response for anything thrown while answering: a SpireError keeps its code and message
 * (as a gRPC caller would see them, via toServiceError); anything else is INTERNAL. Never throws.
 */
export function responseOfError(err: unknown): ConsoleApiResponse {
  if (err instanceof SpireError) {
    const s = toServiceError(err);
    return errorResponse((s.code ?? Code.UNKNOWN) as number as Code, s.details ?? '');
  }
  return errorResponse(Code.INTERNAL, `internal error: ${errorMessage(err)}`);
}
