/** A gRPC failure as the agent client reports it: the status code and message. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`rpc error: code = ${code} desc = ${details}`);
    this.name = 'RpcError';
  }
}

/** Turns a grpc-js error (a ServiceError) into an RpcError; anything else is returned as is. */
export function rpcError(err: unknown): Error {
  const e = err as { code?: number; details?: string; message?: string };
  if (typeof e?.code === 'number') return new RpcError(e.code, e.details ?? e.message ?? '');
  return err instanceof Error ? err : new Error(String(err));
}
