import { isDeepStrictEqual } from 'node:util';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { expandEnv } from '../config/expand-env.js';
import { decodeHcl } from '../config/hcl/decode.js';
import { loadServerConfig } from '../config/load.js';
import { parseConfigAst } from '../config/parse-text.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { formatProblem } from '../config/problem.js';
import type { ConfigSource, ServerConfig } from '../config/types.js';
import type { Catalog } from './catalog.js';
import type { ReconfigureResult } from './reconfigure.js';

/** What reading server.conf again found. */
export interface ServerConfReread {
  /** The re-read plugins whose declaration is unchanged but for plugin_data; absent when the file has problems. */
  declarations?: PluginConfig[];
  /** The changes that take effect only after a restart, each naming what changed. */
  restartNeeded: string[];
  /** The re-read file's problems (then nothing of it is applied). */
  problems: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The decoded tree of a config text, with the option names as written; `{}` when unreadable. */
function rawTree(source: ConfigSource): Record<string, unknown> {
  const text = source.flags?.expandEnv ? expandEnv(source.text, source.env ?? process.env) : source.text;
  try {
    return decodeHcl(parseConfigAst(text, source.path)).value;
  } catch {
    return {};
  }
}

/** The sections other than plugins that differ, as `server.ca_ttl` (or `telemetry` when not a block). */
function sectionChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (section === 'plugins') continue;
    const [a, b] = [before[section], after[section]];
    if (isDeepStrictEqual(a, b)) continue;
    if (!isPlainObject(a) || !isPlainObject(b)) {
      out.push(section);
      continue;
    }
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!isDeepStrictEqual(a[key], b[key])) out.push(`${section}.${key}`);
    }
  }
  return out;
}

/** The settings of a declaration other than its data that differ, as server.conf names them. */
function shapeChanges(a: PluginConfig, b: PluginConfig): string[] {
  const out: string[] = [];
  if (a.enabled !== b.enabled) out.push('enabled');
  if ((a.pluginCmd ?? '') !== (b.pluginCmd ?? '')) out.push('plugin_cmd');
  if (!isDeepStrictEqual(a.pluginArgs ?? [], b.pluginArgs ?? [])) out.push('plugin_args');
  if ((a.pluginChecksum ?? '') !== (b.pluginChecksum ?? '')) out.push('plugin_checksum');
  if (a.dataFile !== b.dataFile) out.push(a.dataFile === undefined || b.dataFile === undefined ? 'plugin_data/plugin_data_file' : 'plugin_data_file');
  return out;
}

/**
 * Reads the server.conf the server was started from again, the same way (flags, cwd, -expandEnv),
 * and compares it with what the server runs: `loaded` (its plugin declarations) and `source` (the
 * text it was started with). Plugin declarations that differ only in plugin_data are returned for
 * reconfiguration; every other difference (a server, telemetry or health_checks option, a plugin
 * added, removed, enabled or disabled, a changed plugin_cmd, plugin_args, plugin_checksum or
 * plugin_data_file) is listed as needing a restart. Never throws.
 */
export async function rereadServerConf(source: ConfigSource, loaded: readonly PluginConfig[]): Promise<ServerConfReread> {
  const { config, problems } = await loadServerConfig({
    path: source.path,
    cwd: source.cwd,
    ...(source.flags ? { flags: source.flags } : {}),
    ...(source.env ? { env: source.env } : {}),
  });
  if (!config?.source) return { restartNeeded: [], problems: problems.map(formatProblem) };

  const restartNeeded = sectionChanges(rawTree(source), rawTree(config.source));
  const key = (p: PluginConfig) => `${p.type} "${p.name}"`;
  const before = new Map(loaded.map((p) => [key(p), p]));
  const after = new Map(config.plugins.map((p) => [key(p), p]));
  const declarations: PluginConfig[] = [];
  for (const k of before.keys()) if (!after.has(k)) restartNeeded.push(`plugins: ${k} removed`);
  for (const [k, p] of after) {
    const old = before.get(k);
    if (!old) {
      restartNeeded.push(`plugins: ${k} added`);
      continue;
    }
    const changed = shapeChanges(old, p);
    if (changed.length > 0) restartNeeded.push(`plugins: ${k} ${changed.join(', ')}`);
    else declarations.push(p);
  }
  return { declarations, restartNeeded, problems: [] };
}

/**
 * What SIGUSR1 does to the plugins: logs `Reconfigure signal received`; when the server was
 * started from a file, reads it again (see rereadServerConf), logs a warning for each change that
 * needs a restart, and an error when the file now has problems (then only plugin_data_file
 * changes are applied, as in SPIRE); then reconfigures the plugins whose data changed (see
 * Catalog.reconfigure). Never throws; returns each plugin's outcome.
 */
export async function reconfigureFromServerConf(catalog: Catalog, settings: ServerConfig, log: Logger): Promise<ReconfigureResult[]> {
  const clog = log.child({ subsystem_name: 'catalog' });
  clog.info('Reconfigure signal received');
  let declarations: PluginConfig[] | undefined;
  if (settings.source) {
    try {
      const reread = await rereadServerConf(settings.source, settings.plugins);
      if (reread.problems.length > 0) {
        clog.error({ error: reread.problems.join('; ') }, 'Failed to read the server configuration again; only plugin_data_file changes are applied');
      }
      for (const change of reread.restartNeeded) clog.warn({ change }, 'Configuration change not applied; restart the server to apply it');
      declarations = reread.declarations;
    } catch (err) {
      clog.error({ error: errorMessage(err) }, 'Failed to read the server configuration again; only plugin_data_file changes are applied');
    }
  }
  return catalog.reconfigure(declarations ? { declarations } : {});
}
