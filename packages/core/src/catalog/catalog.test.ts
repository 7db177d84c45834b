import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, validatePlugins } from './catalog.js';
import { createServiceContainer } from '../di/service-container.js';
import type { BuiltinEntry } from './builtins.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { Code, SpireError, spireError } from '../errors.js';
import { silentLogger } from '../log/logger.js';
import { TrustDomain } from '../spiffeid/index.js';
import { ConfigReader } from '../plugins/config-reader.js';
import type { AnyPluginDescriptor } from '../plugins/descriptor.js';
import type { PluginType } from '../plugins/types.js';
import { DATA_STORE } from '../plugins/datastore/contract.js';
import { KEY_MANAGER } from '../plugins/keymanager/contract.js';
import { NODE_ATTESTORS } from '../plugins/nodeattestor/contract.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp/spire-test' };

interface Journal {
  events: string[];
}

/** A descriptor whose instances record create/close into `journal`. */
function fake(type: PluginType, name: string, journal: Journal, opts: { failCreate?: boolean } = {}): AnyPluginDescriptor {
  return {
    type,
    name,
    parseConfig(raw) {
      const r = new ConfigReader(raw);
      const level = r.int('level', { default: 1, min: 0 });
      return r.result({ level });
    },
    create({ config }) {
      if (opts.failCreate) throw spireError(Code.INTERNAL, 'boom');
      journal.events.push(`create ${type}/${name}`);
      return {
        config,
        async fail() {
          throw spireError(Code.NOT_FOUND, 'no such key');
        },
        async close() {
          journal.events.push(`close ${type}/${name}`);
        },
      };
    },
  };
}

function entry(d: AnyPluginDescriptor): BuiltinEntry {
  return { type: d.type, name: d.name, load: async () => d };
}

function decl(type: string, name: string, extra: Partial<PluginConfig> = {}): PluginConfig {
  return { type, name, enabled: true, data: {}, dataText: '', ...extra };
}

function setup(journal: Journal, overrides: Partial<Record<string, AnyPluginDescriptor>> = {}) {
  const ds = overrides.ds ?? fake('DataStore', 'sql', journal);
  const km = overrides.km ?? fake('KeyManager', 'memory', journal);
  const na1 = overrides.na1 ?? fake('NodeAttestor', 'join_token', journal);
  const na2 = overrides.na2 ?? fake('NodeAttestor', 'x509pop', journal);
  const builtins: BuiltinEntry[] = [entry(ds), entry(km), entry(na1), entry(na2), { type: 'NodeAttestor', name: 'tpm_devid' }];
  return { builtins };
}

const log = silentLogger();

