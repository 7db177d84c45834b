import { ConfigReader, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** join_token has no options. */
export interface JoinTokenConfig {
  /** Keys found in plugin_data; SPIRE only notes them, so they are logged, not refused. */
  ignoredKeys: string[];
}

/**
 * Reads join_token's plugin_data. Like SPIRE, unknown keys are not an error (they are returned
 * so the plugin can log them). Never throws; pure.
 */
export function parseJoinTokenConfig(raw: PluginData, _core: CoreConfig): ParseResult<JoinTokenConfig> {
  const keys = Object.keys(raw);
  const r = new ConfigReader(raw);
  r.allow(...keys);
  return r.result({ ignoredKeys: keys });
}
