import { Catalog } from '../../catalog/catalog.js';
import type { BuiltinEntry } from '../../catalog/builtins.js';
import type { PluginConfig } from '../../config/plugin-config.js';
import { ExternalPlugins } from '../../catalog/external/loader.js';
import { sha256File } from '../../catalog/external/checksum.js';
import { createServiceContainer } from '../../di/service-container.js';
import { Code, SpireError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import { TrustDomain } from '../../spiffeid/trust-domain.js';
import { PLUGIN_TYPE_INFO } from '../../plugins/registry.js';
import type { PluginType } from '../../plugins/types.js';
import type { HostServices } from '../../plugins/host-services.js';
import { defineDataStore, type DataStore } from '../../plugins/datastore/contract.js';
import { defineKeyManager, type KeyManager } from '../../plugins/keymanager/contract.js';

/** What a test may ask of the external plugins a `loadPluginForTest` call started. */
export type ExternalPluginsView = Pick<ExternalPlugins, 'status' | 'healthy'>;

/** How to load a plugin binary for a test. */
export interface LoadPluginForTestOptions {
  type: PluginType;
  /** Path of the plugin executable (plugin_cmd). */
  path: string;
  /** The declared name; default `test`. */
  name?: string;
  /** plugin_checksum. `'auto'` (the default) computes the binary's sha256; `''` leaves it unset. */
  checksum?: string;
  /** plugin_data as HCL or JSON text. */
  data?: string;
  /** Default `example.org`. */
  trustDomain?: string;
  /** Host services offered to the plugin; default none (calls fail with FAILED_PRECONDITION). */
  host?: HostServices;
  /** Where the server-side log goes (plugin stderr included); default silent. */
  log?: Logger;
  /** Handshake timeout; default 60 s, the server's and go-plugin's (a loaded CI machine can take over 10 s to start a plugin process). */
  startTimeoutMs?: number;
}

/** A plugin loaded by `loadPluginForTest`. */
export interface LoadedTestPlugin<T> {
  /** The plugin, as the server's components would receive it (errors carry the plugin prefix). */
  plugin: T;
  /** The external plugin registry: `healthy()`, `status()` (with the process ID). */
  externals: ExternalPluginsView;
  /** Stops the plugin process. Safe to call twice. */
  close(): Promise<void>;
}

function unavailableDataStore(): DataStore {
  // Only here to satisfy the catalog's "exactly one DataStore" rule.
  return new Proxy({} as DataStore, {
    get: (_t, prop) =>
      prop === 'close' || prop === 'then'
        ? undefined
        : () => Promise.reject(new SpireError(Code.UNIMPLEMENTED, 'no DataStore in loadPluginForTest')),
  });
}

/**
 * Stand-in built-ins for tests that load plugins through `Catalog.load`: a DataStore `sql` and a
 * KeyManager `test_filler`, each answering UNIMPLEMENTED. Pass as CatalogOptions.builtins.
 */
export const TEST_BUILTINS: readonly BuiltinEntry[] = [
  {
    type: 'DataStore',
    name: 'sql',
    load: async () =>
      defineDataStore({ name: 'sql', parseConfig: () => ({ config: {}, problems: [] }), create: () => unavailableDataStore() }),
  },
  {
    type: 'KeyManager',
    name: 'test_filler',
    load: async () =>
      defineKeyManager({
        name: 'test_filler',
        parseConfig: () => ({ config: {}, problems: [] }),
        create: () =>
          new Proxy({} as KeyManager, {
            get: (_t, prop) =>
              prop === 'close' || prop === 'then'
                ? undefined
                : () => Promise.reject(new SpireError(Code.UNIMPLEMENTED, 'no KeyManager in loadPluginForTest')),
          }),
      }),
  },
];

/**
 * Loads a plugin executable the way the server does: through `Catalog.load` with `plugin_cmd`
 * and `plugin_checksum`, the external loader (checksum check, go-plugin handshake, broker, Init,
 * Configure) and the plugin-prefixing wrapper. The catalog's other required plugins (the
 * DataStore, and a KeyManager when testing another type) are stand-ins that answer UNIMPLEMENTED.
 *
 * Throws what the server would throw at start-up (e.g. a Configure error, prefixed with
 * `<type>(<name>): `). Always `close()` the result; it stops the process.
 */
export async function loadPluginForTest<T = unknown>(opts: LoadPluginForTestOptions): Promise<LoadedTestPlugin<T>> {
  const name = opts.name ?? 'test';
  const checksum = opts.checksum === undefined || opts.checksum === 'auto' ? await sha256File(opts.path) : opts.checksum;
  const data = opts.data ?? '';
  const decl = (type: string, n: string, extra: Partial<PluginConfig> = {}): PluginConfig => ({
    type,
    name: n,
    enabled: true,
    data: {},
    dataText: '',
    ...extra,
  });
  const configs: PluginConfig[] = [decl('DataStore', 'sql')];
  if (opts.type !== 'KeyManager') configs.push(decl('KeyManager', 'test_filler'));
  configs.push(decl(opts.type, name, { pluginCmd: opts.path, pluginChecksum: checksum === '' ? undefined : checksum, dataText: data }));

  const container = createServiceContainer();
  const externals = new ExternalPlugins({ startTimeoutMs: opts.startTimeoutMs ?? 60_000, stopTimeoutMs: 5_000 });
  const catalog = await Catalog.load(configs, container, {
    core: { trustDomain: TrustDomain.parse(opts.trustDomain ?? 'example.org'), dataDir: process.cwd() },
    log: opts.log ?? silentLogger(),
    host: opts.host ?? {},
    externalLoader: externals.loader,
    builtins: TEST_BUILTINS,
  });
  const info = PLUGIN_TYPE_INFO[opts.type];
  const value = container.resolveOptional(info.token);
  // For list types the plugin under test is declared last.
  const plugin = (info.many ? (value as unknown[]).at(-1) : value) as T;
  return {
    plugin,
    externals,
    close: async () => {
      await catalog.close();
      await externals.closeAll();
    },
  };
}
