import { codeName } from './go-format.js';

/** A failed call, worded as grpc-go words it: `rpc error: code = NotFound desc = ...`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly desc: string,
  ) {
    super(`rpc error: code = ${codeName(code)} desc = ${desc}`);
  }
}
