import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import type { Logger } from '../../log/logger.js';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../../errors.js';
import { rpcMetricKey, type Metrics } from '../../telemetry/index.js';

/** Decides whether the server is serving; `reason` is logged when it is not. */
export type ServingCheck = () => Promise<{ serving: boolean; reason?: string }>;

/**
 * grpc.health.v1.Health for the admin socket. Check answers SERVING when `check` says so and
 * NOT_SERVING otherwise; asking for a named service is InvalidArgument, as SPIRE does. Watch is
 * not offered.
 */
export function addHealthService(server: grpc.Server, check: ServingCheck, log: Logger, metrics?: Metrics): void {
  // SPIRE counts Check as `rpc.health.check`, like every other RPC.
  const calls = metrics?.enabled ? metrics.callCounter(['rpc', ...rpcMetricKey('/grpc.health.v1.Health/Check')]) : undefined;
  const impl: grpc.UntypedServiceImplementation = {
    Check(call: grpc.ServerUnaryCall<{ service?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const t0 = calls ? performance.now() : 0;
      if (call.request.service) {
        calls?.done('InvalidArgument', performance.now() - t0);
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'per-service health is not supported' });
        return;
      }
      check().then(
        (r) => {
          if (!r.serving) log.warn({ reason: r.reason }, 'Health check failed');
          calls?.done('OK', performance.now() - t0);
          callback(null, { status: r.serving ? 'SERVING' : 'NOT_SERVING' });
        },
        (err: unknown) => {
          log.warn({ reason: errorMessage(err) }, 'Health check failed');
          calls?.done('OK', performance.now() - t0);
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
