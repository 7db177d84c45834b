import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { caPort } from '../api/ca-port.js';
import { startEndpoints } from '../api/endpoints.js';
import { endpointsDepsFromConfig } from '../api/from-config.js';
import { Catalog, type ExternalLoader } from '../catalog/catalog.js';
import type { BuiltinEntry } from '../catalog/builtins.js';
import type { ServerConfig } from '../config/types.js';
import { ExternalPlugins } from '../catalog/external/loader.js';
import { reconfigureFromServerConf } from '../catalog/reconfigure-server-conf.js';
import { runOnSignal, type SignalAction } from './signal-actions.js';
import { startCAService, type CAService } from '../ca/ca-service.js';
import { emptyDistinguishedName, CREDENTIAL_COMPOSERS } from '../plugins/credentialcomposer/contract.js';
import { KEY_MANAGER, type KeyManager } from '../plugins/keymanager/contract.js';
import { UPSTREAM_AUTHORITY } from '../plugins/upstreamauthority/contract.js';
import { NOTIFIERS } from '../plugins/notifier/contract.js';
import { BUNDLE_PUBLISHERS } from '../plugins/bundlepublisher/contract.js';
import type { HostServices } from '../plugins/host-services.js';
import { toPluginBundle } from '../ca/manager/ca-manager.js';
import { createServiceContainer, type ServiceContainer } from '../di/service-container.js';
import type { ServiceRef } from '../di/service-ref.js';
import { errorMessage } from '../errors.js';
import { FederationManager } from '../federation/refresher/index.js';
import { createRootLog, type Logger } from '../log/logger.js';
import type { ReopenableFile } from '../log/reopenable-file.js';
import { reopenOnSignal } from '../log/reopen-on-signal.js';
import { DATA_STORE, type DataStore } from '../plugins/datastore/contract.js';
import { DEFAULT_HEALTH_INTERVALS, HealthChecker, startHealthListener, type HealthIntervals } from './health-checker.js';
import { KEY_MANAGER_CHECK, keyManagerCheck } from './keymanager-health.js';
import { SERVER_CA_CHECK, SERVER_CA_ROTATOR_CHECK, SERVER_CHECK, caRotatorCheck, serverApiCheck, serverCaCheck } from './server-health.js';
import { CATALOG, HEALTH, LOGGER, SETTINGS } from './kernel-services.js';
import { checkBeforeStart } from './preflight.js';
import { AcmeIdentity } from '../federation/acme/acme-identity.js';
import { startBundleEndpoint } from '../federation/bundle-endpoint/index.js';
import { VERSION } from '../version.js';
import { startRuntimeStats, startTelemetry, type Metrics, type ServerIdentitySource } from '../telemetry/index.js';
import { startProfiling } from '../profiling/index.js';
import { AttestedNodeCache, AuthorizedEntryCache, withCacheNotifications, type EntryCacheConfig } from '../cache/index.js';
import type { NodeAttestor } from '../plugins/nodeattestor/contract.js';
import type { ExperimentalConfig } from '../config/types.js';
import { nodeManager } from './node-manager.js';
import { ConsoleCounterSink } from '../console/api/index.js';
import { startConsole } from './server-console.js';
import { LoginLinks } from '../console/login-links.js';
import { consoleLoginService } from '../console/login-link-service.js';
import type { Ticker } from './periodic-task.js';
import { registrationManager } from './registration-manager.js';
import { dataStoreWithMetrics, keyManagerWithMetrics } from './plugin-metrics.js';

/** The entry cache settings out of server.conf's (already parsed) experimental block. */
function entryCacheConfig(e: ExperimentalConfig): EntryCacheConfig {
  return {
    eventsBasedCache: e.eventsBasedCache,
    cacheReloadIntervalMs: e.cacheReloadIntervalMs,
    fullCacheReloadIntervalMs: e.fullCacheReloadIntervalMs,
    eventTimeoutMs: e.eventTimeoutMs,
    pruneEventsOlderThanMs: e.pruneEventsOlderThanMs,
  };
}

