import * as grpc from '@grpc/grpc-js';
import { clientConstructor, Services } from '../api/proto.js';
import { RpcError } from './rpc-error.js';

export { RpcError };

const DIAL_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTSOCK: 'socket operation on non-socket',
  ECONNRESET: 'connection reset by peer',
};

/**
 * Rewords a grpc-js failure to reach the socket the way grpc-go reports it, so the operator sees
 * the socket path and the reason (`dial unix /path: connect: connection refused`).
 */
function toRpcError(err: grpc.ServiceError, socketPath: string): RpcError {
  if (err.code === grpc.status.UNAVAILABLE) {
    const m = /\b(ECONNREFUSED|ENOENT|EACCES|ENOTSOCK|ECONNRESET)\b/.exec(err.details ?? '');
    if (m) {
      return new RpcError(
        err.code,
        `connection error: desc = "transport: error while dialing: dial unix ${socketPath}: connect: ${DIAL_ERRORS[m[1]!]}"`,
      );
    }
  }
  return new RpcError(err.code ?? grpc.status.UNKNOWN, err.details ?? err.message);
}

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
