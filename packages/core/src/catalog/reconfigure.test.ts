import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from './catalog.js';
import { pluginDataHash } from './config-hash.js';
import type { ReconfigurableDescriptor } from './reconfigure.js';
import { createServiceContainer } from '../di/service-container.js';
import { Code, spireError } from '../errors.js';
import { DATA_STORE } from '../plugins/datastore/contract.js';
import { NODE_ATTESTORS } from '../plugins/nodeattestor/contract.js';
import type { PluginConfig } from '../config/plugin-config.js';
import { core, entry, fileDecl, greeter, inlineDecl, recordingLog, tempDir, type Greeter } from './reconfigure.test-support.js';

/** A catalog of greeters: DataStore "sql" and NodeAttestor "file" from files, KeyManager "memory" and NodeAttestor "inline" inline. */
async function setup(extra: ReconfigurableDescriptor[] = [], extraDecls: PluginConfig[] = []) {
  const dir = tempDir();
  const journal: string[] = [];
  const { log, records } = recordingLog();
  const builtins = [greeter('DataStore', 'sql', journal), greeter('KeyManager', 'memory', journal), greeter('NodeAttestor', 'file', journal), greeter('NodeAttestor', 'inline', journal)].map(entry);
  const files = { ds: join(dir, 'ds.conf'), na: join(dir, 'na.conf') };
  const decls = [
    fileDecl('DataStore', 'sql', files.ds, 'greeting = "db"\n', { greeting: 'db' }),
    inlineDecl('KeyManager', 'memory', '', {}),
    fileDecl('NodeAttestor', 'file', files.na, 'greeting = "one"\n', { greeting: 'one' }),
    inlineDecl('NodeAttestor', 'inline', 'greeting = "in"', { greeting: 'in' }),
    ...extraDecls,
  ];
  const c = createServiceContainer();
  const externalLoader = async (cfg: PluginConfig) => extra.find((d) => d.name === cfg.name)!;
  const catalog = await Catalog.load(decls, c, { core, log, host: {}, builtins, externalLoader });
  const attestor = (name: string) => c.resolve(NODE_ATTESTORS)[['file', 'inline', ...extra.map((d) => d.name)].indexOf(name)] as unknown as Greeter;
  const logs = (msg: string) => records.filter((r) => r.msg === msg);
  return { dir, files, journal, records, logs, catalog, attestor, ds: () => c.resolve(DATA_STORE) as unknown as Greeter, done: () => catalog.close().then(() => rmSync(dir, { recursive: true, force: true })) };
}

