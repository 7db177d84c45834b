import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire } from '@spire-ts/core/plugin';
import type { TestCert } from './pki.test-support.js';

/** What the fake sends: the SVID (with intermediates after the leaf) and the bundle. */
export interface ServedSvid {
  id: string;
  svid: TestCert;
  chain?: Uint8Array[];
  bundle: Uint8Array[];
}

/**
 * A Workload API on a UDS in a temp dir serving FetchX509SVID: it requires the
 * `workload.spiffe.io: true` header (InvalidArgument "security header missing from request"
 * otherwise, as SPIRE's agent), sends the current SVID on each new stream and again to every open
 * stream on {@link serve}. `calls` counts the streams opened.
 */
export class FakeWorkloadApi {
  readonly dir = mkdtempSync(join(tmpdir(), 'spire-ua-wl-'));
  readonly socketPath = join(this.dir, 'agent.sock');
  calls = 0;
  private readonly server = new grpc.Server();
  private readonly open = new Set<grpc.ServerWritableStream<unknown, unknown>>();

  private constructor(public current: ServedSvid) {}

  static async start(svid: ServedSvid): Promise<FakeWorkloadApi> {
    const f = new FakeWorkloadApi(svid);
    f.server.addService(nestedSpireWire.workloadClient().service, {
      FetchX509SVID: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        f.calls++;
        if (call.metadata.get(nestedSpireWire.workloadHeader)[0] !== 'true') {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'security header missing from request' });
          return;
        }
        f.open.add(call);
        call.on('cancelled', () => f.open.delete(call));
        call.write(f.message());
      },
    });
    await new Promise<void>((res, rej) => f.server.bindAsync(`unix://${f.socketPath}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
    return f;
  }

  private message() {
    const s = this.current;
    return {
      svids: [
        {
          spiffe_id: s.id,
          x509_svid: Buffer.concat([s.svid.der, ...(s.chain ?? [])]),
          x509_svid_key: Buffer.from(s.svid.keyDer),
          bundle: Buffer.concat(s.bundle),
        },
      ],
    };
  }

  /** Switches to `svid` and sends it on every open stream. */
  serve(svid: ServedSvid): void {
    this.current = svid;
    for (const c of this.open) c.write(this.message());
  }

  /** Ends every open stream (as an agent restart would). */
  endStreams(): void {
    for (const c of this.open) c.end();
    this.open.clear();
  }

  /** Streams open now. */
  get openStreams(): number {
    return this.open.size;
  }

  async close(): Promise<void> {
    for (const c of this.open) c.end();
    await new Promise<void>((res) => this.server.tryShutdown(() => res()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