/** The server's settings: the parsed, defaulted server.conf. */
export type ServerSettings = ServerConfig;

export interface ServerOptions {
  /** Use this logger instead of one built from the settings (tests). */
  log?: Logger;
  /** Load plugin_cmd plugins with this instead of the go-plugin loader (tests). */
  externalLoader?: ExternalLoader;
  /** Signing worker threads; default every core. */
  signingThreads?: number;
  /** Resolve plugin names against these instead of BUILTINS (tests). */
  builtins?: readonly BuiltinEntry[];
  /** Drive the entry and node pruning with these instead of timers (tests). */
  pruneTickers?: { entries?: Ticker; nodes?: Ticker };
  /** How often the health checks run; default SPIRE's 1 s until healthy, then 1 min. */
  healthIntervals?: HealthIntervals;
  /** Serve the console UI from here instead of @spire-ts/console-ui's assetsDir (tests). */
  consoleAssetsDir?: string;
}

/**
 * A running SPIRE Server: the data dir, logging, the plugin catalog, health, and the admin
 * socket. `start` is all-or-nothing: on failure everything already started is stopped again.
 */
export class SpireServer {
  readonly log: Logger;
  readonly health: HealthChecker;
  private readonly container: ServiceContainer;
  private readonly stops: (() => Promise<void>)[] = [];
  private catalog?: Catalog;
  /** Host services offered to plugins; filled in as the parts behind them start. */
  private readonly host: HostServices = {};
  /** The running CA once started. */
  ca?: CAService;
  private stopped = false;
  /** The TCP API port once started (useful when bind_port is 0). */
  apiPort?: number;
  /** The bundle endpoint's port, when federation.bundle_endpoint is set. */
  bundleEndpointPort?: number;
  /** The health listener's port once started (useful when bind_port is 0). */
  healthPort?: number;
  /** log_file, when set (reopened on SIGUSR2). */
  private readonly logFile?: ReopenableFile;
  /** The Prometheus metrics port once started, when telemetry.Prometheus is set. */
  metricsPort?: number;
  /** The profiling debug server's port on 127.0.0.1, when profiling_enabled and profiling_port are set. */
  profilingPort?: number;
  /** The web console's port, when server.conf has a console block. */
  consolePort?: number;

  constructor(
    readonly settings: ServerSettings,
    private readonly opts: ServerOptions = {},
  ) {
    const s = settings.server;
    const root = opts.log ? { log: opts.log } : createRootLog({ level: s.logLevel, format: s.logFormat, file: s.logFile, sourceLocation: s.logSourceLocation });
    this.log = root.log;
    this.logFile = root.file;
    this.health = new HealthChecker(opts.healthIntervals ?? DEFAULT_HEALTH_INTERVALS);
    this.container = createServiceContainer();
    this.container.register(LOGGER, this.log);
    this.container.register(SETTINGS, settings);
    this.container.register(HEALTH, this.health);
  }

  /** The plugin instance (or list) bound to a ref, e.g. DATA_STORE. Throws if not bound. */
  resolve<T>(ref: ServiceRef<T>): T {
    return this.container.resolve(ref);
  }

