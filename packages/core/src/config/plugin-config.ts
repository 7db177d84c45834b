import type { PluginData } from '../plugins/config-reader.js';

/** One `plugins { Type "name" { ... } }` declaration, after the config file is decoded. */
export interface PluginConfig {
  /** The plugin type as written, e.g. `KeyManager`. */
  type: string;
  name: string;
  /** Path of an external plugin binary; absent for built-ins. */
  pluginCmd?: string;
  /** plugin_args: arguments passed to `pluginCmd`. */
  pluginArgs?: string[];
  /** Expected sha256 (hex) of `pluginCmd`. */
  pluginChecksum?: string;
  /** `enabled = false` drops the declaration. Defaults to true. */
  enabled: boolean;
  /** plugin_data (a block, or a string decoded as HCL), or plugin_data_file's contents. */
  data: PluginData;
  /** The plugin data as text, as SPIRE sends it to external plugins. */
  dataText: string;
  /** The file plugin_data came from, when plugin_data_file was used. */
  dataFile?: string;
}
