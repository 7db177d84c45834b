import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire } from '@spire-ts/core/plugin';
import type { AgentClient } from './agent-client.js';

/** What the Workload API serves: one entry's X509-SVID, minted by the agent, and the bundle. */
export interface WorkloadApiOptions {
  /** The UDS path to listen on. */
  socketPath: string;
  /** An attested agent, synced, to which the entry is authorized. */
  agent: AgentClient;
  /** The registration entry whose SVID is served. */
  entryId: string;
  /** How often the bundle is fetched again and the SVID checked for rotation (default 1 s). */
  refreshMs?: number;
}

interface Served {
  spiffeId: string;
  chain: Buffer[];
  key: Buffer;
  bundle: Buffer[];
  notBefore: number;
  notAfter: number;
}

/**
 * A minimal SPIFFE Workload API served by the test agent: FetchX509SVID on a UDS, no workload
 * attestation (every caller gets the configured entry's SVID). Like SPIRE's agent it refuses a
 * call without the `workload.spiffe.io: true` header (InvalidArgument "security header missing
 * from request"), streams the SVID with its trust domain bundle, and sends again to every open
 * stream when the SVID rotates (at half its lifetime, or on {@link rotate}) or the bundle changes.
 */
export class WorkloadApiServer {
  private readonly server = new grpc.Server();
  private readonly streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  private served?: Served;
  private timer?: NodeJS.Timeout;
  private refreshing = false;
  /** How many messages were sent, over all streams. */
  sent = 0;

  private constructor(private readonly o: WorkloadApiOptions) {}

  /** Mints the first SVID, then listens. Throws when the entry is not authorized to the agent or the socket cannot be bound. */
  static async start(o: WorkloadApiOptions): Promise<WorkloadApiServer> {
    const s = new WorkloadApiServer(o);
    if (!o.agent.entries.has(o.entryId)) throw new Error(`entry ${o.entryId} is not authorized to the agent (sync first)`);
    s.served = await s.mint(await s.bundle());
    s.server.addService(nestedSpireWire.workloadClient().service, { FetchX509SVID: (call: grpc.ServerWritableStream<unknown, unknown>) => s.fetch(call) });
    await new Promise<void>((res, rej) => s.server.bindAsync(`unix://${o.socketPath}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
    s.timer = setInterval(() => void s.refresh(), o.refreshMs ?? 1000);
    return s;
  }

  /** The SPIFFE ID and leaf serial of what is served now. */
  get current(): { spiffeId: string; serial: string; bundle: Buffer[] } {
    const s = this.served!;
    return { spiffeId: s.spiffeId, serial: new X509Certificate(s.chain[0]!).serialNumber, bundle: s.bundle };
  }

  private fetch(call: grpc.ServerWritableStream<unknown, unknown>): void {
    if (call.metadata.get(nestedSpireWire.workloadHeader)[0] !== 'true') {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'security header missing from request' });
      return;
    }
    this.streams.add(call);
    call.on('cancelled', () => this.streams.delete(call));
    this.send(call);
  }

  private send(call: grpc.ServerWritableStream<unknown, unknown>): void {
    const s = this.served!;
    call.write({ svids: [{ spiffe_id: s.spiffeId, x509_svid: Buffer.concat(s.chain), x509_svid_key: s.key, bundle: Buffer.concat(s.bundle), hint: '' }] });
    this.sent++;
  }

  private broadcast(): void {
    for (const c of this.streams) this.send(c);
  }

  private async bundle(): Promise<Buffer[]> {
    return (await this.o.agent.getBundle()).x509_authorities.map((a) => a.asn1);
  }

  private async mint(bundle: Buffer[]): Promise<Served> {
    const svid = await this.o.agent.newX509Svid(this.o.entryId);
    const leaf = new X509Certificate(svid.certChain[0]!);
    const pem = svid.key.privateKeyPem.replace(/-----[A-Z ]+-----|\s/g, '');
    return {
      spiffeId: svid.spiffeId,
      chain: svid.certChain,
      key: Buffer.from(pem, 'base64'),
      bundle,
      notBefore: new Date(leaf.validFrom).getTime(),
      notAfter: new Date(leaf.validTo).getTime(),
    };
  }

  /** Mints a new SVID for the entry and sends it to every open stream. */
  async rotate(): Promise<void> {
    this.served = await this.mint(this.served!.bundle);
    this.broadcast();
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const s = this.served!;
      const bundle = await this.bundle();
      const bundleChanged = bundle.length !== s.bundle.length || bundle.some((b, i) => !b.equals(s.bundle[i]!));
      if (Date.now() >= s.notBefore + (s.notAfter - s.notBefore) / 2) {
        this.served = await this.mint(bundle);
        this.broadcast();
      } else if (bundleChanged) {
        this.served = { ...s, bundle };
        this.broadcast();
      }
    } catch {
      // The upstream may be restarting; the next tick tries again.
    } finally {
      this.refreshing = false;
    }
  }

  /** Ends every stream and stops serving. Safe to call twice. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const c of this.streams) c.end();
    this.streams.clear();
    await new Promise<void>((res) => this.server.tryShutdown(() => res()));
  }
}
