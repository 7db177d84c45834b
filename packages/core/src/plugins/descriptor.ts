import type { Logger } from '../log/logger.js';
import type { TrustDomain } from '../spiffeid/trust-domain.js';
import type { PluginData, ParseResult } from './config-reader.js';
import type { PluginType } from './types.js';
import type { HostServices } from './host-services.js';

/** What the kernel tells every plugin about the server it runs in. */
export interface CoreConfig {
  trustDomain: TrustDomain;
  /** The server's data_dir, absolute. */
  dataDir: string;
}

/**
 * The plain, typed dependencies a plugin's factory receives. The kernel builds this object; plugins
 * never see the DI container.
 */
export interface PluginDeps<C> {
  /** The result of the descriptor's own `parseConfig`. */
  config: C;
  /** A logger whose records carry `subsystem_name=catalog, plugin_type, plugin_name`. */
  log: Logger;
  trustDomain: TrustDomain;
  dataDir: string;
  /** Host services the server offers to plugins (identity provider, agent store, metrics). */
  host: HostServices;
}

/** Anything a plugin instance may hold open. `close` is called once, in reverse load order. */
export interface Closable {
  close?(): Promise<void> | void;
}

/**
 * A plugin package's one export: what type and name it serves, how it reads its plugin_data and
 * how it is made.
 */
export interface PluginDescriptor<T extends PluginType = PluginType, I = unknown, C = unknown> {
  readonly type: T;
  readonly name: string;
  /**
   * Reads plugin_data. Must collect every problem (each naming its option) rather than stop at
   * the first, and must not touch the outside world: `spire-server validate` calls it too.
   */
  parseConfig(raw: PluginData, core: CoreConfig): ParseResult<C>;
  /** Makes a configured instance. May throw a SpireError; the kernel adds the plugin prefix. */
  create(deps: PluginDeps<C>): I | Promise<I>;
}

/** Any descriptor, whatever its type and config. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginDescriptor = PluginDescriptor<PluginType, any, any>;
