import 'reflect-metadata';
import { chmod, mkdir } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { addHealthService } from '../api/health/service.js';
import { Catalog, type ExternalLoader } from '../catalog/catalog.js';
import type { BuiltinEntry } from '../catalog/builtins.js';
import type { PluginConfig } from '../catalog/plugin-config.js';
import { CATALOG, HEALTH, LOGGER, SETTINGS } from '../di/tokens.js';
import { errorMessage } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { DATA_STORE, type DataStore } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/trust-domain.js';
import { bindAdminSocket, shutdownGrpc } from './admin-socket.js';
import { HealthChecker, startHealthListener } from './health-checker.js';

/** What the server needs from the parsed configuration (a subset of ServerConfig). */
export interface ServerSettings {
  server: {
    trustDomain: TrustDomain;
    dataDir: string;
    socketPath: string;
    logLevel: string;
    logFormat: string;
    logFile?: string;
    logSourceLocation: boolean;
  };
  healthChecks: {
    listenerEnabled: boolean;
    bindAddress: string;
    bindPort: number;
    livePath: string;
    readyPath: string;
  };
  plugins: PluginConfig[];
}

export interface ServerOptions {
  /** Use this logger instead of one built from the settings (tests). */
  log?: Logger;
  externalLoader?: ExternalLoader;
  /** Resolve plugin names against these instead of BUILTINS (tests). */
  builtins?: readonly BuiltinEntry[];
}

/**
 * A running SPIRE Server: the data dir, logging, the plugin catalog, health, and the admin
 * socket. `start` is all-or-nothing: on failure everything already started is stopped again.
 */
export class SpireServer {
  readonly log: Logger;
  readonly health = new HealthChecker();
  private readonly container: DependencyContainer;
  private readonly stops: (() => Promise<void>)[] = [];
  private catalog?: Catalog;
  private stopped = false;
  /** The health listener's port once started (useful when bind_port is 0). */
  healthPort?: number;

  constructor(
    readonly settings: ServerSettings,
    private readonly opts: ServerOptions = {},
  ) {
    const s = settings.server;
    this.log =
      opts.log ??
      createLogger({ level: s.logLevel, format: s.logFormat, file: s.logFile, sourceLocation: s.logSourceLocation });
    this.container = rootContainer.createChildContainer();
    this.container.register(LOGGER, { useValue: this.log });
    this.container.register(SETTINGS, { useValue: settings });
    this.container.register(HEALTH, { useValue: this.health });
  }

  /** The plugin instance (or list) bound to a token, e.g. DATA_STORE. Throws if not bound. */
  resolve<T>(token: symbol): T {
    return this.container.resolve<T>(token);
  }

  /**
   * Starts every part. Throws (after stopping what had started) when any part fails; the error
   * says which.
   */
  async start(): Promise<void> {
    const s = this.settings.server;
    try {
      await mkdir(s.dataDir, { recursive: true, mode: 0o700 });
      await chmod(s.dataDir, 0o700);

      if (this.settings.healthChecks.listenerEnabled) {
        const listener = await startHealthListener(this.health, this.settings.healthChecks, this.log.child({ subsystem_name: 'health' }));
        this.healthPort = listener.port;
        this.stops.push(() => listener.close());
      }

      this.catalog = await Catalog.load(this.settings.plugins, this.container, {
        core: { trustDomain: s.trustDomain, dataDir: s.dataDir },
        log: this.log,
        host: {},
        externalLoader: this.opts.externalLoader,
        builtins: this.opts.builtins,
      });
      const catalog = this.catalog;
      this.container.register(CATALOG, { useValue: catalog });
      this.stops.push(() => catalog.close());

      const ds = this.container.resolve<DataStore>(DATA_STORE);
      this.health.add('catalog.datastore', async () => {
        try {
          await ds.ping();
          return { live: true, ready: true };
        } catch (err) {
          return { live: false, ready: false, details: { datastore_err: errorMessage(err) } };
        }
      });

      const admin = new grpc.Server();
      addHealthService(
        admin,
        async () => {
          try {
            const bundle = await ds.fetchBundle(s.trustDomain.idString());
            return bundle ? { serving: true } : { serving: false, reason: 'bundle is missing' };
          } catch (err) {
            return { serving: false, reason: `unable to fetch bundle: ${errorMessage(err)}` };
          }
        },
        this.log.child({ subsystem_name: 'api' }),
      );
      await bindAdminSocket(admin, s.socketPath);
      this.stops.push(() => shutdownGrpc(admin));
      this.log.info({ address: s.socketPath, network: 'unix' }, 'Starting Server APIs');
    } catch (err) {
      await this.stop();
      throw err;
    }
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
