import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import type { Logger } from '../../log/logger.js';
import { errorMessage } from '../../errors.js';

/** Decides whether the server is serving; `reason` is logged when it is not. */
export type ServingCheck = () => Promise<{ serving: boolean; reason?: string }>;

/**
 * grpc.health.v1.Health for the admin socket. Check answers SERVING when `check` says so and
 * NOT_SERVING otherwise; asking for a named service is InvalidArgument, as SPIRE does. Watch is
 * not offered.
 */
export function addHealthService(server: grpc.Server, check: ServingCheck, log: Logger): void {
  const impl: grpc.UntypedServiceImplementation = {
    Check(call: grpc.ServerUnaryCall<{ service?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (call.request.service) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'per-service health is not supported' });
        return;
      }
      check().then(
        (r) => {
          if (!r.serving) log.warn({ reason: r.reason }, 'Health check failed');
          callback(null, { status: r.serving ? 'SERVING' : 'NOT_SERVING' });
        },
        (err: unknown) => {
          log.warn({ reason: errorMessage(err) }, 'Health check failed');
          callback(null, { status: 'NOT_SERVING' });
        },
      );
    },
    Watch(call: grpc.ServerWritableStream<unknown, unknown>) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'method Watch not implemented' });
    },
  };
  server.addService(healthServiceDefinition as unknown as grpc.ServiceDefinition, impl);
}

/** A client of grpc.health.v1.Health. */
export function healthClient(address: string): grpc.Client & {
  Check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
} {
  const Ctor = grpc.makeClientConstructor(healthServiceDefinition as unknown as grpc.ServiceDefinition, 'Health');
  return new Ctor(address, grpc.credentials.createInsecure()) as never;
}
