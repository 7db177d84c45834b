import * as grpc from '@grpc/grpc-js';
import { clientConstructor, Services } from '../api/proto.js';
import { RpcError, toRpcError } from './rpc-error.js';

export { RpcError };

/** The service names the CLI calls, keys of `Services`. */
export type ServiceName = keyof typeof Services;

/**
 * One connection to the server API over the admin Unix socket, shared by every service a command
 * calls. Calls fail fast (no wait-for-ready), as SPIRE's CLI does. Call `close()` when done; safe
 * to call twice.
 */
export class ApiClient {
  private readonly clients = new Map<ServiceName, grpc.Client>();
  private channel: grpc.Channel | undefined;

  constructor(readonly socketPath: string) {}

  /** Calls one unary RPC; rejects with RpcError. */
  call<Res = Record<string, unknown>>(service: ServiceName, method: string, req: object): Promise<Res> {
    const client = this.client(service) as unknown as Record<string, (req: object, cb: (err: grpc.ServiceError | null, res: Res) => void) => void>;
    const fn = client[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`unknown method ${Services[service]}/${method}`));
    return new Promise((resolve, reject) => {
      fn.call(client, req, (err, res) => (err ? reject(toRpcError(err, this.socketPath)) : resolve(res)));
    });
  }

  private client(service: ServiceName): grpc.Client {
    let c = this.clients.get(service);
    if (!c) {
      const Ctor = clientConstructor(Services[service]);
      const options: grpc.ClientOptions = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };
      if (this.channel) options.channelOverride = this.channel;
      c = new Ctor(`unix:${this.socketPath}`, grpc.credentials.createInsecure(), options);
      this.channel ??= c.getChannel() as grpc.Channel;
      this.clients.set(service, c);
    }
    return c;
  }

  /** Closes every client and the shared channel. Safe to call twice. */
  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    this.channel = undefined;
  }
}
