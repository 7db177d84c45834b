import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { AttestedNodeCache } from '../cache/attested-node-cache.js';
import { bindAdminSocket, shutdownGrpc } from './admin-socket.js';
import { SpiffeId, type TrustDomain } from '../spiffeid/index.js';
import { PolicyEngine } from '../authpolicy/engine.js';
import type { PolicyData } from '../authpolicy/policy-data.js';
import { DataStoreAuthorizedEntries } from './authorized-entries.js';
import { pinoLevelControl } from './log-levels.js';
import { buildService, type PipelineEnv, type ServiceHandlers } from './handler.js';
import { addHealthService, type ServingCheck } from './health/service.js';
import type { AuthorizedEntryFetcher, BundleRefresher, DebugInfoSource, LogLevelControl, NodeAttestorLookup, ServerCAPort } from './ports.js';
import { LargeAnswerGate } from './large-answer-gate.js';
import { serviceDefinition } from './proto.js';
import type { RateLimitConfig } from '../config/types.js';
import { rateLimits } from './rate-limit.js';
import { agentService } from './services/agent.js';
import { bundleService } from './services/bundle.js';
import type { ApiDeps } from './services/deps.js';
import { debugService } from './services/debug.js';
import { entryService } from './services/entry.js';
import { localAuthorityService } from './services/localauthority.js';
import { loggerService } from './services/logger.js';
import { registrationService } from './services/registration.js';
import { svidService } from './services/svid.js';
import { trustDomainService } from './services/trustdomain.js';
import { passEncodedResponses } from './sliced-encoding.js';
import { SvidServerCredentials, type TlsMaterial } from './tls.js';
import { readTrustedRoots } from './trusted-roots.js';
import type { Metrics } from '../telemetry/index.js';

/** Everything the server API endpoints are started from (server.conf values and ports). */
export interface EndpointsDeps {
  trustDomain: TrustDomain;
  dataStore: DataStore;
  ca: ServerCAPort;
  log: Logger;
  /** socket_path: the admin socket. */
  socketPath: string;
  /** bind_address/bind_port; omit to serve the admin socket only. Port 0 picks a free port. */
  tcp?: { bindAddress: string; bindPort: number };
  /** admin_ids, any trust domain. */
  adminIds?: string[];
  /** The policy data of experimental.auth_opa_policy_engine; default: SPIRE's default policy data. */
  authPolicy?: PolicyData;
  /** audit_log_enabled. */
  auditLogEnabled?: boolean;
  /** ratelimit { attestation, signing }; both default to true, as SPIRE. */
  rateLimit?: Partial<RateLimitConfig>;
  /** grpc.health.v1 Check answer on the admin socket; default: the local bundle exists. */
  servingCheck?: ServingCheck;
  /** The federated bundle refresher (the server passes its FederationManager); without it RefreshBundle answers UNIMPLEMENTED. */
  bundleRefresher?: BundleRefresher;
  /** Default: pinoLevelControl(log), so `log` should be the server's root logger. */
  logLevels?: LogLevelControl;
  debugInfo?: DebugInfoSource;
  /** Default: computed from the store on each call (DataStoreAuthorizedEntries). */
  authorizedEntries?: AuthorizedEntryFetcher;
  /** max_attested_node_info_staleness's cache for agent authorization; default: every agent call reads the store. */
  nodeCache?: AttestedNodeCache;
  /** The configured NodeAttestors by name, for AttestAgent (join_token needs none). */
  nodeAttestors?: NodeAttestorLookup;
  /** experimental.agent_spiffe_id_as_selector. */
  agentSpiffeIdAsSelector?: boolean;
  /** SyncAuthorizedEntries page size (default 500, SPIRE's; tests make it small). */
  entryPageSize?: number;
  /** How often the TCP listener re-reads its SVID and trusted roots (ms, default 5000). */
  tlsRefreshMs?: number;
  /** Max request size in bytes (default 4 MiB); larger requests get RESOURCE_EXHAUSTED. */
  maxReceiveMessageLength?: number;
  /** The bound on large answers built at once, shared by both listeners (default: a gate of MAX_CONCURRENT_LARGE_ANSWERS). */
  largeAnswers?: LargeAnswerGate;
  /** Where each call's `rpc.<service>.<method>` counter goes; default: none kept. */
  metrics?: Metrics;
  /**
   * Services served on the admin socket only, through the same pipeline as the API services
   * (the web console's spirets.console.v1.Console). Their .proto is in the `api` proto set.
   */
  adminOnlyServices?: ServiceHandlers[];
}

