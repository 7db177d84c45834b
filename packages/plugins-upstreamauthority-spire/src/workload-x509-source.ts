import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire, toPem, type Logger } from '@spire-ts/core/plugin';

type CertificateProvider = grpc.experimental.CertificateProvider;
type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

/** The X509-SVID the Workload API gave: chain (DER, leaf first), its key and the trust domain bundle. */
export interface WorkloadSvid {
  spiffeId: string;
  chain: Uint8Array[];
  /** Unencrypted PKCS#8 DER. */
  key: Uint8Array;
  /** DER certificates of the trust domain's bundle. */
  bundle: Uint8Array[];
}

/** How the source reaches the Workload API and how long it waits. */
export interface WorkloadSourceOptions {
  /** Absolute path of the Workload API socket. */
  socketPath: string;
  log: Logger;
  /** How long {@link WorkloadX509Source.open} waits for the first SVID. */
  firstSvidTimeoutMs: number;
  /** The wait before opening the stream again after it fails. */
  retryDelayMs: number;
}

interface WireSvid {
  spiffe_id: string;
  x509_svid: Buffer;
  x509_svid_key: Buffer;
  bundle: Buffer;
}

/**
 * Reads one Workload API X509SVID message as the standard asks: every field set, the chain and
 * bundle made of certificates, the key a PKCS#8 key, and the SPIFFE ID the leaf's only URI SAN.
 * Throws an Error naming the problem.
 */
export function readWorkloadSvid(m: WireSvid): WorkloadSvid {
  if (!m.spiffe_id || !m.x509_svid?.length || !m.x509_svid_key?.length || !m.bundle?.length) throw new Error('the X509-SVID is missing a field');
  const chain = nestedSpireWire.splitCertificates(m.x509_svid);
  const bundle = nestedSpireWire.splitCertificates(m.bundle);
  const leaf = new X509Certificate(chain[0]!);
  for (const c of bundle) new X509Certificate(c);
  const uris = (leaf.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:'));
  if (uris.length !== 1 || uris[0] !== `URI:${m.spiffe_id}`) throw new Error(`the X509-SVID leaf is not for ${m.spiffe_id}`);
  createPrivateKey({ key: m.x509_svid_key, format: 'der', type: 'pkcs8' });
  return { spiffeId: m.spiffe_id, chain, key: new Uint8Array(m.x509_svid_key), bundle };
}

/**
 * An X509 source on the Workload API (go-spiffe's X509Source): it keeps a FetchX509SVID stream
 * open over the UDS, with the `workload.spiffe.io: true` header, and holds the first SVID of the
 * latest message. It is a grpc-js certificate provider, so a channel built on it presents the
 * current SVID and trusts the current bundle on every new connection: a rotated SVID or bundle is
 * used from the next handshake on. A failed stream is opened again after `retryDelayMs`, keeping
 * the last SVID meanwhile. Not reusable after close().
 */
export class WorkloadX509Source implements CertificateProvider {
  private svid?: WorkloadSvid;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly client: grpc.Client;
  private call?: grpc.ClientReadableStream<unknown>;
  private retry?: NodeJS.Timeout;
  private closed = false;
  private lastError = 'no answer yet';
  private firstWaiter?: () => void;

  private constructor(private readonly o: WorkloadSourceOptions) {
    const Ctor = nestedSpireWire.workloadClient();
    this.client = new Ctor(`unix://${o.socketPath}`, grpc.credentials.createInsecure());
  }

  /**
   * Opens the source and waits for the first SVID. Throws an Error with the reason (the last
   * stream error) when none arrives within `firstSvidTimeoutMs`; nothing stays open then.
   */
  static async open(o: WorkloadSourceOptions): Promise<WorkloadX509Source> {
    const s = new WorkloadX509Source(o);
    const first = new Promise<void>((res) => (s.firstWaiter = res));
    s.connect();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), o.firstSvidTimeoutMs)));
    const r = await Promise.race([first, timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') {
      s.close();
      throw new Error(`no X509-SVID from the Workload API at ${o.socketPath} within ${o.firstSvidTimeoutMs / 1000}s: ${s.lastError}`);
    }
    return s;
  }

  /** The current SVID. Throws once closed. */
  current(): WorkloadSvid {
    if (this.closed || !this.svid) throw new Error('the X509 source is closed');
    return this.svid;
  }

  private connect(): void {
    if (this.closed) return;
    const md = new grpc.Metadata();
    md.set(nestedSpireWire.workloadHeader, 'true');
    const c = this.client as unknown as { FetchX509SVID(req: unknown, md: grpc.Metadata): grpc.ClientReadableStream<unknown> };
    const call = c.FetchX509SVID({}, md);
    this.call = call;
    call.on('data', (m: { svids: WireSvid[] }) => this.take(m));
    // Only the current stream may schedule a new one (a stream ends with both 'error' and 'end').
    call.on('error', (e: grpc.ServiceError) => this.call === call && this.failed(nestedSpireWire.rpcErrorText(e)));
    call.on('end', () => this.call === call && this.failed('the Workload API closed the stream'));
  }

  private take(m: { svids: WireSvid[] }): void {
    let svid: WorkloadSvid;
    try {
      if (!m.svids?.length) throw new Error('no X509-SVID in the response');
      svid = readWorkloadSvid(m.svids[0]!);
    } catch (err) {
      this.lastError = (err as Error).message;
      this.o.log.warn({ error: this.lastError }, 'Workload API sent an unusable X509-SVID response');
      return;
    }
    this.svid = svid;
    this.o.log.debug({ spiffe_id: svid.spiffeId }, 'X509-SVID received from the Workload API');
    for (const l of this.caListeners) l(this.caUpdate());
    for (const l of this.identityListeners) l(this.identityUpdate());
    this.firstWaiter?.();
    this.firstWaiter = undefined;
  }

  private failed(reason: string): void {
    if (this.closed || this.retry) return;
    this.lastError = reason;
    this.o.log.warn({ error: reason }, 'Workload API stream failed; opening it again');
    this.call = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, this.o.retryDelayMs);
  }

  private caUpdate() {
    return this.svid ? { caCertificate: Buffer.from(toPem(this.svid.bundle)) } : null;
  }

  private identityUpdate() {
    if (!this.svid) return null;
    const privateKey = createPrivateKey({ key: Buffer.from(this.svid.key), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' });
    return { certificate: Buffer.from(toPem(this.svid.chain)), privateKey: Buffer.from(privateKey) };
  }

  /** grpc-js: called with the current bundle now (when there is one) and on each change. */
  addCaCertificateListener(l: CaListener): void {
    this.caListeners.add(l);
    if (this.svid) l(this.caUpdate());
  }

  removeCaCertificateListener(l: CaListener): void {
    this.caListeners.delete(l);
  }

  /** grpc-js: called with the current SVID now (when there is one) and on each change. */
  addIdentityCertificateListener(l: IdentityListener): void {
    this.identityListeners.add(l);
    if (this.svid) l(this.identityUpdate());
  }

  removeIdentityCertificateListener(l: IdentityListener): void {
    this.identityListeners.delete(l);
  }

  /** Ends the stream and the channel. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retry);
    this.call?.cancel();
    this.client.close();
    this.caListeners.clear();
    this.identityListeners.clear();
  }
}
