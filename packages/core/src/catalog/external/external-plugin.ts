import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  credentials,
  Metadata,
  status as GrpcStatus,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
} from '@grpc/grpc-js';
import { Code, SpireError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { HostServices } from '../../plugins/host-services.js';
import type { PluginType } from '../../plugins/types.js';
import { verifyChecksum } from './checksum.js';
import { ExternalErrors } from '../../plugins/external-errors.js';
import { fromGrpcError } from './grpc-status.js';
import { handshakeEnv } from './handshake.js';
import { HOST_SERVICE_NAMES, HostServicesServer } from './host-services-server.js';
import { PluginProcess } from './plugin-process.js';
import { SERVICE_NAMES, serviceCtor, type ServiceKey } from './protos.js';

/** The broker ID on which the host serves its host services, as SPIRE's SDK expects. */
export const HOST_SERVICE_PROVIDER_ID = 1;

/** Everything needed to start one external plugin. */
export interface ExternalPluginOptions {
  type: PluginType;
  name: string;
  /** plugin_cmd; made absolute against the working directory (no PATH lookup), as SPIRE. */
  path: string;
  args?: readonly string[];
  /** plugin_checksum; when absent a warning is logged and the binary runs unchecked, as SPIRE. */
  checksum?: string;
  /** plugin_data as text, sent as hcl_configuration. */
  dataText: string;
  trustDomain: string;
  host: HostServices;
  log: Logger;
  /** Handshake and Init deadline. */
  startTimeoutMs: number;
  /** How long Deinit and a graceful exit may take on close before the process is killed. */
  stopTimeoutMs: number;
  /** False to start and Init the plugin without configuring it (for `validate`). Default true. */
  configure?: boolean;
}

type AnyCallback = (err: unknown, res: unknown) => void;
type UnaryMethod = (req: object, md: Metadata, opts: object, cb: AnyCallback) => unknown;

const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

/**
 * A started, initialised and configured external plugin, and the gRPC connection to it.
 *
 * Calls made through it fail with UNAVAILABLE ("plugin process is not running (...)") once the
 * process has died; the catalog adds the plugin prefix, so the message names the plugin.
 */
export class ExternalPlugin {
  private readonly clients = new Map<ServiceKey, Client>();
  private brokerStream: ClientDuplexStream<object, object> | undefined;
  private stdioStream: ClientReadableStream<object> | undefined;
  private hostServer: HostServicesServer | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  /** Services the plugin said it serves (from Init). */
  serviceNames: string[] = [];

  private constructor(
    readonly opts: ExternalPluginOptions,
    readonly proc: PluginProcess,
    private readonly target: string,
    private readonly socketDir: string,
  ) {}

  /** True once close() has begun. */
  get stopping(): boolean {
    return this.closing;
  }

  /** True while the process runs and the plugin is not closed. */
  get alive(): boolean {
    return this.proc.exit === undefined && !this.closing;
  }

  /**
   * Checks the checksum, starts the process, completes go-plugin's handshake, connects, brokers
   * the host services, runs the SDK's Init and Configure. On any failure everything started is
   * stopped (process killed, sockets removed) before the error is thrown.
   */
  static async start(opts: ExternalPluginOptions): Promise<ExternalPlugin> {
    const path = isAbsolute(opts.path) ? opts.path : resolve(opts.path);
    if (opts.checksum !== undefined && opts.checksum !== '') await verifyChecksum(path, opts.checksum);
    else opts.log.warn('Plugin checksum not configured');

    const socketDir = await mkdtemp(join(tmpdir(), 'spire-plugin-'));
    let started: Awaited<ReturnType<typeof PluginProcess.start>>;
    try {
      started = await PluginProcess.start({
        path,
        args: opts.args,
        env: handshakeEnv(opts.type, socketDir),
        log: opts.log,
        startTimeoutMs: opts.startTimeoutMs,
      });
    } catch (err) {
      await rm(socketDir, { recursive: true, force: true });
      throw err;
    }
    const { proc, handshake } = started;
    const plugin = new ExternalPlugin(opts, proc, handshake.target, socketDir);
    proc.logExit(() => plugin.closing);
    try {
      await plugin.connect();
    } catch (err) {
      await plugin.close();
      throw err instanceof SpireError ? err : fromGrpcError(err);
    }
    return plugin;
  }

  private client(key: ServiceKey): Client {
    let c = this.clients.get(key);
    if (!c) {
      const first = this.clients.values().next().value as Client | undefined;
      const Ctor = serviceCtor(key);
      c = first
        ? new Ctor(this.target, credentials.createInsecure(), { ...CHANNEL_OPTIONS, channelOverride: first.getChannel() })
        : new Ctor(this.target, credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(key, c);
    }
    return c;
  }

  private deadline(ms: number): Date {
    return new Date(Date.now() + ms);
  }

  private async connect(): Promise<void> {
    const { opts } = this;
    // go-plugin serves the health service for "plugin"; waiting on it makes sure the plugin's
    // gRPC server answers before anything else is sent.
    try {
      await this.rawUnary('health', 'Check', { service: 'plugin' }, { deadline: this.deadline(opts.startTimeoutMs), waitForReady: true });
    } catch (err) {
      const e = fromGrpcError(err);
      if ((e.code === Code.DEADLINE_EXCEEDED || e.code === Code.UNAVAILABLE) && this.proc.exit === undefined) {
        throw ExternalErrors.noAnswer('the health check', opts.startTimeoutMs, e.message);
      }
      if (e.code !== Code.UNIMPLEMENTED) throw this.mapError(err, 'health check');
    }

    this.startStdio();
    await this.startBroker();

    const init = (await this.rawUnary(
      'init',
      'Init',
      { hostServiceNames: [...HOST_SERVICE_NAMES] },
      { deadline: this.deadline(opts.startTimeoutMs) },
    ).catch((err: unknown) => {
      if (fromGrpcError(err).code === Code.DEADLINE_EXCEEDED && this.proc.exit === undefined) {
        throw ExternalErrors.noAnswer('Init', opts.startTimeoutMs);
      }
      throw this.mapError(err, 'Init');
    })) as { pluginServiceNames?: string[] };
    this.serviceNames = [...(init.pluginServiceNames ?? [])];
    const typeService = SERVICE_NAMES[opts.type as keyof typeof SERVICE_NAMES];
    if (!this.serviceNames.includes(typeService)) throw ExternalErrors.noPluginInterface(this.serviceNames);
    for (const n of this.serviceNames) {
      if (n !== typeService && n !== SERVICE_NAMES.config) opts.log.warn({ plugin_service: n }, 'Unsupported plugin service found');
    }

    if (opts.configure === false) return;
    if (!this.serviceNames.includes(SERVICE_NAMES.config)) {
      if (opts.dataText.trim() !== '') throw ExternalErrors.noConfigInterface();
      return;
    }
    await this.configure(opts.dataText);
    opts.log.info({ reconfigurable: false }, 'Configured plugin');
  }

  /**
   * Sends `dataText` to the plugin's Config.Configure: at start, and again when the plugin is
   * reconfigured. A plugin without the Config service takes only empty data. Throws a SpireError
   * with the plugin's status when it refuses the data (it then keeps its old configuration), and
   * UNAVAILABLE when it is not running; `timeoutMs` bounds the call (none by default). Safe to
   * call again.
   */
  async configure(dataText: string, timeoutMs?: number): Promise<void> {
    this.checkAlive();
    if (!this.serviceNames.includes(SERVICE_NAMES.config)) {
      if (dataText.trim() !== '') throw ExternalErrors.noConfigInterface();
      return;
    }
    const callOpts = timeoutMs !== undefined ? { deadline: this.deadline(timeoutMs) } : {};
    await this.rawUnary('config', 'Configure', { coreConfiguration: { trustDomain: this.opts.trustDomain }, hclConfiguration: dataText }, callOpts).catch((err: unknown) => {
      throw this.mapError(err, 'Configure');
    });
  }

  /**
   * Asks the plugin to check `dataText` without applying it (Config.Validate), as
   * `spire-server validate` does. Returns the plugin's notes; an error status becomes a note, and
   * UNIMPLEMENTED (or no Config service) means nothing to report, as in SPIRE.
   */
  async validate(dataText: string): Promise<string[]> {
    if (!this.serviceNames.includes(SERVICE_NAMES.config)) return [];
    try {
      const res = (await this.rawUnary(
        'config',
        'Validate',
        { coreConfiguration: { trustDomain: this.opts.trustDomain }, hclConfiguration: dataText },
        { deadline: this.deadline(this.opts.startTimeoutMs) },
      )) as { notes?: string[] };
      return [...(res.notes ?? [])];
    } catch (err) {
      const e = this.mapError(err, 'Validate');
      return e.code === Code.UNIMPLEMENTED ? [] : [e.message];
    }
  }

  private startStdio(): void {
    try {
      const call = (this.client('stdio') as unknown as { StreamStdio(req: object): ClientReadableStream<object> }).StreamStdio({});
      this.stdioStream = call;
      call.on('data', (d: { channel?: string; data?: Buffer }) => {
        const text = d.data?.toString('utf8').trimEnd();
        if (text) this.opts.log.debug({ stream: String(d.channel ?? '').toLowerCase() }, text);
      });
      call.on('error', () => undefined);
    } catch {
      // stdio relay is optional
    }
  }

  private async startBroker(): Promise<void> {
    const server = new HostServicesServer(this.opts.host, this.opts.log);
    this.hostServer = server;
    const address = join(this.socketDir, `host-${HOST_SERVICE_PROVIDER_ID}.sock`);
    await server.listen(address);
    const stream = (this.client('broker') as unknown as { StartStream(): ClientDuplexStream<object, object> }).StartStream();
    this.brokerStream = stream;
    stream.on('data', (info: { serviceId?: number; address?: string }) => {
      // Plugins may offer their own brokered services; SPIRE uses none, and neither do we.
      this.opts.log.debug({ service_id: info.serviceId, address: info.address }, 'Ignoring brokered connection offered by plugin');
    });
    stream.on('error', () => undefined);
    stream.write({ serviceId: HOST_SERVICE_PROVIDER_ID, network: 'unix', address });
  }

  private rawUnary(key: ServiceKey, method: string, req: object, callOpts: object = {}): Promise<unknown> {
    const c = this.client(key) as unknown as Record<string, UnaryMethod>;
    const fn = c[method];
    if (typeof fn !== 'function') return Promise.reject(new SpireError(Code.INTERNAL, `no method ${method}`));
    return new Promise((resolve, reject) => {
      fn.call(c, req, new Metadata(), callOpts, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  /** Maps a call error: a dead or unreachable plugin becomes UNAVAILABLE; others keep code and message. */
  private mapError(err: unknown, what?: string): SpireError {
    const e = fromGrpcError(err);
    if (this.proc.exit !== undefined) return ExternalErrors.notRunning(this.proc.exit);
    if (e.code === Code.UNAVAILABLE || (e.code === Code.CANCELLED && this.closing)) {
      return ExternalErrors.unavailable(what ? `${what}: ${e.message}` : e.message);
    }
    return e;
  }

  private async mapErrorSettled(err: unknown): Promise<SpireError> {
    const e = fromGrpcError(err);
    // A dropped connection usually means the process is dying; give its exit a moment so the
    // error can say how it ended.
    if (e.code === Code.UNAVAILABLE && this.proc.exit === undefined) await this.proc.waitExit(250);
    return this.mapError(err);
  }

  private checkAlive(): void {
    if (this.proc.exit !== undefined) throw ExternalErrors.notRunning(this.proc.exit);
    if (this.closing) throw ExternalErrors.unavailable('plugin is closed');
  }

  /** Calls a unary method of the plugin's type service. Throws a SpireError. */
  async unary<T>(method: string, req: object): Promise<T> {
    this.checkAlive();
    try {
      return (await this.rawUnary(this.opts.type as ServiceKey, method, req)) as T;
    } catch (err) {
      throw await this.mapErrorSettled(err);
    }
  }

  /**
   * Calls a server-streaming method of the plugin's type service. Iteration ends when the
   * plugin ends the stream or `signal` aborts; errors are SpireErrors.
   */
  async *serverStream<T>(method: string, req: object, signal?: AbortSignal): AsyncGenerator<T> {
    this.checkAlive();
    const c = this.client(this.opts.type as ServiceKey) as unknown as Record<string, (r: object) => ClientReadableStream<T>>;
    const call = c[method]!.call(c, req);
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort);
    try {
      for await (const m of call as AsyncIterable<T>) yield m;
    } catch (err) {
      if (signal?.aborted && fromGrpcError(err).code === Code.CANCELLED) return;
      throw await this.mapErrorSettled(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  /**
   * Opens a bidirectional stream of the plugin's type service, with `metadata` as its request
   * headers, and hands it to `fn`; errors raised while reading or writing become SpireErrors.
   */
  async bidi<T>(method: string, fn: (call: ClientDuplexStream<object, object>) => Promise<T>, metadata?: Metadata): Promise<T> {
    this.checkAlive();
    const c = this.client(this.opts.type as ServiceKey) as unknown as Record<string, (md?: Metadata) => ClientDuplexStream<object, object>>;
    const call = metadata ? c[method]!.call(c, metadata) : c[method]!.call(c);
    call.on('error', () => undefined);
    try {
      return await fn(call);
    } catch (err) {
      if (err instanceof SpireError) throw err;
      throw await this.mapErrorSettled(err);
    } finally {
      call.cancel();
    }
  }

  /**
   * Stops the plugin: Deinit, close the broker, ask the controller to shut down, wait for the
   * process to exit and kill it if it does not, then remove its sockets. Safe to call twice;
   * later calls wait for the first.
   */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  private async doClose(): Promise<void> {
    const { opts } = this;
    const wasAlive = this.proc.exit === undefined;
    this.closing = true;
    if (wasAlive && this.serviceNames.length > 0) {
      try {
        await this.rawUnary('init', 'Deinit', {}, { deadline: this.deadline(opts.stopTimeoutMs) });
        opts.log.debug('Plugin deinitialized');
      } catch (err) {
        const e = fromGrpcError(err);
        if (e.code !== Code.UNIMPLEMENTED) opts.log.error({ error: e.message }, 'Failed to deinitialize plugin');
      }
    }
    this.brokerStream?.end();
    this.brokerStream?.cancel();
    this.stdioStream?.cancel();
    if (this.proc.exit === undefined) {
      try {
        await this.rawUnary('controller', 'Shutdown', {}, { deadline: this.deadline(Math.min(2000, opts.stopTimeoutMs)) });
      } catch (err) {
        // The process may exit before it answers; that is a shutdown too.
        const e = fromGrpcError(err);
        if (e.code !== Code.UNAVAILABLE && e.code !== (GrpcStatus.CANCELLED as number)) {
          opts.log.debug({ error: e.message }, 'Plugin controller shutdown failed');
        }
      }
    }
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    if (!(await this.proc.waitExit(Math.min(2000, opts.stopTimeoutMs)))) {
      opts.log.warn({ plugin_pid: this.proc.pid }, 'Plugin failed to exit gracefully; killing it');
      await this.proc.kill();
    }
    await this.hostServer?.stop();
    await rm(this.socketDir, { recursive: true, force: true });
    opts.log.debug('Plugin unloaded');
  }
}
