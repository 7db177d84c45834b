import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { KernelErrors, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { parseHcl } from '../config/parse-text.js';
import type { AnyPluginDescriptor, CoreConfig, PluginDeps } from '../plugins/descriptor.js';
import type { PluginType } from '../plugins/types.js';
import { pluginDataHash } from './config-hash.js';
import { createFailure } from './plugin-prefix.js';
import type { Swappable } from './swappable.js';

/**
 * A descriptor that reconfigures a live instance itself instead of having the catalog build a new
 * one: the external-plugin loader's, which sends the new data to the plugin's Config.Configure.
 * `reconfigure` throws (a SpireError) when the plugin refuses the data; the plugin then keeps
 * its old configuration.
 */
export interface ReconfigurableDescriptor extends AnyPluginDescriptor {
  reconfigure?(next: PluginConfig): Promise<void>;
}

/** What the catalog remembers of one loaded plugin so that it can be reconfigured. */
export interface PluginState {
  cfg: PluginConfig & { type: PluginType };
  descriptor: ReconfigurableDescriptor;
  /** The parsed config the current instance was made with. */
  config: unknown;
  /** pluginDataHash of the data text currently applied. */
  hash: string;
  /** The plugin's logger (subsystem_name=catalog, plugin_type, plugin_name). */
  log: Logger;
  /** What `create` was given, but the config. */
  deps: Omit<PluginDeps<unknown>, 'config'>;
  /** The replaceable instance behind what the catalog handed out; absent for the DataStore. */
  live?: Swappable<object>;
}

/** How one plugin's reconfiguration went. */
export type ReconfigureOutcome = 'reconfigured' | 'unchanged' | 'failed' | 'refused';

/** One plugin's reconfiguration, as logged. */
export interface ReconfigureResult {
  type: PluginType;
  name: string;
  outcome: ReconfigureOutcome;
  /** The hash of the data now applied (the old one unless `reconfigured`). */
  hash: string;
  /** Why it `failed`. */
  error?: string;
}

type Source = { kind: 'file'; path: string } | { kind: 'inline'; decl: PluginConfig };

/**
 * Where a plugin's new data comes from: its plugin_data_file, read again (as SPIRE); or, for
 * plugin_data written in server.conf, the declaration of the same plugin in `declarations` (the
 * re-read server.conf), when one is given.
 */
function sourceOf(s: PluginState, declarations: readonly PluginConfig[] | undefined): Source | undefined {
  if (s.cfg.dataFile !== undefined) return { kind: 'file', path: s.cfg.dataFile };
  const decl = declarations?.find((d) => d.type === s.cfg.type && d.name === s.cfg.name && d.dataFile === undefined);
  return decl ? { kind: 'inline', decl } : undefined;
}

async function closeOld(s: PluginState, old: object): Promise<void> {
  const closable = old as { close?: () => unknown };
  if (typeof closable.close !== 'function') return;
  try {
    await closable.close();
  } catch (err) {
    s.log.error({ error: errorMessage(err) }, 'Failed to close plugin');
  }
}

/**
 * Applies `next` to a plugin. An external plugin is sent the data (its descriptor's
 * `reconfigure`). A built-in's data is parsed by its descriptor; when the parsed config differs
 * from the current one, a new instance is made with it and swapped in for the old, which is then
 * closed. Throws, leaving the old instance in place, when the data is refused.
 */
async function apply(s: PluginState, next: PluginConfig, core: CoreConfig): Promise<void> {
  if (s.descriptor.reconfigure) {
    await s.descriptor.reconfigure(next);
    return;
  }
  const parsed = s.descriptor.parseConfig(next.data, core);
  if (parsed.problems.length > 0 || parsed.config === undefined) throw KernelErrors.badPluginConfig(s.cfg.type, s.cfg.name, parsed.problems);
  // The same settings written differently (a comment, another layout): nothing to rebuild, and
  // a plugin holding state only in memory keeps it.
  if (isDeepStrictEqual(parsed.config, s.config) || !s.live) return;
  let instance: object;
  try {
    instance = (await s.descriptor.create({ ...s.deps, config: parsed.config })) as object;
  } catch (err) {
    throw createFailure(s.cfg.type, s.cfg.name, err);
  }
  const old = s.live.swap(instance);
  s.config = parsed.config;
  await closeOld(s, old);
}

async function reconfigureOne(s: PluginState, source: Source, core: CoreConfig): Promise<ReconfigureResult> {
  const result = (outcome: ReconfigureOutcome, error?: string): ReconfigureResult => ({
    type: s.cfg.type,
    name: s.cfg.name,
    outcome,
    hash: s.hash,
    ...(error !== undefined ? { error } : {}),
  });
  const failed = (error: string) => {
    s.log.error({ error }, 'Failed to reconfigure plugin');
    return result('failed', error);
  };
  let text: string;
  if (source.kind === 'file') {
    try {
      text = await readFile(source.path, 'utf8');
    } catch (err) {
      return failed(`failed to load plugin data: ${errorMessage(err)}`);
    }
  } else {
    text = source.decl.dataText;
  }
  const hash = pluginDataHash(text);
  if (hash === s.hash) {
    if (s.cfg.type !== 'DataStore') s.log.info({ hash }, 'Plugin not reconfigured since the config is unchanged');
    return result('unchanged');
  }
  if (s.cfg.type === 'DataStore') {
    s.log.warn({ old_hash: s.hash, new_hash: hash }, 'The DataStore is not reconfigurable; its new configuration is not applied until the server restarts');
    return result('refused');
  }
  let next: PluginConfig;
  try {
    const data = source.kind === 'file' ? parseHcl(text, source.path) : source.decl.data;
    next = { ...s.cfg, data, dataText: text };
    await apply(s, next, core);
  } catch (err) {
    return failed(errorMessage(err));
  }
  s.log.info({ old_hash: s.hash, new_hash: hash }, 'Plugin reconfigured');
  s.cfg = { ...s.cfg, data: next.data, dataText: text };
  s.hash = hash;
  return result('reconfigured');
}

/**
 * Reconfigures every plugin whose data changed, one after the other in load order, as SPIRE does
 * on SIGUSR1: each plugin_data_file is read again; with `declarations` (the plugins of a re-read
 * server.conf), plugin_data written inline is compared too. Only a changed data text (by
 * pluginDataHash) is applied. Each plugin's outcome is logged on its own logger: `Plugin
 * reconfigured` (old_hash, new_hash), `Plugin not reconfigured since the config is unchanged`
 * (hash), or `Failed to reconfigure plugin` (error; the plugin keeps its old configuration). The
 * DataStore is never reconfigured: a change to its data is logged as a warning and ignored.
 * Never throws.
 */
export async function reconfigurePlugins(
  states: readonly PluginState[],
  core: CoreConfig,
  declarations?: readonly PluginConfig[],
): Promise<ReconfigureResult[]> {
  const results: ReconfigureResult[] = [];
  for (const s of states) {
    const source = sourceOf(s, declarations);
    if (source) results.push(await reconfigureOne(s, source, core));
  }
  return results;
}
