import { credentials, Metadata, type Client } from '@grpc/grpc-js';
import { Code, errorCode, type HostServices, type Logger, wire } from '@spire-ts/core/plugin';

const { SERVICE_NAMES, bundleFromMsg, bytes, fromGrpcError, serviceCtor } = wire;
type ServiceKey = wire.ServiceKey;

type Unary = (req: object, md: Metadata, opts: object, cb: (err: unknown, res: unknown) => void) => void;

function call<T>(client: Client, method: string, req: object): Promise<T> {
  const fn = (client as unknown as Record<string, Unary>)[method]!;
  return new Promise((resolve, reject) => {
    fn.call(client, req, new Metadata(), {}, (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res as T)));
  });
}

function labelList(labels?: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(labels ?? {}).map(([name, value]) => ({ name, value }));
}

/**
 * The host services a plugin can use, reached over the brokered connection. Only the services
 * the host listed in Init are present. Metrics calls are sent without waiting; a failure is
 * logged at debug level.
 */
export function hostServicesClient(target: string, offered: readonly string[], log: Logger): { host: HostServices; close: () => void } {
  const clients: Client[] = [];
  const make = (key: ServiceKey): Client | undefined => {
    if (!offered.includes(SERVICE_NAMES[key])) return undefined;
    const Ctor = serviceCtor(key);
    const first = clients[0];
    const c = first
      ? new Ctor(target, credentials.createInsecure(), { channelOverride: first.getChannel() })
      : new Ctor(target, credentials.createInsecure());
    clients.push(c);
    return c;
  };
  const host: HostServices = {};
  const idp = make('identityProvider');
  if (idp) {
    host.identityProvider = {
      async fetchX509Identity() {
        const r = await call<wire.msg.FetchX509IdentityResponse__Output>(idp, 'FetchX509Identity', {});
        return { certChain: (r.identity?.certChain ?? []).map(bytes), bundle: bundleFromMsg(r.bundle) };
      },
    };
  }
  const as = make('agentStore');
  if (as) {
    host.agentStore = {
      async getAgentInfo(agentId) {
        try {
          const r = await call<{ info?: { agentId: string } | null }>(as, 'GetAgentInfo', { agentId });
          return r.info ? { agentId: r.info.agentId } : undefined;
        } catch (err) {
          if (errorCode(err) === Code.NOT_FOUND) return undefined;
          throw err;
        }
      },
    };
  }
  const m = make('metrics');
  if (m) {
    const send = (method: string, req: object) =>
      void call(m, method, req).catch((err: unknown) => log.debug({ error: (err as Error).message }, `Metrics ${method} failed`));
    host.metrics = {
      incrCounter: (key, val, labels) => send('IncrCounter', { key, val, labels: labelList(labels) }),
      setGauge: (key, val, labels) => send('SetGauge', { key, val, labels: labelList(labels) }),
      addSample: (key, val, labels) => send('AddSample', { key, val, labels: labelList(labels) }),
    };
  }
  return { host, close: () => clients.forEach((c) => c.close()) };
}
