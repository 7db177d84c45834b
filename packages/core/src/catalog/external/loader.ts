import type { Logger } from '../../log/logger.js';
import type { PluginDeps } from '../../plugins/descriptor.js';
import type { PluginType } from '../../plugins/types.js';
import type { HostServices } from '../../plugins/host-services.js';
import { SpireError } from '../../errors.js';
import { pluginPrefix } from '../plugin-prefix.js';
import type { ExternalLoader } from '../catalog.js';
import type { ReconfigurableDescriptor } from '../reconfigure.js';
import { ExternalErrors } from '../../plugins/external-errors.js';
import type { PluginConfig } from '../../config/plugin-config.js';
import { adapterFor } from './adapters.js';
import { ExternalPlugin } from './external-plugin.js';

/** Tunables of external plugin loading. */
export interface ExternalPluginsOptions {
  /** How long a plugin has to print its handshake line and answer Init. Default 60s (go-plugin's). */
  startTimeoutMs?: number;
  /** How long Deinit and a graceful exit may take on close before the process is killed. Default 10s. */
  stopTimeoutMs?: number;
}

/** The state of one external plugin, for readiness and diagnostics. */
export interface ExternalPluginStatus {
  type: PluginType;
  name: string;
  pid: number;
  running: boolean;
  /** How the process ended, when it has. */
  exit?: string;
  /** True for types the server cannot work without (KeyManager; DataStore cannot be external). */
  essential: boolean;
}

const ESSENTIAL: ReadonlySet<PluginType> = new Set<PluginType>(['DataStore', 'KeyManager']);

/**
 * Loads external plugins (plugin_cmd) for the catalog and keeps track of their processes.
 *
 * Pass `loader` as the catalog's `externalLoader`. Wire `healthy()` into the server's readiness:
 * it turns false while an essential plugin's process is gone. `closeAll()` is a safety net for
 * shutdown; the catalog's own close already stops every plugin it loaded.
 */
export class ExternalPlugins {
  private readonly exitListeners: (() => void)[] = [];
  private readonly plugins = new Set<ExternalPlugin>();

  constructor(private readonly options: ExternalPluginsOptions = {}) {}

  /** The catalog's ExternalLoader. */
  readonly loader: ExternalLoader = (cfg, log) => Promise.resolve(this.descriptor(cfg, log));

  private descriptor(cfg: PluginConfig & { type: PluginType }, log: Logger): ReconfigurableDescriptor {
    let started: ExternalPlugin | undefined;
    return {
      type: cfg.type,
      name: cfg.name,
      // plugin_data belongs to the plugin: it is sent as text and checked by Configure.
      parseConfig: () => ({ config: cfg.dataText, problems: [] }),
      create: async (deps: PluginDeps<string>) => {
        const plugin = await ExternalPlugin.start({
          type: cfg.type,
          name: cfg.name,
          path: cfg.pluginCmd ?? '',
          args: cfg.pluginArgs ?? [],
          checksum: cfg.pluginChecksum,
          dataText: deps.config ?? '',
          trustDomain: deps.trustDomain.name,
          host: deps.host,
          log,
          startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
          stopTimeoutMs: this.options.stopTimeoutMs ?? 10_000,
        });
        started = plugin;
        this.plugins.add(plugin);
        plugin.proc.onExit(() => {
          if (!plugin.stopping && ESSENTIAL.has(cfg.type) && this.plugins.has(plugin)) {
            log.error({ plugin_pid: plugin.proc.pid }, 'Essential plugin is gone; the server is not ready');
            for (const l of this.exitListeners) l();
          }
        });
        let adapter: { close: () => Promise<void> };
        try {
          adapter = adapterFor(plugin) as { close: () => Promise<void> };
        } catch (err) {
          await plugin.close();
          throw err;
        }
        const close = adapter.close;
        adapter.close = async () => {
          await close();
          this.plugins.delete(plugin);
        };
        return adapter;
      },
      // Reconfiguration sends the new text to the running plugin's Config service; a plugin that
      // does not answer in time must not hold up the reconfiguration of the others for ever.
      reconfigure: async (next: PluginConfig) => {
        if (!started) throw ExternalErrors.unavailable('plugin is not started');
        await started.configure(next.dataText, this.options.startTimeoutMs ?? 60_000);
      },
    };
  }

  /**
   * What `spire-server validate` does for an external plugin, as SPIRE: checks the checksum,
   * starts the plugin, runs Init, asks Config.Validate about its plugin data, and stops it.
   * Resolves with the plugin's notes (empty when it has nothing to say). Throws, with the plugin
   * prefix, when the plugin cannot be started. Leaves no process behind either way.
   */
  async validate(cfg: PluginConfig & { type: PluginType }, deps: { trustDomain: string; host: HostServices; log: Logger }): Promise<string[]> {
    let plugin: ExternalPlugin;
    try {
      plugin = await ExternalPlugin.start({
        type: cfg.type,
        name: cfg.name,
        path: cfg.pluginCmd ?? '',
        args: cfg.pluginArgs ?? [],
        checksum: cfg.pluginChecksum,
        dataText: cfg.dataText,
        trustDomain: deps.trustDomain,
        host: deps.host,
        log: deps.log,
        startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
        stopTimeoutMs: this.options.stopTimeoutMs ?? 10_000,
        configure: false,
      });
    } catch (err) {
      throw err instanceof SpireError ? err.withPrefix(pluginPrefix(cfg.type, cfg.name)) : err;
    }
    try {
      return await plugin.validate(cfg.dataText);
    } finally {
      await plugin.close();
    }
  }

  /** Every external plugin loaded and not yet closed. */
  status(): ExternalPluginStatus[] {
    return [...this.plugins].map((p) => ({
      type: p.opts.type,
      name: p.opts.name,
      pid: p.proc.pid,
      running: p.proc.exit === undefined,
      ...(p.proc.exit !== undefined ? { exit: p.proc.exit } : {}),
      essential: ESSENTIAL.has(p.opts.type),
    }));
  }

  /** Calls `listener` each time an essential plugin's process dies unasked (the health checks re-run then). */
  onEssentialExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** False while any essential external plugin (a KeyManager) has died. Cheap; call it per probe. */
  healthy(): boolean {
    return this.status().every((s) => s.running || !s.essential);
  }

  /** Stops every plugin still open. Safe to call twice and after the catalog closed them. */
  async closeAll(): Promise<void> {
    const all = [...this.plugins].reverse();
    this.plugins.clear();
    for (const p of all) await p.close();
  }
}
