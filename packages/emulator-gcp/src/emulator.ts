/**
 * GcpEmulator: one HTTP endpoint on 127.0.0.1 for the Google APIs SPIRE's GCP plugins call, each
 * service keeping real state the tests can read and change.
 */
import { HttpEmulator, HttpError, type RecordedRequest } from '@spire-ts/emulator-kit';
import { ComputeService } from './compute.js';
import type { GcpEnv } from './env.js';
import { IitService } from './iit.js';
import { KmsService } from './kms.js';
import { MetadataService } from './metadata.js';
import { PrivateCaService } from './privateca.js';
import { StorageService } from './storage.js';

export class GcpEmulator implements GcpEnv {
  readonly tokens = new Set<string>();
  readonly metadata: MetadataService;
  readonly iit: IitService;
  readonly compute: ComputeService;
  readonly kms: KmsService;
  readonly privateca: PrivateCaService;
  readonly storage: StorageService;
  /** The emulator's clock; replace it to move time. */
  clock: () => Date = () => new Date();
  private http?: HttpEmulator;

  private constructor() {
    this.metadata = new MetadataService(this);
    this.iit = new IitService(this);
    this.compute = new ComputeService(this);
    this.kms = new KmsService(this);
    this.privateca = new PrivateCaService(this);
    this.storage = new StorageService(this);
  }

  /** Starts the emulator on an ephemeral port (or `port`). */
  static async start(opts: { port?: number } = {}): Promise<GcpEmulator> {
    const e = new GcpEmulator();
    const services = [e.metadata, e.iit, e.compute, e.kms, e.privateca, e.storage];
    e.http = await HttpEmulator.start({
      routes: services.flatMap((s) => s.routes()),
      port: opts.port,
      notFound: (method, path) => ({ error: { code: 404, message: `no emulated API for ${method} ${path}`, status: 'NOT_FOUND' } }),
    });
    return e;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.http!.url;
  }

  /**
   * Environment that points Google's client libraries at the emulator for credentials:
   * `GCE_METADATA_HOST` (Application Default Credentials then take tokens from the emulated
   * metadata server) and the project. Each service's own endpoint is set separately.
   */
  env(): Record<string, string> {
    const host = new URL(this.url).host;
    return { GCE_METADATA_HOST: host, GCE_METADATA_IP: host, GOOGLE_CLOUD_PROJECT: this.metadata.projectId, METADATA_SERVER_DETECTION: 'assume-present' };
  }

  /** Throws UNAUTHENTICATED unless the request carries a bearer token this emulator issued. */
  checkBearer(authorization: string | undefined): void {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token)) {
      throw new HttpError(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
    }
  }

  now(): Date {
    return this.clock();
  }

  /** Every request, in order. */
  get requests(): RecordedRequest[] {
    return this.http!.requests;
  }

  /** Recorded requests of one route (routes are named `<service>.<method>`, e.g. `compute.instances.get`). */
  calls(route: string): RecordedRequest[] {
    return this.http!.calls(route);
  }

  /** Delays every answer by `ms`. */
  setLatencyMs(ms: number): void {
    this.http!.setLatencyMs(ms);
  }

  /** When on, every request answers 503. */
  setUnavailable(on: boolean): void {
    this.http!.setUnavailable(on);
  }

  /** Makes the next `count` requests of a route answer `status` with `json`. */
  fail(route: string, status: number, json: unknown, count = 1): void {
    this.http!.fail(route, status, json, count);
  }

  async close(): Promise<void> {
    await this.http?.close();
  }
}
