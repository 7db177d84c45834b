import { codeName } from '../errors.js';

/** A failed call, worded as grpc-go words it: `rpc error: code = NotFound desc = ...`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly desc: string,
  ) {
    super(`rpc error: code = ${codeName(code)} desc = ${desc}`);
  }
}

const DIAL_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTSOCK: 'socket operation on non-socket',
  ECONNRESET: 'connection reset by peer',
};

/** gRPC's UNAVAILABLE status code. */
const UNAVAILABLE = 14;
/** gRPC's UNKNOWN status code. */
const UNKNOWN = 2;

/**
 * The address Go's net package names in a dial error. grpc-go hands SPIRE's custom dialer
 * `unix://<path>` for an absolute path and `unix:<path>` for a relative one, and SPIRE's dialer
 * strips only `unix:`, so an absolute path shows with two extra slashes.
 */
function goDialAddress(socketPath: string): string {
  return socketPath.startsWith('/') ? `//${socketPath}` : socketPath;
}

/**
 * Rewords a grpc-js failure the way grpc-go reports it; for a socket that cannot be reached, with
 * the address and the reason
 * (`transport: Error while dialing: dial unix ///path: connect: connection refused`).
 */
export function toRpcError(err: { code?: number; details?: string; message: string }, socketPath: string): RpcError {
  if (err.code === UNAVAILABLE) {
    const m = /\b(ECONNREFUSED|ENOENT|EACCES|ENOTSOCK|ECONNRESET)\b/.exec(err.details ?? '');
    if (m) {
      return new RpcError(
        err.code,
        `connection error: desc = "transport: Error while dialing: dial unix ${goDialAddress(socketPath)}: connect: ${DIAL_ERRORS[m[1]!]}"`,
      );
    }
  }
  return new RpcError(err.code ?? UNKNOWN, err.details ?? err.message);
}
