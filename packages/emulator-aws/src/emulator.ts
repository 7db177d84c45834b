/**
 * AwsEmulator: one HTTP endpoint on 127.0.0.1 that speaks the wire protocols of the AWS services
 * SPIRE's AWS plugins call, with real state the tests can inspect and change. It does not check
 * SigV4 signatures; the region and access key named in the Authorization header are still read.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AcmPcaService } from './acm-pca.js';
import { AutoScalingService } from './auto-scaling.js';
import { Ec2Service } from './ec2.js';
import { EksService } from './eks.js';
import type { EmulatorEnv } from './env.js';
import { IamService } from './iam.js';
import { KmsService } from './kms.js';
import { OrganizationsService } from './organizations.js';
import { AwsError } from './protocol.js';
import { RolesAnywhereService } from './roles-anywhere.js';
import { SecretsManagerService } from './secrets-manager.js';
import { startServer, type RecordedRequest, type ServerControls } from './server.js';
import { StsService } from './sts.js';
import { TaggingService } from './tagging.js';

/** Options of {@link AwsEmulator.start}. */
export interface AwsEmulatorOptions {
  /** The account that owns everything created (default `123456789012`). */
  accountId?: string;
  /** The region in ARNs (default `us-east-1`). */
  region?: string;
  /** The TCP port on 127.0.0.1 (default: any free port). */
  port?: number;
}

/** The running emulator. */
export class AwsEmulator implements EmulatorEnv {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly accountId: string;
  readonly region: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];

  readonly sts: StsService;
  readonly kms: KmsService;
  readonly tagging: TaggingService;
  readonly secretsManager: SecretsManagerService;
  readonly acmPca: AcmPcaService;
  readonly organizations: OrganizationsService;
  readonly ec2: Ec2Service;
  readonly iam: IamService;
  readonly autoScaling: AutoScalingService;
  readonly eks: EksService;
  readonly rolesAnywhere: RolesAnywhereService;

  /** The emulator's clock; replace it to move time for dates the services record. */
  clock: () => Date = () => new Date();

  private constructor(
    private readonly server: Server,
    private readonly controls: ServerControls,
    services: {
      sts: StsService;
      kms: KmsService;
      tagging: TaggingService;
      secretsManager: SecretsManagerService;
      acmPca: AcmPcaService;
      organizations: OrganizationsService;
      ec2: Ec2Service;
      iam: IamService;
      autoScaling: AutoScalingService;
      eks: EksService;
      rolesAnywhere: RolesAnywhereService;
    },
    accountId: string,
    region: string,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.requests = controls.requests;
    this.accountId = accountId;
    this.region = region;
    this.sts = services.sts;
    this.kms = services.kms;
    this.tagging = services.tagging;
    this.secretsManager = services.secretsManager;
    this.acmPca = services.acmPca;
    this.organizations = services.organizations;
    this.ec2 = services.ec2;
    this.iam = services.iam;
    this.autoScaling = services.autoScaling;
    this.eks = services.eks;
    this.rolesAnywhere = services.rolesAnywhere;
  }

  /** Starts the emulator on an ephemeral port. */
  static async start(opts: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
    const accountId = opts.accountId ?? '123456789012';
    const region = opts.region ?? 'us-east-1';
    const holder: { self?: AwsEmulator } = {};
    const env: EmulatorEnv = {
      accountId,
      region,
      get sts() {
        return sts;
      },
      now: () => (holder.self ? holder.self.clock() : new Date()),
    };
    const sts = new StsService(accountId);
    const kms = new KmsService(env);
    const services = {
      sts,
      kms,
      tagging: new TaggingService(env, kms),
      secretsManager: new SecretsManagerService(env),
      acmPca: new AcmPcaService(env),
      organizations: new OrganizationsService(env),
      ec2: new Ec2Service(env),
      iam: new IamService(env),
      autoScaling: new AutoScalingService(env),
      eks: new EksService(env),
      rolesAnywhere: new RolesAnywhereService(env),
    };
    const controls: ServerControls = { latencyMs: 0, unavailable: false, faults: [], requests: [] };
    const server = await startServer(
      Object.values(services).map((s) => s.module()),
      controls,
      opts.port ?? 0,
    );
    holder.self = new AwsEmulator(server, controls, services, accountId, region);
    return holder.self;
  }

  now(): Date {
    return this.clock();
  }

  /**
   * Environment that points an AWS SDK (and the plugins' endpoint resolution) at the emulator:
   * `AWS_ENDPOINT_URL`, a region and static test credentials, with the instance metadata lookup off.
   */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /** Delays every reply by `ms`. */
  setLatencyMs(ms: number): void {
    this.controls.latencyMs = ms;
  }

  /** When on, every request answers 503 (the server stays up). */
  setUnavailable(on: boolean): void {
    this.controls.unavailable = on;
  }

  /**
   * Makes the next `count` calls of `service`'s `operation` (every operation when undefined) fail
   * with this AWS error, e.g. `fail('kms', 'Sign', 'ThrottlingException', 'Rate exceeded', 400, 2)`.
   * Service names: sts, kms, tagging, secretsmanager, acm-pca, organizations, ec2, iam, autoscaling,
   * eks, rolesanywhere. REST operations are named `<METHOD> <path pattern>`.
   */
  fail(service: string, operation: string | undefined, type: string, message: string, status = 400, count = 1): void {
    this.controls.faults.push({ service, operation, error: new AwsError(type, message, status), count });
  }

  /** Drops every injected fault. */
  clearFaults(): void {
    this.controls.faults.length = 0;
  }

  /** The recorded calls of one operation. */
  calls(service: string, operation?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.service === service && (operation === undefined || r.operation === operation));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
