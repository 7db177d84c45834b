import type { PipelineEnv, ServiceHandlers } from '../api/handler.js';
import type { BundleRefresher } from '../api/ports.js';
import { readTrustedRoots } from '../api/trusted-roots.js';
import type { ServerSVIDState } from '../ca/server-svid-rotator.js';
import type { ConsoleConfig, ServerConfig } from '../config/types.js';
import { consoleApiFor } from '../console/console-api-port.js';
import type { LoginLinks } from '../console/login-links.js';
import { startConsoleServer, type ConsoleServer } from '../console/server.js';
import { fileTlsSource, svidTlsSource } from '../console/server-tls.js';
import type { Logger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { Metrics } from '../telemetry/index.js';
import { VERSION } from '../version.js';
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
  metrics: Metrics;
  bundleRefresher: BundleRefresher;
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
  const api = consoleApiFor({
    settings: p.settings,
    log: p.log,
    adminPipeline: p.adminPipeline,
    dataStore: p.dataStore,
    metrics: p.metrics,
    bundleRefresher: p.bundleRefresher,
    health: async () => {
      const st = await p.health.state();
      return { live: st.live, ready: st.ready };
    },
    version: VERSION,
    startedAt: p.startedAt,
  });
  return startConsoleServer({
    config: p.config,
    links: p.links,
    api,
    tls,
    adminIds: s.adminIds,
    assetsDir: p.assetsDir ?? (await uiAssetsDir()),
    log: p.log,
  });
}
