/**
 * AzureEmulator: one HTTPS endpoint on 127.0.0.1 (its certificate signed by the fixed test CA of
 * @spire-ts/emulator-kit, which the test process trusts through NODE_EXTRA_CA_CERTS) for the
 * Azure APIs SPIRE's Azure plugins call, each service keeping real state.
 */
import { HttpEmulator, HttpError, testServingIdentity, type RecordedRequest, type Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';
import { ArmService } from './arm.js';
import { BlobService } from './blob.js';
import { EntraService } from './entra.js';
import { ImdsService } from './imds.js';
import { KeyVaultService } from './keyvault.js';

export class AzureEmulator implements AzureEnv {
  readonly entra: EntraService;
  readonly arm: ArmService;
  readonly imds: ImdsService;
  readonly keyVault: KeyVaultService;
  readonly blob: BlobService;
  /** The emulator's clock; replace it to move time. */
  clock: () => Date = () => new Date();
  private http?: HttpEmulator;

  private constructor() {
    this.entra = new EntraService(this);
    this.arm = new ArmService(this);
    this.imds = new ImdsService(this);
    this.keyVault = new KeyVaultService(this);
    this.blob = new BlobService(this);
  }

  /** Starts the emulator on an ephemeral port (or `port`). */
  static async start(opts: { port?: number } = {}): Promise<AzureEmulator> {
    const e = new AzureEmulator();
    const routes: Route[] = [e.entra, e.arm, e.imds, e.keyVault, e.blob].flatMap((s) => s.routes());
    e.http = await HttpEmulator.start({
      routes,
      port: opts.port,
      tls: await testServingIdentity(),
      notFound: (method, path) => ({ error: { code: 'NotFound', message: `no emulated API for ${method} ${path}` } }),
    });
    return e;
  }

  /** `https://127.0.0.1:<port>`. */
  get url(): string {
    return this.http!.url;
  }

  now(): Date {
    return this.clock();
  }

  /** Environment that points @azure/identity at the emulator: `AZURE_AUTHORITY_HOST`. */
  env(): Record<string, string> {
    return { AZURE_AUTHORITY_HOST: this.url };
  }

  checkBearer(authorization: string | undefined): void {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token || !this.entra.isIssued(token)) {
      throw new HttpError(401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
    }
  }

  /** Every request, in order. */
  get requests(): RecordedRequest[] {
    return this.http!.requests;
  }

  /** Recorded requests of one route (e.g. `entra.token`). */
  calls(route: string): RecordedRequest[] {
    return this.http!.calls(route);
  }

  setLatencyMs(ms: number): void {
    this.http!.setLatencyMs(ms);
  }

  setUnavailable(on: boolean): void {
    this.http!.setUnavailable(on);
  }

  fail(route: string, status: number, json: unknown, count = 1): void {
    this.http!.fail(route, status, json, count);
  }

  async close(): Promise<void> {
    await this.http?.close();
  }
}
