/**
 * KubeEmulator: a Kubernetes API server for tests, over HTTPS with its own CA, speaking the REST
 * wire format that @kubernetes/client-node sends.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCertManager } from './cert-manager.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { issue } from '@spire-ts/emulator-kit';
import { ResourceRegistry } from './resources.js';
import type { KubeObject } from './selectors.js';
import { createApiServer, type RecordedRequest, type ServerContext } from './server.js';
import { ObjectStore } from './store.js';
import { TokenIssuer, type LegacyTokenOptions, type ProjectedTokenOptions } from './tokens.js';
import { WatchSet } from './watch.js';

const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** A stable uid for a service account that was not stored, derived from its namespace and name. */
function derivedUid(ns: string, name: string): string {
  const h = createHash('sha256').update(`serviceaccount/${ns}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The running emulator. Start it with {@link KubeEmulator.start}; stop it with {@link KubeEmulator.close}. */
export class KubeEmulator {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** PEM of the CA that signs the serving and client certificates. */
  readonly caPem: string;
  /** Kubeconfig whose user authenticates with a bearer token (full access). */
  readonly kubeconfigPath: string;
  /** Kubeconfig whose user authenticates with a client certificate (full access). */
  readonly kubeconfigClientCertPath: string;
  /** SPKI PEM of the service-account issuer key. */
  readonly issuerPublicKeyPem: string;
  /** Audiences TokenReview checks when a review names none. */
  apiAudiences: string[] = ['https://kubernetes.default.svc'];
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /**
   * Off by default. When on, TokenReview also checks, as the API server does, that the service
   * account, pod and node a projected token names exist with the uids of its claims (a token of
   * a deleted or replaced pod no longer authenticates). An extra beyond the shared contract.
   */
  checkBoundObjects = false;
  /** TokenReviews served. */
  tokenReviews = 0;
  /** The fake cert-manager issuer controller. */
  readonly certManager: FakeCertManager;

  private readonly faults = { unavailable: false, delayMs: 0, malformed: false };
  private files = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly tokens: TokenIssuer,
    private readonly watches: WatchSet,
    private readonly adminToken: string,
    certManager: FakeCertManager,
    tls: { caPem: string; clientCertPem: string; clientKeyPem: string },
  ) {
    const port = (server.address() as AddressInfo).port;
    this.url = `https://127.0.0.1:${port}`;
    this.caPem = tls.caPem;
    this.issuerPublicKeyPem = tokens.publicKeyPem;
    this.certManager = certManager;
    this.kubeconfigPath = writeKubeconfigFile(join(dir, 'kubeconfig-token.yaml'), this.url, this.caPem, { token: adminToken });
    this.kubeconfigClientCertPath = writeKubeconfigFile(join(dir, 'kubeconfig-cert.yaml'), this.url, this.caPem, {
      clientCertPem: tls.clientCertPem,
      clientKeyPem: tls.clientKeyPem,
    });
  }

  /**
   * Makes a CA, serving and client certificates and an issuer key, starts HTTPS on 127.0.0.1 at
   * a random port and writes the kubeconfigs into a new temporary directory.
   */
  static async start(): Promise<KubeEmulator> {
    const ca = await issue({ subject: 'CN=kube-emulator-ca', ca: true });
    const serving = await issue({ subject: 'CN=kube-apiserver', dns: ['localhost', 'kubernetes', 'kubernetes.default.svc'], ips: ['127.0.0.1'], eku: [EKU_SERVER_AUTH] }, ca);
    const client = await issue({ subject: 'O=system:masters, CN=kube-emulator-admin', eku: [EKU_CLIENT_AUTH] }, ca);
    const certManagerCa = await issue({ subject: 'O=cert-manager emulator, CN=cert-manager-ca', ca: true, notAfter: new Date(Date.now() + 365 * 24 * 3600_000) });
    const registry = new ResourceRegistry();
    const store = new ObjectStore();
    const watches = new WatchSet();
    const saType = registry.byKind('v1', 'ServiceAccount');
    const tokens = new TokenIssuer((ns, name) => String(store.get(saType, ns, name)?.metadata?.uid ?? derivedUid(ns, name)));
    const adminToken = randomBytes(24).toString('base64url');
    const certManager = new FakeCertManager(store, registry.byKind('cert-manager.io/v1', 'CertificateRequest'), certManagerCa);
    const ref: { emulator?: KubeEmulator } = {};
    const ctx: ServerContext = {
      rest: { store, owners: new Map(), watches },
      registry,
      tokens,
      apiAudiences: () => ref.emulator?.apiAudiences ?? [],
      boundObjects: () =>
        ref.emulator?.checkBoundObjects
          ? (kind, ns, name) => {
              const uid = store.get(registry.byKind('v1', kind), ns, name)?.metadata?.uid;
              return uid === undefined ? undefined : String(uid);
            }
          : undefined,
      acceptedTokens: new Set([adminToken]),
      requests: [],
      faults: { unavailable: false, delayMs: 0, malformed: false },
      countTokenReview: () => {
        if (ref.emulator) ref.emulator.tokenReviews++;
      },
    };
    const server = createApiServer(ctx, { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const dir = mkdtempSync(join(tmpdir(), 'kube-emulator-'));
    const emulator = new KubeEmulator(server, dir, store, registry, tokens, watches, adminToken, certManager, {
      caPem: ca.certPem,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    });
    ref.emulator = emulator;
    ctx.requests = emulator.requests;
    ctx.faults = emulator.faults;
    return emulator;
  }

  /** Writes another kubeconfig for this cluster; its user has `token` (default: the accepted admin token). */
  writeKubeconfig(o: { token?: string } = {}): string {
    return writeKubeconfigFile(join(this.dir, `kubeconfig-${++this.files}.yaml`), this.url, this.caPem, { token: o.token ?? this.adminToken });
  }

  /** A projected service-account token signed by the emulator's issuer. */
  mintProjectedToken(o: ProjectedTokenOptions): string {
    return this.tokens.mintProjected(o);
  }

  /** A legacy (secret-based) service-account token signed by the emulator's issuer. */
  mintLegacyToken(o: LegacyTokenOptions): string {
    return this.tokens.mintLegacy(o);
  }

  private typeOf(obj: KubeObject): ReturnType<ResourceRegistry['byKind']> {
    if (!obj.apiVersion || !obj.kind) throw new Error('put: the object needs apiVersion and kind');
    return this.registry.byKind(obj.apiVersion, obj.kind, obj.metadata?.namespace !== undefined);
  }

  /**
   * Creates or replaces an object (any kind); fills metadata.uid (unless given),
   * resourceVersion and creationTimestamp, and fires watch events. Returns the stored copy.
   * Throws when apiVersion, kind, metadata.name, or a namespaced kind's namespace is missing.
   */
  put<T extends object>(obj: T): T & KubeObject {
    const o = obj as KubeObject;
    return this.store.put(this.typeOf(o), o) as T & KubeObject;
  }

  /** A copy of the stored object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(this.registry.byKind(apiVersion, kind, namespace !== undefined), namespace, name);
  }

  /** Deletes an object (firing DELETED); false when there was none. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    return this.store.delete(this.registry.byKind(apiVersion, kind, namespace !== undefined), namespace, name) !== undefined;
  }

  /** Copies of the objects of a kind, in one namespace or all. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    return this.store.list(this.registry.byKind(apiVersion, kind, namespace !== undefined), namespace);
  }

  /** While on, every API request answers 503 and open watches end; the server stays up. */
  setUnavailable(on: boolean): void {
    this.faults.unavailable = on;
    if (on) this.watches.endAll();
  }

  /** While on, every successful answer has a truncated JSON body (same status code). Watches are not affected. */
  setMalformed(on: boolean): void {
    this.faults.malformed = on;
  }

  /** Delays every API response by `ms` (0 turns it off). */
  setDelayMs(ms: number): void {
    this.faults.delayMs = ms;
  }

  /** Ends watches, stops the server and removes the kubeconfig directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.certManager.close();
    this.watches.endAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.certManager.idle();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