describe('catalog', () => {
  it('loads in SPIRE type order, binds tokens and closes in reverse order', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const c = createServiceContainer();
    const configs = [decl('NodeAttestor', 'join_token'), decl('KeyManager', 'memory'), decl('DataStore', 'sql'), decl('NodeAttestor', 'x509pop')];
    const catalog = await Catalog.load(configs, c, { core, log, host: {}, builtins });
    assert.deepEqual(journal.events, ['create DataStore/sql', 'create KeyManager/memory', 'create NodeAttestor/join_token', 'create NodeAttestor/x509pop']);
    assert.equal(c.resolve(NODE_ATTESTORS).length, 2);
    assert.ok(c.resolve(KEY_MANAGER));
    await catalog.close();
    await catalog.close();
    assert.deepEqual(journal.events.slice(4), ['close NodeAttestor/x509pop', 'close NodeAttestor/join_token', 'close KeyManager/memory', 'close DataStore/sql']);
  });

  it('is all-or-nothing: a failing create closes what was loaded, in reverse order', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal, { na1: fake('NodeAttestor', 'join_token', journal, { failCreate: true }) });
    const configs = [decl('DataStore', 'sql'), decl('KeyManager', 'memory'), decl('NodeAttestor', 'join_token')];
    await assert.rejects(
      Catalog.load(configs, createServiceContainer(), { core, log, host: {}, builtins }),
      (e: unknown) => e instanceof SpireError && e.code === Code.INTERNAL && e.message === 'nodeattestor(join_token): boom',
    );
    assert.deepEqual(journal.events, ['create DataStore/sql', 'create KeyManager/memory', 'close KeyManager/memory', 'close DataStore/sql']);
  });

  it('prefixes plugin errors exactly once and keeps their code', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const c = createServiceContainer();
    const catalog = await Catalog.load([decl('DataStore', 'sql'), decl('KeyManager', 'memory')], c, { core, log, host: {}, builtins });
    const km = c.resolve(KEY_MANAGER) as unknown as { fail(): Promise<void> };
    await assert.rejects(km.fail(), (e: unknown) => e instanceof SpireError && e.code === Code.NOT_FOUND && e.message === 'keymanager(memory): no such key');
    await catalog.close();
  });

  it('hands out the same prefixed instances from plugins() as from its DI bindings', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const c = createServiceContainer();
    const catalog = await Catalog.load([decl('DataStore', 'sql'), decl('KeyManager', 'memory')], c, { core, log, host: {}, builtins });
    const km = catalog.plugins().find((p) => p.type === 'KeyManager')!.instance as { fail(): Promise<void> };
    assert.equal(km, c.resolve(KEY_MANAGER));
    await assert.rejects(km.fail(), (e: unknown) => e instanceof SpireError && e.code === Code.NOT_FOUND && e.message === 'keymanager(memory): no such key');
    await catalog.close();
  });

  it('adds no prefix to DataStore errors, whose messages carry SPIRE\'s datastore prefixes themselves', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const c = createServiceContainer();
    const catalog = await Catalog.load([decl('DataStore', 'sql'), decl('KeyManager', 'memory')], c, { core, log, host: {}, builtins });
    const ds = c.resolve(DATA_STORE) as unknown as { fail(): Promise<void> };
    await assert.rejects(ds.fail(), (e: unknown) => e instanceof SpireError && e.code === Code.NOT_FOUND && e.message === 'no such key');
    await catalog.close();
  });

  it('honours enabled = false', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const configs = [decl('DataStore', 'sql'), decl('KeyManager', 'memory'), decl('NodeAttestor', 'x509pop', { enabled: false })];
    const catalog = await Catalog.load(configs, createServiceContainer(), { core, log, host: {}, builtins });
    assert.ok(!journal.events.includes('create NodeAttestor/x509pop'));
    await catalog.close();
  });

  it('reports every problem at once: unknown type, unknown name, not built yet, bad data, counts', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const configs = [
      decl('Keymanager', 'memory'),
      decl('NodeAttestor', 'nope'),
      decl('NodeAttestor', 'tpm_devid'),
      decl('NodeAttestor', 'join_token', { data: { level: -1, bogus: true } }),
      decl('NodeAttestor', 'join_token'),
    ];
    const { problems } = await validatePlugins(configs, core, builtins);
    assert.deepEqual(problems, [
      'unknown plugin type "Keymanager"; known types are: DataStore, KeyManager, NodeAttestor, UpstreamAuthority, Notifier, BundlePublisher, CredentialComposer',
      'no built-in plugin "nope" for type "NodeAttestor"; known NodeAttestor plugins are: join_token, x509pop, tpm_devid',
      'plugin NodeAttestor "tpm_devid" is not built yet in this server; remove it from the config or use an external plugin_cmd',
      'plugin NodeAttestor "join_token" has an invalid configuration: level must be at least 0; got -1; unknown option bogus',
      'plugin NodeAttestor "join_token" declared more than once',
      'plugin type "DataStore" constraint not satisfied: expected exactly 1 but got 0',
      'plugin type "KeyManager" constraint not satisfied: expected exactly 1 but got 0',
    ]);
  });

  it('refuses an external DataStore and, without a loader, any plugin_cmd', async () => {
    const journal: Journal = { events: [] };
    const { builtins } = setup(journal);
    const { problems } = await validatePlugins([decl('DataStore', 'mystore', { pluginCmd: '/bin/true' }), decl('KeyManager', 'memory')], core, builtins);
    assert.deepEqual(problems, ['pluggability for the DataStore is not supported; only the built-in "sql" plugin can be used']);
    await assert.rejects(
      Catalog.load([decl('DataStore', 'sql'), decl('KeyManager', 'ext', { pluginCmd: '/bin/true' })], createServiceContainer(), { core, log, host: {}, builtins }),
      /external plugins \(plugin_cmd\) are not supported/,
    );
  });

  it('refuses an external join_token NodeAttestor, as SPIRE (the server attests join tokens itself)', async () => {
    const { builtins } = setup({ events: [] });
    const ext = (enabled: boolean) => decl('NodeAttestor', 'join_token', { pluginCmd: '/bin/true', enabled });
    const { problems } = await validatePlugins([decl('DataStore', 'sql'), decl('KeyManager', 'memory'), ext(true)], core, builtins);
    assert.deepEqual(problems, ['the built-in join_token node attestor cannot be overridden by an external plugin']);
    const disabled = await validatePlugins([decl('DataStore', 'sql'), decl('KeyManager', 'memory'), ext(false)], core, builtins);
    assert.deepEqual(disabled.problems, []);
  });
});
