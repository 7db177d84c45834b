import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from './catalog.js';
import { reconfigureFromServerConf, rereadServerConf } from './reconfigure-server-conf.js';
import { createServiceContainer } from '../di/service-container.js';
import { loadServerConfig } from '../config/load.js';
import { NODE_ATTESTORS } from '../plugins/nodeattestor/contract.js';
import { core, entry, greeter, recordingLog, tempDir, type Greeter } from './reconfigure.test-support.js';

function conf(dir: string, o: { caTtl?: string; greeting?: string; dsGreeting?: string; extra?: string; fileGreeter?: boolean } = {}): string {
  return `
server {
  trust_domain = "example.org"
  data_dir = "${dir}/data"
  ca_ttl = "${o.caTtl ?? '24h'}"
}
plugins {
  DataStore "sql" {
    plugin_data { greeting = "${o.dsGreeting ?? 'db'}" }
  }
  KeyManager "memory" {
    plugin_data {}
  }
  NodeAttestor "inline" {
    plugin_data {
      greeting = "${o.greeting ?? 'in'}"
    }
  }
  ${o.fileGreeter ? `NodeAttestor "file" { plugin_data_file = "${dir}/na.conf" }` : ''}
  ${o.extra ?? ''}
}
`;
}

async function setup(o: Parameters<typeof conf>[1] = {}) {
  const dir = tempDir();
  const path = join(dir, 'server.conf');
  writeFileSync(join(dir, 'na.conf'), 'greeting = "one"');
  writeFileSync(path, conf(dir, o));
  const { config, problems } = await loadServerConfig({ path: 'server.conf', cwd: dir });
  assert.deepEqual(problems, []);
  assert.ok(config?.source);
  const journal: string[] = [];
  const builtins = [greeter('DataStore', 'sql', journal), greeter('KeyManager', 'memory', journal), greeter('NodeAttestor', 'inline', journal), greeter('NodeAttestor', 'file', journal)].map(entry);
  const { log, records } = recordingLog();
  const c = createServiceContainer();
  const catalog = await Catalog.load(config.plugins, c, { core, log, host: {}, builtins });
  return {
    dir,
    path,
    config,
    records,
    catalog,
    log,
    attestor: () => c.resolve(NODE_ATTESTORS)[0] as unknown as Greeter,
    done: () => catalog.close().then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

describe('reconfiguration from a re-read server.conf', () => {
  it('loadServerConfig records the file, its text and how it was read', async () => {
    const t = await setup();
    assert.equal(t.config.source?.path, 'server.conf');
    assert.equal(t.config.source?.cwd, t.dir);
    assert.equal(t.config.source?.text, conf(t.dir));
    await t.done();
  });

  it('returns the declarations changed only in plugin_data, and names every other change as needing a restart', async () => {
    const t = await setup();
    writeFileSync(
      t.path,
      conf(t.dir, { caTtl: '48h', greeting: 'out', fileGreeter: true }).replace('KeyManager "memory" {', 'KeyManager "memory" {\n    plugin_cmd = "/bin/km"'),
    );
    const r = await rereadServerConf(t.config.source!, t.config.plugins);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.restartNeeded, ['server.ca_ttl', 'plugins: KeyManager "memory" plugin_cmd', 'plugins: NodeAttestor "file" added']);
    assert.deepEqual(
      r.declarations?.map((d) => `${d.type}/${d.name} ${d.dataText}`),
      ['DataStore/sql greeting = "db"', 'NodeAttestor/inline greeting = "out"'],
    );
    await t.done();
  });

  it('a removed plugin, a switch to plugin_data_file and a new section are named too', async () => {
    const t = await setup();
    const text = conf(t.dir, { extra: '' })
      .replace(/NodeAttestor "inline" \{[^}]*\}\s*\}/, `NodeAttestor "inline" { plugin_data_file = "${t.dir}/na.conf" }`)
      .replace(/DataStore "sql" \{[^}]*\}\s*\}/, '');
    writeFileSync(t.path, `${text}\nhealth_checks {\n  listener_enabled = true\n}\n`);
    const r = await rereadServerConf(t.config.source!, t.config.plugins);
    assert.deepEqual(r.restartNeeded, ['health_checks', 'plugins: DataStore "sql" removed', 'plugins: NodeAttestor "inline" plugin_data/plugin_data_file']);
    await t.done();
  });

  it('SIGUSR1 work: logs the signal, warns about restart-only changes, reconfigures an inline plugin and refuses the DataStore', async () => {
    const t = await setup();
    writeFileSync(t.path, conf(t.dir, { caTtl: '48h', greeting: 'out', dsGreeting: 'db2' }));
    const results = await reconfigureFromServerConf(t.catalog, t.config, t.log);
    assert.deepEqual(results.map((r) => `${r.name} ${r.outcome}`), ['sql refused', 'memory unchanged', 'inline reconfigured']);
    assert.equal(await t.attestor().greet(), 'out');
    const msgs = t.records.map((r) => r.msg);
    assert.equal(msgs.filter((m) => m === 'Reconfigure signal received').length, 1);
    const warn = t.records.find((r) => r.msg === 'Configuration change not applied; restart the server to apply it');
    assert.equal(warn?.change, 'server.ca_ttl');
    await t.done();
  });

  it('a server.conf that now has problems is reported, and only plugin_data_file plugins are looked at', async () => {
    const t = await setup({ fileGreeter: true });
    writeFileSync(t.path, conf(t.dir, { greeting: 'out', fileGreeter: true }).replace('ca_ttl', 'ca_ttl = 3\n  bogus'));
    writeFileSync(join(t.dir, 'na.conf'), 'greeting = "two"');
    const results = await reconfigureFromServerConf(t.catalog, t.config, t.log);
    assert.deepEqual(results.map((r) => `${r.name} ${r.outcome}`), ['file reconfigured']);
    const err = t.records.find((r) => r.msg === 'Failed to read the server configuration again; only plugin_data_file changes are applied');
    assert.match(String(err?.error), /bogus/);
    await t.done();
  });

  it('a server not started from a file (no source) looks at plugin_data_file plugins only', async () => {
    const t = await setup();
    const { source: _source, ...noSource } = t.config;
    writeFileSync(t.path, conf(t.dir, { greeting: 'out' }));
    assert.deepEqual(await reconfigureFromServerConf(t.catalog, noSource, t.log), []);
    await t.done();
  });
});