  /**
   * Starts every part. Throws (after stopping what had started) when any part fails; the error
   * says which.
   */
  async start(): Promise<void> {
    const s = this.settings.server;
    try {
      // Nothing is written before this: a live server on socket_path or an address that cannot
      // be listened on stops start-up here.
      await checkBeforeStart(s);
      // Created 0700 when missing; an existing data_dir keeps the mode its operator gave it.
      await mkdir(s.dataDir, { recursive: true, mode: 0o700 });
      // log_file is reopened on SIGUSR2, logrotate's postrotate signal, as upstream does.
      if (this.logFile) {
        const removeReopen = reopenOnSignal(this.logFile, this.log);
        this.stops.push(async () => removeReopen());
      }

      // ---- Telemetry (telemetry/): the sinks of `telemetry { }` ----------------------------------
      // Started first and stopped last, so that start-up and shutdown are measured too. Without a
      // sink the facade is a no-op and the API pipeline keeps no counters. Emits `started` and
      // `uptime_in_ms`; the API counts every call as `rpc.<service>.<method>`. Prometheus tls reads
      // the server SVID and bundles lazily: until the CA has started, its handshakes are refused.
      const identity: ServerIdentitySource = {
        x509Svid: () => this.ca?.serverSVID.state(),
        x509Authorities: async (td) => {
          if (!this.ca) throw new Error('the server CA has not started yet');
          return (await this.container.resolve(DATA_STORE).fetchBundle(`spiffe://${td}`))?.rootCas.map((c) => c.derBytes) ?? [];
        },
      };
      // The web console charts the API's own call counters: with a console block its sink is added.
      const consoleCounters = this.settings.console ? new ConsoleCounterSink() : undefined;
      const telemetry = await startTelemetry(this.settings.telemetry, {
        trustDomain: s.trustDomain.name,
        log: this.log.child({ subsystem_name: 'telemetry' }),
        identity,
        ...(consoleCounters ? { extraSinks: [consoleCounters] } : {}),
      });
      this.metricsPort = telemetry.prometheusPort;
      this.stops.push(() => telemetry.stop());
      // ---- end Telemetry --------------------------------------------------------------------------
      // External plugins' metrics host service records into the same sinks (a no-op without one).
      this.host.metrics = telemetry.metrics;
      // SPIRE's runtime.* gauges, every second, with Node's figures (docs/telemetry.md).
      const stopRuntimeStats = startRuntimeStats(telemetry.metrics);
      this.stops.push(async () => stopRuntimeStats());

      // ---- Profiling (profiling/): profiling_enabled, profiling_port, profiling_freq, profiling_names
      // As upstream: with profiling_enabled, a debug server on 127.0.0.1:profiling_port and periodic
      // dumps to ./.profiles every profiling_freq seconds (docs/profiling.md). Neither stops start-up
      // when it fails; keys set without profiling_enabled are named in a warning.
      const profiling = await startProfiling(
        { enabled: s.profilingEnabled, port: s.profilingPort, freq: s.profilingFreq, names: s.profilingNames },
        { log: this.log.child({ subsystem_name: 'profiling' }) },
      );
      this.profilingPort = profiling.port;
      this.stops.push(() => profiling.stop());
      // ---- end Profiling --------------------------------------------------------------------------

      if (this.settings.healthChecks.listenerEnabled) {
        const listener = await startHealthListener(this.health, this.settings.healthChecks, this.log.child({ subsystem_name: 'health' }));
        this.healthPort = listener.port;
        this.stops.push(() => listener.close());
      }

      const externals = new ExternalPlugins();
      this.stops.push(() => externals.closeAll());
      // A KeyManager process that dies shows on the health paths at once, not at the next
      // scheduled run (up to a minute later once healthy).
      externals.onEssentialExit(() => this.health.recheck());
      this.catalog = await Catalog.load(this.settings.plugins, this.container, {
        core: { trustDomain: s.trustDomain, dataDir: s.dataDir },
        log: this.log,
        host: this.host,
        externalLoader: this.opts.externalLoader ?? externals.loader,
        builtins: this.opts.builtins,
      });
      const catalog = this.catalog;
      this.container.register(CATALOG, catalog);
      this.stops.push(() => catalog.close());

      // ---- Reconfiguration on SIGUSR1 (catalog/reconfigure*.ts, server/signal-actions.ts) -------
      // As SPIRE, SIGUSR1 reconfigures the plugins whose plugin_data_file changed; beyond SPIRE,
      // also those whose plugin_data in server.conf changed (other server.conf changes are logged
      // as needing a restart). Each signal runs every action of the list in order, one run at a
      // time; a signal during a run queues one more.
      // It also writes the InMem sink's metrics to the log when `telemetry { InMem {} }` is set.
      const onUsr1: SignalAction[] = [() => reconfigureFromServerConf(catalog, this.settings, this.log), () => telemetry.dumpInMem()];
      const removeUsr1 = runOnSignal('SIGUSR1', onUsr1, this.log);
      this.stops.push(async () => removeUsr1());
      // ---- end Reconfiguration ------------------------------------------------------------------

      // Every DataStore and KeyManager call is counted as SPIRE's datastore.* and
      // server_key_manager.* series (the plugins themselves when telemetry is off).
      const ds = dataStoreWithMetrics(this.container.resolve(DATA_STORE), telemetry.metrics);
      const keyManager = keyManagerWithMetrics(this.container.resolve(KEY_MANAGER), telemetry.metrics);
      this.host.agentStore = {
        getAgentInfo: async (agentId) => ((await ds.fetchAttestedNode(agentId)) ? { agentId } : undefined),
      };
      this.health.add('catalog.plugins', async () => {
        const healthy = externals.healthy();
        return { live: true, ready: healthy, details: healthy ? {} : { plugins: externals.status().filter((p) => p.essential && !p.running) } };
      });
      // Live while the database answers reads; ready only while it also takes writes (a
      // read-only database would fail every attestation, SVID and entry change).
      this.health.add('catalog.datastore', async () => {
        try {
          await ds.ping();
        } catch (err) {
          return { live: false, ready: false, details: { datastore_err: errorMessage(err) } };
        }
        try {
          await ds.checkWritable();
          return { live: true, ready: true };
        } catch (err) {
          return { live: true, ready: false, details: { datastore_err: errorMessage(err) } };
        }
      });

      // A KeyManager that no longer answers (an external plugin's process killed) makes the
      // server neither live nor ready: the CA cannot sign without it.
      this.health.add(KEY_MANAGER_CHECK, keyManagerCheck(this.container.resolve(KEY_MANAGER)));

      this.ca = await this.startCA(ds, keyManager, telemetry.metrics);
      const caService = this.ca;
      this.stops.push(() => caService.close());
      // SPIRE's `server.ca` check: the CA can still sign.
      this.health.add(SERVER_CA_CHECK, serverCaCheck(s.trustDomain.name, (req) => caService.ca.signWorkloadX509SVID(req)));
      this.health.add(SERVER_CA_ROTATOR_CHECK, caRotatorCheck(() => caService.manager.rotationFailures()));

      // ---- Federation: the federated bundle refresher (federation/refresher/) --------------------
      // One polling loop per federated trust domain: server.conf's federates_with merged with the
      // TrustDomain API's relationships (server.conf wins). The API's RefreshBundle and its
      // relationship writes go to it (bundleRefresher below). Stopped before the CA is closed.
      const bundleRefresher = new FederationManager({ dataStore: ds, log: this.log, federatesWith: s.federation.federatesWith, metrics: telemetry.metrics });
      await bundleRefresher.start();
      this.stops.push(() => bundleRefresher.stop());
      // ---- end Federation -------------------------------------------------------------------------

      // ---- Agents: the authorized-entries cache and the NodeAttestors AttestAgent runs ---------
      // The cache loads fully before the APIs open; writes made through the API are applied to
      // it at once (withCacheNotifications), other servers' writes per experimental settings.
      const entryCache = await AuthorizedEntryCache.create({
        ...entryCacheConfig(s.experimental),
        dataStore: ds,
        trustDomain: s.trustDomain,
        log: this.log.child({ subsystem_name: 'entry_cache' }),
        metrics: telemetry.metrics,
      });
      entryCache.start();
      this.stops.push(() => entryCache.stop());
      // max_attested_node_info_staleness: agent calls may trust a node read this recently.
      const nodeCache = new AttestedNodeCache({ dataStore: ds, log: this.log.child({ subsystem_name: 'node_cache' }), maxStalenessMs: s.maxAttestedNodeInfoStalenessMs });
      await nodeCache.start();
      this.stops.push(async () => nodeCache.stop());
      const apiStore = withCacheNotifications(ds, {
        noteEntryChanged: (id) => entryCache.noteEntryChanged(id),
        noteNodeChanged: (id) => {
          entryCache.noteNodeChanged(id);
          nodeCache.noteNodeChanged(id);
        },
      });
      // Pruning, as SPIRE's registration and node managers: deletes write events, which the
      // cache (and other servers' caches) follow.
      const registrations = registrationManager({
        dataStore: ds,
        log: this.log.child({ subsystem_name: 'registration_manager' }),
        ticker: this.opts.pruneTickers?.entries,
        metrics: telemetry.metrics,
      });
      registrations.start();
      this.stops.push(() => registrations.stop());
      if (s.pruneAttestedNodesExpiredForMs) {
        const nodes = nodeManager({
          dataStore: ds,
          log: this.log.child({ subsystem_name: 'node_manager' }),
          expiredForMs: s.pruneAttestedNodesExpiredForMs,
          includeNonReattestable: s.pruneTofuNodes,
          batchSize: s.pruneAttestedNodesBatchSize,
          ticker: this.opts.pruneTickers?.nodes,
          metrics: telemetry.metrics,
        });
        nodes.start();
        this.stops.push(() => nodes.stop());
      }
      const attestors = new Map<string, NodeAttestor>();
      // The catalog hands these out already prefixed ("nodeattestor(x509pop): ..."), as SPIRE's does.
      for (const p of catalog.plugins()) if (p.type === 'NodeAttestor') attestors.set(p.name, p.instance as NodeAttestor);
      // ---- end Agents -----------------------------------------------------------------------------

      // ---- Server APIs (api/): every service on the admin socket and on TCP with mTLS ----------
      // startEndpoints binds socket_path (0750 dir, 0770 socket) and bind_address:bind_port, and
      // serves grpc.health.v1 on the socket with the check below.
      const startedAt = Date.now();
      // The console's login links are issued over the admin socket (spirets.console.v1.Console),
      // which answers FAILED_PRECONDITION without a console block.
      const consoleLinks = this.settings.console ? new LoginLinks(this.settings.console.loginLinkTtlMs, '') : undefined;
      const endpoints = await startEndpoints(
        endpointsDepsFromConfig(s, {
          dataStore: apiStore,
          authorizedEntries: entryCache,
          nodeCache,
          nodeAttestors: (name) => attestors.get(name),
          agentSpiffeIdAsSelector: s.experimental.agentSpiffeIdAsSelector,
          bundleRefresher,
          ca: caPort({ ca: caService.ca, manager: caService.manager, rotator: caService.serverSVID }),
          log: this.log,
          metrics: telemetry.metrics,
          servingCheck: async () => {
            try {
              const bundle = await ds.fetchBundle(s.trustDomain.idString());
              if (!bundle) return { serving: false, reason: 'bundle is missing' };
            } catch (err) {
              return { serving: false, reason: `unable to fetch bundle: ${errorMessage(err)}` };
            }
            try {
              await ds.checkWritable();
              return { serving: true };
            } catch (err) {
              return { serving: false, reason: `unable to write to the datastore: ${errorMessage(err)}` };
            }
          },
          debugInfo: {
            uptimeSeconds: () => Math.floor((Date.now() - startedAt) / 1000),
            svidChain: async () => caService.serverSVID.state()?.certChain ?? [],
          },
          adminOnlyServices: [consoleLoginService(consoleLinks)],
        }),
      );
      this.apiPort = endpoints.tcpPort;
      this.stops.push(() => endpoints.close());
      // SPIRE's `server` check: the admin socket answers Bundle.GetBundle.
      this.health.add(SERVER_CHECK, serverApiCheck(s.socketPath));
      // ---- end Server APIs ------------------------------------------------------------------------

      // ---- Web console (console/): `console { }`, off when absent (docs/console.md) ---------------
      if (this.settings.console && consoleLinks && consoleCounters) {
        const webConsole = await startConsole({
          config: this.settings.console,
          links: consoleLinks,
          settings: this.settings,
          log: this.log.child({ subsystem_name: 'console' }),
          serverSvid: caService.serverSVID,
          dataStore: ds,
          adminPipeline: endpoints.adminPipeline,
          counters: consoleCounters,
          federation: bundleRefresher,
          health: this.health,
          startedAt: new Date(startedAt),
          assetsDir: this.opts.consoleAssetsDir,
        });
        this.consolePort = webConsole.port;
        this.stops.push(() => webConsole.close());
      }
      // ---- end Web console ------------------------------------------------------------------------

      // ---- Federation: the bundle endpoint (federation.bundle_endpoint) ---------------------------
      const be = s.federation.bundleEndpoint;
      if (be) {
        const bundleEndpoint = await startBundleEndpoint({
          config: be,
          fetchBundle: async () => (await ds.fetchBundle(s.trustDomain.idString())) ?? undefined,
          serverSvid: caService.serverSVID,
          acmeIdentity: (acme) => new AcmeIdentity({ config: acme, keyManager, log: this.log.child({ subsystem_name: 'bundle_acme' }), version: VERSION }),
          log: this.log.child({ subsystem_name: 'bundle_endpoint' }),
        });
        this.bundleEndpointPort = bundleEndpoint.port;
        this.stops.push(() => bundleEndpoint.close());
      }
      // ---- end Federation -------------------------------------------------------------------------

      // Every check is registered: from now on they run in the background on SPIRE's schedule and
      // the health paths answer from the last run.
      await this.health.start(this.log.child({ subsystem_name: 'health' }));
      this.stops.push(async () => this.health.stop());
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startCA(ds: DataStore, keyManager: KeyManager, metrics: Metrics): Promise<CAService> {
    const s = this.settings.server;
    const caSubject = { ...emptyDistinguishedName(), country: s.caSubject.country, organization: s.caSubject.organization, commonName: s.caSubject.commonName };
    const ca = await startCAService(
      {
        caKeyType: s.caKeyType,
        jwtKeyType: s.jwtKeyType,
        caTtlMs: s.caTtlMs,
        caSubject,
        excludeSnFromCaSubject: s.excludeSnFromCaSubject,
        defaultX509SvidTtlMs: s.defaultX509SvidTtlMs,
        defaultJwtSvidTtlMs: s.defaultJwtSvidTtlMs,
        agentTtlMs: s.agentTtlMs,
        jwtIssuer: s.jwtIssuer,
        disableJwtSvids: s.disableJwtSvids,
        maxPendingSvids: s.experimental.maxPendingSvids,
      },
      {
        trustDomain: s.trustDomain,
        log: this.log.child({ subsystem_name: 'ca' }),
        keyManager,
        dataStore: ds,
        upstreamAuthority: this.container.resolveOptional(UPSTREAM_AUTHORITY),
        notifiers: this.container.resolveOptional(NOTIFIERS) ?? [],
        bundlePublishers: this.container.resolveOptional(BUNDLE_PUBLISHERS) ?? [],
        credentialComposers: this.container.resolveOptional(CREDENTIAL_COMPOSERS) ?? [],
        signingThreads: this.opts.signingThreads,
        metrics,
      },
    );
    this.host.identityProvider = {
      fetchX509Identity: async () => {
        const svid = ca.serverSVID.state();
        const bundle = await ds.fetchBundle(s.trustDomain.idString());
        if (!svid || !bundle) throw new Error('the server has no X509-SVID yet');
        return { certChain: svid.certChain, bundle: toPluginBundle(bundle, s.trustDomain.name) };
      },
    };
    return ca;
  }

  /** Stops every part in reverse order. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const stop of this.stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        this.log.error({ error: errorMessage(err) }, 'Error while stopping');
      }
    }
  }
}
