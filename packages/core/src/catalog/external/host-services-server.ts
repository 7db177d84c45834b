import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../log/logger.js';
import type { HostServices } from '../../plugins/host-services.js';
import { bundleToMsg } from '../../plugins/wire-common.js';
import { ExternalErrors } from '../../plugins/external-errors.js';
import { toGrpcStatus } from './grpc-status.js';
import type { FetchX509IdentityResponse } from '../../proto/gen/plugin/spire/hostservice/server/identityprovider/v1/FetchX509IdentityResponse.js';
import type { GetAgentInfoRequest__Output } from '../../proto/gen/plugin/spire/hostservice/server/agentstore/v1/GetAgentInfoRequest.js';
import type { GetAgentInfoResponse } from '../../proto/gen/plugin/spire/hostservice/server/agentstore/v1/GetAgentInfoResponse.js';
import type { Label__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/Label.js';
import type { SetGaugeRequest__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/SetGaugeRequest.js';
import type { EmitKeyRequest__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/EmitKeyRequest.js';
import type { IncrCounterRequest__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/IncrCounterRequest.js';
import type { AddSampleRequest__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/AddSampleRequest.js';
import type { MeasureSinceRequest__Output } from '../../proto/gen/plugin/spire/hostservice/common/metrics/v1/MeasureSinceRequest.js';
import { SERVICE_NAMES, pluginServiceDefinition } from './protos.js';

/** Names of the host services offered to every external plugin, as SPIRE offers them. */
export const HOST_SERVICE_NAMES: readonly string[] = [
  SERVICE_NAMES.identityProvider,
  SERVICE_NAMES.agentStore,
  SERVICE_NAMES.metrics,
];

function unary<Req, Res>(log: Logger, method: string, fn: (req: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => {
    fn(call.request).then(
      (res) => cb(null, res),
      (err: unknown) => {
        log.debug({ method, error: (err as Error)?.message }, 'Host service call failed');
        cb(toGrpcStatus(err));
      },
    );
  };
}

function labels(req: { labels: Label__Output[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of req.labels ?? []) out[l.name] = l.value;
  return out;
}

/**
 * Serves the host services to one plugin over a brokered Unix socket. `host` is read at call
 * time, because a service may only become available after the plugins loaded; until then a
 * call fails with FAILED_PRECONDITION "<Service> host service has not been initialized", as in
 * SPIRE. The identity provider never hands out the server's private key (the field stays empty).
 */
export class HostServicesServer {
  private readonly server = new Server();

  constructor(
    private readonly host: HostServices,
    private readonly log: Logger,
  ) {
    const h = this.host;
    this.server.addService(pluginServiceDefinition('identityProvider'), {
      FetchX509Identity: unary(log, 'FetchX509Identity', async (): Promise<FetchX509IdentityResponse> => {
        if (!h.identityProvider) throw ExternalErrors.hostServiceNotInitialized('IdentityProvider');
        const id = await h.identityProvider.fetchX509Identity();
        return {
          identity: { certChain: id.certChain.map((c) => Buffer.from(c)), privateKey: Buffer.alloc(0) },
          bundle: bundleToMsg(id.bundle),
        };
      }),
    });
    this.server.addService(pluginServiceDefinition('agentStore'), {
      GetAgentInfo: unary(log, 'GetAgentInfo', async (req: GetAgentInfoRequest__Output): Promise<GetAgentInfoResponse> => {
        if (!h.agentStore) throw ExternalErrors.hostServiceNotInitialized('AgentStore');
        const info = await h.agentStore.getAgentInfo(req.agentId ?? '');
        if (!info) throw ExternalErrors.noSuchAgent();
        return { info: { agentId: info.agentId } };
      }),
    });
    const metrics =
      <Req>(fn: (m: NonNullable<HostServices['metrics']>, req: Req) => void) =>
      async (req: Req): Promise<object> => {
        if (!h.metrics) throw ExternalErrors.hostServiceNotInitialized('Metrics');
        fn(h.metrics, req);
        return {};
      };
    const key = (req: { key: string[] }) => [...(req.key ?? [])];
    this.server.addService(pluginServiceDefinition('metrics'), {
      SetGauge: unary(log, 'SetGauge', metrics((m, r: SetGaugeRequest__Output) => m.setGauge(key(r), r.val, labels(r)))),
      EmitKey: unary(log, 'EmitKey', metrics((m, r: EmitKeyRequest__Output) => m.setGauge(key(r), r.val))),
      IncrCounter: unary(log, 'IncrCounter', metrics((m, r: IncrCounterRequest__Output) => m.incrCounter(key(r), r.val, labels(r)))),
      AddSample: unary(log, 'AddSample', metrics((m, r: AddSampleRequest__Output) => m.addSample(key(r), r.val, labels(r)))),
      MeasureSince: unary(
        log,
        'MeasureSince',
        metrics((m, r: MeasureSinceRequest__Output) => {
          // `time` is Unix nanoseconds; the sample is the elapsed time in milliseconds.
          const startMs = Number(r.time) / 1e6;
          m.addSample(key(r), Math.max(0, Date.now() - startMs), labels(r));
        }),
      ),
    });
  }

  /** Binds to a Unix socket at `path`. Throws when the socket cannot be created. Call once. */
  async listen(path: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.bindAsync(`unix://${path}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Stops serving; in-flight calls get up to `ms` to finish. Safe to call twice. */
  async stop(ms = 1000): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, ms);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