describe('catalog reconfiguration', () => {
  it('hashes data as SPIRE does: the first 16 bytes of SHA-512, hex', () => {
    assert.equal(pluginDataHash(''), 'cf83e1357eefb8bdf1542850d66d8007');
  });

  it('a changed plugin_data_file reconfigures the plugin: the new config takes effect, the old instance is closed', async () => {
    const t = await setup();
    writeFileSync(t.files.na, 'greeting = "two"\n');
    const results = await t.catalog.reconfigure();
    assert.deepEqual(results.map((r) => `${r.type}/${r.name} ${r.outcome}`), ['DataStore/sql unchanged', 'NodeAttestor/file reconfigured']);
    assert.equal(await t.attestor('file').greet(), 'two');
    assert.deepEqual(t.journal.slice(-2), ['create two', 'close one']);
    const [rec] = t.logs('Plugin reconfigured');
    assert.equal(rec?.plugin_type, 'NodeAttestor');
    assert.equal(rec?.plugin_name, 'file');
    assert.equal(rec?.old_hash, pluginDataHash('greeting = "one"\n'));
    assert.equal(rec?.new_hash, pluginDataHash('greeting = "two"\n'));
    await t.done();
  });

  it('an unchanged file is not reconfigured, and says so with its hash', async () => {
    const t = await setup();
    const created = t.journal.length;
    await t.catalog.reconfigure();
    const [rec] = t.logs('Plugin not reconfigured since the config is unchanged');
    assert.equal(rec?.plugin_name, 'file');
    assert.equal(rec?.hash, pluginDataHash('greeting = "one"\n'));
    assert.equal(t.journal.length, created);
    assert.equal(t.logs('Plugin reconfigured').length, 0);
    await t.done();
  });

  it('refused data (parseConfig or create) leaves the old config working, logs the error, and is tried again next time', async () => {
    const t = await setup();
    writeFileSync(t.files.na, 'greeting = "bad"\n');
    const [r1] = (await t.catalog.reconfigure()).filter((r) => r.name === 'file');
    assert.equal(r1?.outcome, 'failed');
    assert.equal(r1?.error, 'plugin NodeAttestor "file" has an invalid configuration: greeting must not be "bad"');
    assert.equal(r1?.hash, pluginDataHash('greeting = "one"\n'));
    writeFileSync(t.files.na, 'fail_create = true\n');
    const [r2] = (await t.catalog.reconfigure()).filter((r) => r.name === 'file');
    assert.equal(r2?.error, 'nodeattestor(file): cannot start with fail_create');
    assert.deepEqual(t.logs('Failed to reconfigure plugin').map((r) => [r.plugin_name, r.error]), [
      ['file', r1?.error],
      ['file', r2?.error],
    ]);
    assert.equal(await t.attestor('file').greet(), 'one');
    assert.ok(!t.journal.includes('close one'));
    await t.done();
  });

  it('an unreadable or malformed file is logged and the old config kept', async () => {
    const t = await setup();
    rmSync(t.files.na);
    const [r1] = (await t.catalog.reconfigure()).filter((r) => r.name === 'file');
    assert.equal(r1?.outcome, 'failed');
    assert.match(r1?.error ?? '', /^failed to load plugin data: ENOENT: no such file or directory/);
    writeFileSync(t.files.na, 'greeting = \n');
    const [r2] = (await t.catalog.reconfigure()).filter((r) => r.name === 'file');
    assert.equal(r2?.outcome, 'failed');
    assert.equal(t.logs('Failed to reconfigure plugin').length, 2);
    assert.equal(await t.attestor('file').greet(), 'one');
    await t.done();
  });

  it('the DataStore is never reconfigured: a change is refused with a warning naming it', async () => {
    const t = await setup();
    writeFileSync(t.files.ds, 'greeting = "other db"\n');
    const [r] = (await t.catalog.reconfigure()).filter((x) => x.type === 'DataStore');
    assert.equal(r?.outcome, 'refused');
    const [w] = t.logs('The DataStore is not reconfigurable; its new configuration is not applied until the server restarts');
    assert.deepEqual([w?.level, w?.plugin_type, w?.plugin_name, w?.new_hash], [40, 'DataStore', 'sql', pluginDataHash('greeting = "other db"\n')]);
    assert.equal(await t.ds().greet(), 'db');
    assert.equal(t.journal.filter((j) => j === 'create other db').length, 0);
    await t.done();
  });

  it('inline plugin_data from a re-read server.conf reconfigures the plugin; absent declarations change nothing', async () => {
    const t = await setup();
    const declarations = [inlineDecl('NodeAttestor', 'inline', 'greeting = "out"', { greeting: 'out' }), inlineDecl('KeyManager', 'memory', '', {})];
    const results = await t.catalog.reconfigure({ declarations });
    assert.deepEqual(results.map((r) => `${r.name} ${r.outcome}`), ['sql unchanged', 'memory unchanged', 'file unchanged', 'inline reconfigured']);
    assert.equal(await t.attestor('inline').greet(), 'out');
    assert.deepEqual((await t.catalog.reconfigure()).map((r) => r.name), ['sql', 'file']);
    await t.done();
  });

  it('data written differently but meaning the same is recorded without a new instance (in-memory state survives)', async () => {
    const t = await setup();
    const created = t.journal.length;
    const [r] = (await t.catalog.reconfigure({ declarations: [inlineDecl('NodeAttestor', 'inline', 'greeting = "in" # same', { greeting: 'in' })] })).filter((x) => x.name === 'inline');
    assert.equal(r?.outcome, 'reconfigured');
    assert.equal(r?.hash, pluginDataHash('greeting = "in" # same'));
    assert.equal(t.journal.length, created);
    await t.done();
  });

  it("an external plugin is sent its new data text through its descriptor's reconfigure; a refusal keeps the old", async () => {
    const sent: string[] = [];
    const ext: ReconfigurableDescriptor = {
      ...greeter('NodeAttestor', 'ext', []),
      parseConfig: () => ({ config: {}, problems: [] }),
      async reconfigure(next) {
        if (next.dataText.includes('nope')) throw spireError(Code.INVALID_ARGUMENT, 'plugin says no');
        sent.push(next.dataText);
      },
    };
    const t = await setup([ext], [{ ...inlineDecl('NodeAttestor', 'ext', 'a = 1', {}), pluginCmd: '/bin/ext' }]);
    await t.catalog.reconfigure({ declarations: [{ ...inlineDecl('NodeAttestor', 'ext', 'a = 2', { a: 2 }), pluginCmd: '/bin/ext' }] });
    assert.deepEqual(sent, ['a = 2']);
    const [r] = (await t.catalog.reconfigure({ declarations: [inlineDecl('NodeAttestor', 'ext', 'nope', {})] })).filter((x) => x.name === 'ext');
    assert.deepEqual([r?.outcome, r?.error, r?.hash], ['failed', 'plugin says no', pluginDataHash('a = 2')]);
    await t.done();
  });

  it('runs one reconfiguration at a time and does nothing once closed', async () => {
    const t = await setup();
    writeFileSync(t.files.na, 'greeting = "two"\n');
    const [a, b] = await Promise.all([t.catalog.reconfigure(), t.catalog.reconfigure()]);
    assert.deepEqual([a.find((r) => r.name === 'file')?.outcome, b.find((r) => r.name === 'file')?.outcome], ['reconfigured', 'unchanged']);
    await t.done();
    assert.deepEqual(await t.catalog.reconfigure(), []);
  });
});
