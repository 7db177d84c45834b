import { status as GrpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { Code, SpireError, errorCode, errorMessage } from '../../errors.js';

/** True when `err` looks like a grpc-js call error (it has a numeric code and details). */
export function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;
}

/**
 * Turns an error from a gRPC call into a SpireError with the same code and the peer's message
 * (the `details`, without grpc-js's "<code> <NAME>: " decoration).
 */
export function fromGrpcError(err: unknown): SpireError {
  if (err instanceof SpireError) return err;
  if (isServiceError(err)) {
    const code = err.code >= 0 && err.code <= 16 ? (err.code as number as Code) : Code.UNKNOWN;
    return new SpireError(code === Code.OK ? Code.UNKNOWN : code, err.details || errorMessage(err), { cause: err });
  }
  return new SpireError(errorCode(err), errorMessage(err), { cause: err });
}

/**
 * The status a server handler reports for a thrown value: a SpireError keeps its code and
 * message; anything else is UNKNOWN with its message.
 */
export function toGrpcStatus(err: unknown): Partial<StatusObject> {
  const code = errorCode(err);
  return { code: (code === Code.OK ? Code.UNKNOWN : code) as number as GrpcStatus, details: errorMessage(err) };
}