/** Running endpoints. */
export interface Endpoints {
  /** The TCP port actually bound (useful when bind_port is 0). */
  tcpPort?: number;
  /**
   * The API services and the admin socket's pipeline environment (authorization, rate limits,
   * audit), for callers that must run calls exactly as the admin socket does (the web console).
   */
  readonly adminPipeline: { readonly services: readonly ServiceHandlers[]; readonly env: PipelineEnv };
  /** Re-reads the server SVID and trusted roots now (also done on a timer). */
  refreshTls(): Promise<void>;
  /**
   * The admin socket's services and call pipeline, for in-process callers that bring their own
   * CallerInfo (the web console): the same handlers, authorizer, rate limits, audit log and metrics.
   */
  pipeline: { services: readonly ServiceHandlers[]; env: PipelineEnv };
  /** Stops both listeners, waiting briefly for calls in flight. Safe to call twice. */
  close(): Promise<void>;
}

/** The API services, in one visible list. */
export function apiServices(deps: ApiDeps): ServiceHandlers[] {
  return [
    agentService(deps),
    bundleService(deps),
    debugService(deps),
    entryService(deps),
    localAuthorityService(deps),
    loggerService(deps),
    svidService(deps),
    trustDomainService(deps),
    registrationService(deps),
  ];
}

