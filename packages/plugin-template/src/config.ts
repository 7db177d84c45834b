import { isAbsolute } from 'node:path';
import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/plugin-sdk';

/** The plugin's configuration, after parsing. */
export interface BundleFileConfig {
  /** Absolute path of the PEM file to (re)write. */
  bundlePath: string;
  /** File mode of the written file. */
  fileMode: number;
}

/**
 * Reads plugin_data. Collects every problem, each naming its option:
 * - `bundle_path` (string, required, absolute);
 * - `file_mode` (string of octal digits, default `"0644"`).
 */
export function parseBundleFileConfig(raw: PluginData): ParseResult<BundleFileConfig> {
  const r = new ConfigReader(raw);
  const bundlePath = r.string('bundle_path', { required: true });
  if (bundlePath !== undefined && !isAbsolute(bundlePath)) r.problem('bundle_path must be an absolute path');
  const modeText = r.string('file_mode', { default: '0644' }) ?? '0644';
  if (!/^0?[0-7]{3}$/.test(modeText)) r.problem('file_mode must be an octal mode such as "0644"');
  return r.result({ bundlePath: bundlePath ?? '', fileMode: parseInt(modeText, 8) });
}
