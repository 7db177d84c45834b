import type { ServiceContainer } from '../di/service-container.js';
import { Code, KernelErrors, SpireError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { AnyPluginDescriptor, CoreConfig, PluginDeps } from '../plugins/descriptor.js';
import type { HostServices } from '../plugins/host-services.js';
import { checkCount } from '../plugins/count-rule.js';
import { PLUGIN_TYPE_INFO } from '../plugins/registry.js';
import { PLUGIN_TYPES, isPluginType, type PluginType } from '../plugins/types.js';
import { BUILTINS, builtinNames, findBuiltin, type BuiltinEntry } from './builtins.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { createFailure, withPluginPrefix } from './plugin-prefix.js';
import { pluginDataHash } from './config-hash.js';
import { reconfigurePlugins, type PluginState, type ReconfigurableDescriptor, type ReconfigureResult } from './reconfigure.js';
import { swappable } from './swappable.js';
import { normalizeChecksum } from './external/checksum.js';

/**
 * Starts an external plugin (plugin_cmd) and returns a descriptor that speaks to it. Supplied by
 * the external-plugin loader; without one, plugin_cmd is refused.
 */
export type ExternalLoader = (cfg: PluginConfig & { type: PluginType }, log: Logger) => Promise<ReconfigurableDescriptor>;

/** A plugin that passed validation: its declaration and descriptor. */
export interface ResolvedPlugin {
  cfg: PluginConfig & { type: PluginType };
  descriptor: AnyPluginDescriptor;
  config: unknown;
}

/** A loaded plugin instance. */
/** A loaded plugin; `instance` is what the catalog hands out (prefixed, except the DataStore). */
export interface LoadedPlugin {
  type: PluginType;
  name: string;
  instance: object;
}

export interface CatalogOptions {
  core: CoreConfig;
  log: Logger;
  host: HostServices;
  externalLoader?: ExternalLoader;
  /** The built-ins to resolve names against; defaults to BUILTINS. Tests pass their own. */
  builtins?: readonly BuiltinEntry[];
}

/**
 * One plugin problem as `spire-server validate` reports it, in SPIRE's two kinds: an `error` stops
 * validation there (SPIRE cannot load the plugin); a `note` is a problem with a plugin it loaded,
 * or with a type's count, listed under `subject` (`UpstreamAuthority "disk"`, `KeyManager`).
 */
export interface PluginFinding {
  kind: 'error' | 'note';
  subject: string;
  message: string;
}

/**
 * Checks every plugin declaration without starting anything: known types and names, no
 * duplicates, each plugin's own plugin_data, and each type's count rule. Returns every problem
 * found, each naming its plugin; an empty list means the plugins section is valid.
 *
 * External plugins are checked for shape only (their data is theirs to validate once started).
 */
export async function validatePlugins(
  configs: readonly PluginConfig[],
  core: CoreConfig,
  builtins: readonly BuiltinEntry[] = BUILTINS,
): Promise<{ problems: string[]; findings: PluginFinding[]; resolved: ResolvedPlugin[] }> {
  const problems: string[] = [];
  const findings: PluginFinding[] = [];
  const resolved: ResolvedPlugin[] = [];
  const error = (subject: string, message: string) => {
    problems.push(message);
    findings.push({ kind: 'error', subject, message });
  };
  const seen = new Set<string>();
  const counts = new Map<PluginType, number>();

  for (const cfg of configs) {
    if (!isPluginType(cfg.type)) {
      error(cfg.type, KernelErrors.unknownPluginType(cfg.type, PLUGIN_TYPES).message);
      continue;
    }
    const key = `${cfg.type}/${cfg.name}`;
    const subject = `${cfg.type} "${cfg.name}"`;
    if (seen.has(key)) {
      error(subject, KernelErrors.pluginDeclaredTwice(cfg.type, cfg.name).message);
      continue;
    }
    seen.add(key);
    if (!cfg.enabled) continue;
    counts.set(cfg.type, (counts.get(cfg.type) ?? 0) + 1);
    const typed = cfg as PluginConfig & { type: PluginType };

    if (cfg.pluginCmd !== undefined && cfg.pluginCmd !== '') {
      if (cfg.type === 'DataStore') error(subject, KernelErrors.dataStoreMustBeBuiltin().message);
      else if (cfg.type === 'NodeAttestor' && cfg.name === 'join_token') error(subject, KernelErrors.joinTokenMustBeBuiltin().message);
      else if (cfg.pluginChecksum) {
        try {
          normalizeChecksum(cfg.pluginChecksum);
        } catch (err) {
          error(subject, KernelErrors.badPluginChecksum(cfg.type, cfg.name, errorMessage(err)).message);
        }
      }
      continue;
    }
    const entry = findBuiltin(cfg.type, cfg.name, builtins);
    if (!entry) {
      error(subject, KernelErrors.unknownBuiltin(cfg.type, cfg.name, builtinNames(cfg.type, builtins)).message);
      continue;
    }
    if (!entry.load) {
      error(subject, KernelErrors.notBuiltYet(cfg.type, cfg.name).message);
      continue;
    }
    let descriptor: AnyPluginDescriptor;
    try {
      descriptor = await entry.load();
    } catch (err) {
      error(subject, KernelErrors.pluginLoad(cfg.type, cfg.name, err).message);
      continue;
    }
    const parsed = descriptor.parseConfig(cfg.data, core);
    if (parsed.problems.length > 0 || parsed.config === undefined) {
      problems.push(KernelErrors.badPluginConfig(cfg.type, cfg.name, parsed.problems).message);
      const notes = parsed.problems.length > 0 ? parsed.problems : [KernelErrors.badPluginConfig(cfg.type, cfg.name, []).message];
      for (const message of notes) findings.push({ kind: 'note', subject, message });
      continue;
    }
    resolved.push({ cfg: typed, descriptor, config: parsed.config });
  }

  for (const type of PLUGIN_TYPES) {
    const problem = checkCount(PLUGIN_TYPE_INFO[type].count, counts.get(type) ?? 0);
    if (!problem) continue;
    problems.push(KernelErrors.constraint(type, problem).message);
    // SPIRE checks the DataStore apart from the other types, and words its absence this way.
    if (type === 'DataStore' && (counts.get(type) ?? 0) === 0) findings.push({ kind: 'note', subject: 'DataStore "sql"', message: "'datastore' must be configured" });
    else findings.push({ kind: 'note', subject: type, message: `constraint not satisfied: ${problem}` });
  }
  return { problems, findings, resolved };
}

/**
 * The loaded plugins. Loading is all-or-nothing: each plugin's cleanup is registered before it is
 * configured, and on any failure everything already loaded is closed in reverse order.
 */
export class Catalog {
  private readonly loaded: LoadedPlugin[] = [];
  /** Each loaded plugin's current data, for reconfiguration; in load order. */
  private readonly states: PluginState[] = [];
  private reconfiguring: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly log: Logger,
    private readonly core: CoreConfig,
  ) {}

  /**
   * Validates, then creates every enabled plugin in SPIRE's type order, binding each to its DI
   * token in `container`. Throws a SpireError listing every problem when validation fails, or the
   * first creation error (after closing what was loaded).
   */
  static async load(configs: readonly PluginConfig[], container: ServiceContainer, opts: CatalogOptions): Promise<Catalog> {
    const catalog = new Catalog(opts.log, opts.core);
    const externals = configs.filter(
      (c) => c.enabled && c.pluginCmd !== undefined && c.pluginCmd !== '' && isPluginType(c.type),
    ) as (PluginConfig & { type: PluginType })[];
    if (externals.length > 0 && !opts.externalLoader) {
      const e = externals[0]!;
      throw KernelErrors.externalNotSupported(e.type, e.name);
    }
    const { problems, resolved } = await validatePlugins(configs, opts.core, opts.builtins);
    if (problems.length > 0) throw new SpireError(Code.INVALID_ARGUMENT, problems.join('\n'));

    try {
      const byType = new Map<PluginType, object[]>();
      // PLUGIN_TYPE_INFO lists the types in SPIRE's load order.
      const order = Object.keys(PLUGIN_TYPE_INFO) as PluginType[];
      for (const type of order) {
        for (const cfg of configs) {
          if (cfg.type !== type || !cfg.enabled) continue;
          const instance = await catalog.createOne(cfg as PluginConfig & { type: PluginType }, resolved, opts);
          const list = byType.get(type) ?? [];
          list.push(instance);
          byType.set(type, list);
        }
      }
      for (const type of PLUGIN_TYPES) {
        const info = PLUGIN_TYPE_INFO[type];
        const list = byType.get(type) ?? [];
        if (info.many) container.register(info.token, list);
        else if (list[0] !== undefined) container.register(info.token, list[0]);
      }
    } catch (err) {
      await catalog.close();
      throw err;
    }
    return catalog;
  }

  private async createOne(
    cfg: PluginConfig & { type: PluginType },
    resolved: ResolvedPlugin[],
    opts: CatalogOptions,
  ): Promise<object> {
    const log = opts.log.child({ subsystem_name: 'catalog', plugin_type: cfg.type, plugin_name: cfg.name });
    let descriptor: ReconfigurableDescriptor;
    let config: unknown;
    const r = resolved.find((p) => p.cfg === cfg);
    if (r) {
      descriptor = r.descriptor;
      config = r.config;
    } else {
      descriptor = await opts.externalLoader!(cfg, log);
      const parsed = descriptor.parseConfig(cfg.data, opts.core);
      if (parsed.problems.length > 0) throw KernelErrors.badPluginConfig(cfg.type, cfg.name, parsed.problems);
      config = parsed.config;
    }
    const slot: LoadedPlugin = { type: cfg.type, name: cfg.name, instance: {} };
    // Registered before create, so a plugin that half-starts is still closed on failure.
    this.loaded.push(slot);
    const deps: Omit<PluginDeps<unknown>, 'config'> = {
      log,
      trustDomain: opts.core.trustDomain,
      dataDir: opts.core.dataDir,
      host: opts.host,
    };
    let instance: object;
    try {
      instance = (await descriptor.create({ ...deps, config })) as object;
    } catch (err) {
      throw createFailure(cfg.type, cfg.name, err);
    }
    log.info('Plugin loaded');
    // The DataStore is never reconfigured, so it needs no stand-in; every other plugin may get a
    // new instance on reconfiguration, swapped in behind what was handed out.
    const live = cfg.type === 'DataStore' ? undefined : swappable(instance);
    this.states.push({ cfg, descriptor, config, hash: pluginDataHash(cfg.dataText), log, deps, ...(live ? { live } : {}) });
    // The one place the plugin prefix is added: `plugins()` and every DI binding hand out this
    // wrapped instance. SPIRE's datastore is not a plugin: its errors reach callers as
    // `datastore-validation: ...` or `datastore-sql: ...`, which the sql store words itself, with
    // no `datastore(sql): ` before.
    slot.instance = live ? withPluginPrefix(live.proxy, cfg.type, cfg.name) : instance;
    return slot.instance;
  }

  /** The loaded plugins, in load order. */
  plugins(): readonly LoadedPlugin[] {
    return this.loaded;
  }

  /**
   * Reconfigures the plugins whose data changed (see reconfigurePlugins): every plugin_data_file is
   * read again; `declarations`, the plugins of a re-read server.conf, supply new inline
   * plugin_data. Calls run one after the other. Never throws; after close it does nothing.
   */
  reconfigure(opts: { declarations?: readonly PluginConfig[] } = {}): Promise<ReconfigureResult[]> {
    const run = () => (this.closed ? [] : reconfigurePlugins(this.states, this.core, opts.declarations));
    const p = this.reconfiguring.then(run, run);
    this.reconfiguring = p.catch(() => undefined);
    return p;
  }

  /** Closes every plugin in reverse load order. Safe to call twice; the second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.loaded].reverse()) {
      const closable = p.instance as { close?: () => unknown };
      if (typeof closable.close !== 'function') continue;
      try {
        await closable.close();
      } catch (err) {
        this.log.error({ plugin_type: p.type, plugin_name: p.name, error: errorMessage(err) }, 'Failed to close plugin');
      }
    }
  }
}
