import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { wire } from '@spire-ts/core/plugin';

const { toGrpcStatus } = wire;

/** A grpc-js unary handler around an async function; a throw becomes the call's status. */
export function unary<Req, Res extends object>(fn: (req: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
    fn(call.request).then(
      (res) => cb(null, res),
      (err: unknown) => cb(toGrpcStatus(err)),
    );
  };
}
