import type { PipelineEnv, ServiceHandlers } from '../api/handler.js';
import { readTrustedRoots } from '../api/trusted-roots.js';
import type { ServerSVIDState } from '../ca/server-svid-rotator.js';
import type { ConsoleConfig, ServerConfig } from '../config/types.js';
import { MetricsSampler, type CounterSource } from '../console/api/index.js';
import { consoleApiFor } from '../console/console-api-port.js';
import type { LoginLinks } from '../console/login-links.js';
import { startConsoleServer, type ConsoleServer } from '../console/server.js';
import { fileTlsSource, svidTlsSource } from '../console/server-tls.js';
import type { Logger } from '../log/logger.js';
import type { RefreshStatus } from '../federation/refresher/index.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { HealthChecker } from './health-checker.js';

/** What the server hands the web console at start-up. */
export interface ServerConsoleParts {
  config: ConsoleConfig;
  links: LoginLinks;
  settings: ServerConfig;
  log: Logger;
  serverSvid: { state(): ServerSVIDState | undefined; subscribe(fn: (s: ServerSVIDState) => void): () => void };
  dataStore: DataStore;
  adminPipeline: { readonly services: readonly ServiceHandlers[]; readonly env: PipelineEnv };
  /** The totals the activity charts sample (the ConsoleCounterSink given to startTelemetry). */
  counters: CounterSource;
  /** The federated bundle refresher, for each relationship's last refresh. */
  federation: { refreshStatus(): RefreshStatus[] };
  health: HealthChecker;
  startedAt: Date;
  /** Default: @spire-ts/console-ui's assetsDir. */
  assetsDir?: string | undefined;
}

/** Where the built UI is: `assetsDir` of @spire-ts/console-ui, read at run time. */
async function uiAssetsDir(): Promise<string> {
  // A variable specifier: the UI package ships JavaScript without type declarations.
  const spec = '@spire-ts/console-ui';
  const mod = (await import(spec)) as { assetsDir: string };
  return mod.assetsDir;
}

/**
 * Starts the web console for the server: TLS from cert_file/key_file or the server's rotating
 * X509-SVID, client certificates checked against the bundles of the local and admin trust
 * domains, and `/api/v1/*` answered by `consoleApiFor`. Throws what startConsoleServer throws.
 */
export async function startConsole(p: ServerConsoleParts): Promise<ConsoleServer> {
  const s = p.settings.server;
  const trust = () => readTrustedRoots(p.dataStore, s.trustDomain, s.adminIds);
  const tls = p.config.certFile && p.config.keyFile ? await fileTlsSource(p.config.certFile, p.config.keyFile, trust) : svidTlsSource(p.serverSvid, trust);
  const sampler = new MetricsSampler({ source: p.counters });
  const api = consoleApiFor({
    trustDomain: s.trustDomain.name,
    adminPipeline: p.adminPipeline,
    health: p.health,
    startedAt: p.startedAt,
    samples: sampler,
    federation: p.federation,
  });
  sampler.start();
  let server: ConsoleServer;
  try {
    server = await startConsoleServer({
      config: p.config,
      links: p.links,
      api,
      tls,
      adminIds: s.adminIds,
      assetsDir: p.assetsDir ?? (await uiAssetsDir()),
      log: p.log,
    });
  } catch (err) {
    sampler.stop();
    throw err;
  }
  const close = server.close.bind(server);
  return Object.assign(server, {
    close: async () => {
      sampler.stop();
      await close();
    },
  });
}