/** A service's definition as the server registers it: pre-encoded (large) answers pass through as bytes. */
function serverDefinition(name: string): grpc.ServiceDefinition {
  return passEncodedResponses(serviceDefinition(name));
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Starts the server APIs: every service on the admin Unix socket (callers there are local, hence
 * admins) and, when `tcp` is given, on bind_address:bind_port with TLS using the server's
 * X509-SVID from the CA port. All-or-nothing: when any part fails to start, what had started is
 * stopped and the error is thrown (UNAVAILABLE when a listener cannot bind).
 */
export async function startEndpoints(deps: EndpointsDeps): Promise<Endpoints> {
  const log = deps.log.child({ subsystem_name: 'endpoints' });
  const td = deps.trustDomain;
  const apiDeps: ApiDeps = {
    trustDomain: td,
    dataStore: deps.dataStore,
    ca: deps.ca,
    log,
    bundleRefresher: deps.bundleRefresher,
    logLevels: deps.logLevels ?? pinoLevelControl(deps.log),
    debugInfo: deps.debugInfo,
    authorizedEntries: deps.authorizedEntries ?? new DataStoreAuthorizedEntries(deps.dataStore, td),
    nodeAttestors: deps.nodeAttestors,
    agentSpiffeIdAsSelector: deps.agentSpiffeIdAsSelector,
    entryPageSize: deps.entryPageSize,
    largeAnswers: deps.largeAnswers ?? new LargeAnswerGate(),
  };
  const adminIds = new Set((deps.adminIds ?? []).map((s) => SpiffeId.parse(s).toString()));
  const limits = rateLimits({ attestation: deps.rateLimit?.attestation ?? true, signing: deps.rateLimit?.signing ?? true });
  const auditLog = deps.auditLogEnabled ? deps.log.child({ subsystem_name: 'api' }) : undefined;
  const services = apiServices(apiDeps);
  // No send limit: an agent's authorized entries are never refused for their size (Sync pages them
  // so that default 4 MiB clients can take every response).
  const serverOptions = { 'grpc.max_receive_message_length': deps.maxReceiveMessageLength ?? 4 * 1024 * 1024, 'grpc.max_send_message_length': -1 };

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.error({ error: errorMessage(err) }, 'Error while stopping endpoints'));
    stops.length = 0;
  };

  let rootsByTd = new Map<string, Set<string>>();
  const policy = deps.authPolicy ? new PolicyEngine(deps.authPolicy) : PolicyEngine.default();
  const baseEnv = { log: deps.log.child({ subsystem_name: 'api' }), authz: { dataStore: deps.dataStore, adminIds, policy, ...(deps.nodeCache ? { nodeCache: deps.nodeCache } : {}) }, limits, auditLog, metrics: deps.metrics };

  try {
    const uds = new grpc.Server(serverOptions);
    const udsEnv: PipelineEnv = { ...baseEnv, transport: 'uds' };
    for (const s of [...services, ...(deps.adminOnlyServices ?? [])]) uds.addService(serverDefinition(s.service), buildService(serverDefinition(s.service), s, udsEnv));
    addHealthService(
      uds,
      deps.servingCheck ??
        (async () => {
          const b = await deps.dataStore.fetchBundle(td.idString());
          return b ? { serving: true } : { serving: false, reason: 'bundle is missing' };
        }),
      baseEnv.log,
      deps.metrics,
    );
    await bindAdminSocket(uds, deps.socketPath);
    stops.push(() => shutdownGrpc(uds));
    log.info({ address: deps.socketPath, network: 'unix' }, 'Starting Server APIs');

    let tcpPort: number | undefined;
    let refreshTls = async () => undefined as void;
    if (deps.tcp) {
      const material = async (): Promise<TlsMaterial> => {
        const creds = await deps.ca.serverTlsCredentials();
        const trusted = await readTrustedRoots(deps.dataStore, td, adminIds);
        rootsByTd = trusted.byTrustDomain;
        return { certChainPem: creds.certChainPem, privateKeyPem: creds.privateKeyPem, trustedRoots: trusted.roots };
      };
      const credentials = new SvidServerCredentials(await material());
      let lastKey = '';
      refreshTls = async () => {
        const m = await material();
        const key = m.certChainPem + m.trustedRoots.map((r) => Buffer.from(r).toString('base64')).join();
        if (key !== lastKey) {
          lastKey = key;
          credentials.update(m);
        }
      };
      const tcp = new grpc.Server(serverOptions);
      const tcpEnv: PipelineEnv = {
        ...baseEnv,
        transport: 'tcp',
        rootsFor: (name) => rootsByTd.get(name) ?? new Set(),
        isTrustedRoot: (fp) => [...rootsByTd.values()].some((roots) => roots.has(fp)),
      };
      for (const s of services) tcp.addService(serverDefinition(s.service), buildService(serverDefinition(s.service), s, tcpEnv));
      const healthDef = healthServiceDefinition as unknown as grpc.ServiceDefinition;
      tcp.addService(healthDef, buildService(healthDef, { service: 'grpc.health.v1.Health', unary: {} }, tcpEnv));
      const address = formatHostPort(deps.tcp.bindAddress, deps.tcp.bindPort);
      tcpPort = await new Promise<number>((resolve, reject) => {
        tcp.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
      }).catch((err: unknown) => {
        throw new Error(`cannot listen on ${address}: ${errorMessage(err)}`, { cause: err });
      });
      stops.push(() => shutdownGrpc(tcp));
      const timer = setInterval(() => {
        refreshTls().catch((err: unknown) => log.warn({ error: errorMessage(err) }, 'Failed to refresh the TLS credentials'));
      }, deps.tlsRefreshMs ?? 5_000);
      timer.unref();
      stops.push(async () => clearInterval(timer));
      const unsubscribe = deps.ca.onTlsRotation?.(() => void refreshTls().catch(() => undefined));
      if (unsubscribe) stops.push(async () => unsubscribe());
      log.info({ address: formatHostPort(deps.tcp.bindAddress, tcpPort), network: 'tcp' }, 'Starting Server APIs');
    }

    let closed = false;
    return {
      tcpPort,
      adminPipeline: { services, env: udsEnv },
      refreshTls,
      pipeline: { services, env: udsEnv },
      async close() {
        if (closed) return;
        closed = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
