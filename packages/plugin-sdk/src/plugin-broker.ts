import type { ServerDuplexStream } from '@grpc/grpc-js';

interface ConnInfo {
  serviceId: number;
  network: string;
  address: string;
  knock?: { knock: boolean; ack: boolean; error: string } | null;
}

/**
 * The plugin's side of go-plugin's broker: the host opens StartStream and announces, per broker
 * ID, where it listens. `dial` waits (up to `timeoutMs`, 5s as go-plugin) for that announcement.
 */
export class PluginBroker {
  private readonly known = new Map<number, ConnInfo>();
  private readonly waiters = new Map<number, ((c: ConnInfo) => void)[]>();
  private stream: ServerDuplexStream<ConnInfo, ConnInfo> | undefined;

  /** The GRPCBroker service implementation to register on the plugin's server. */
  readonly service = {
    StartStream: (call: ServerDuplexStream<ConnInfo, ConnInfo>) => {
      this.stream = call;
      call.on('data', (info: ConnInfo) => {
        if (info.knock?.knock) {
          // Multiplexing is never negotiated (the env var is not set), so knocks are refused.
          call.write({ serviceId: info.serviceId, network: '', address: '', knock: { knock: true, ack: true, error: 'multiplexing not supported' } });
          return;
        }
        this.known.set(info.serviceId, info);
        for (const w of this.waiters.get(info.serviceId) ?? []) w(info);
        this.waiters.delete(info.serviceId);
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  };

  /**
   * The gRPC target (e.g. `unix:///tmp/x`) of brokered service `id`. Throws when the host has
   * not announced it within `timeoutMs`.
   */
  async target(id: number, timeoutMs = 5000): Promise<string> {
    const info =
      this.known.get(id) ??
      (await new Promise<ConnInfo>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timeout waiting for connection info')), timeoutMs);
        const list = this.waiters.get(id) ?? [];
        list.push((c) => {
          clearTimeout(t);
          resolve(c);
        });
        this.waiters.set(id, list);
      }));
    if (info.network === 'unix') return `unix://${info.address.startsWith('/') ? '' : '/'}${info.address}`;
    if (info.network === 'tcp') return info.address;
    throw new Error(`unknown address type: ${info.address}`);
  }

  /** Ends the stream. Safe to call twice. */
  close(): void {
    try {
      this.stream?.end();
    } catch {
      // already ended
    }
  }
}
