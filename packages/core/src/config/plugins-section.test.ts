import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

function load(plugins: string, cwd = '/') {
  return parseServerConfigText(minimalConfig('', plugins), { filename: 'server.conf', cwd });
}

test('plugin_data as a block, an object, a string of HCL, a heredoc, or absent', () => {
  const { config, problems } = load(`
  A "block" { plugin_data { x = 1 } }
  A "object" { plugin_data = { x = 2 } }
  A "string" { plugin_data = "x = 3\\ny = \\"s\\"" }
  A "heredoc" {
    plugin_data = <<HCL
x = 4
nested { z = true }
HCL
  }
  A "none" {}
  A "empty" { plugin_data {} }
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    config!.plugins.map((p) => [p.name, p.data, p.dataText]),
    [
      // dataText is what SPIRE sends to external plugins: the value printed by HCL 1's printer.
      ['block', { x: 1 }, 'x = 1'],
      ['object', { x: 2 }, 'x = 2'],
      ['string', { x: 3, y: 's' }, '"x = 3\\ny = \\"s\\""'],
      ['heredoc', { x: 4, nested: { z: true } }, '<<HCL\nx = 4\nnested { z = true }\nHCL'],
      ['none', {}, ''],
      ['empty', {}, ''],
    ],
  );
});

test('plugin_data_file is read relative to the working directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-cfg-'));
  writeFileSync(join(dir, 'p.conf'), 'keys_path = "k.json"\n');
  const { config, problems } = load('KeyManager "disk" { plugin_data_file = "p.conf" }', dir);
  assert.deepEqual(problems, []);
  const p = config!.plugins[0]!;
  assert.deepEqual([p.data, p.dataText, p.dataFile], [{ keys_path: 'k.json' }, 'keys_path = "k.json"\n', join(dir, 'p.conf')]);
});

test('plugin data problems name the plugin option', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-cfg-'));
  writeFileSync(join(dir, 'bad.conf'), 'a = 1\nb = [\n');
  const { problems } = load(
    `
  A "both" {
    plugin_data { x = 1 }
    plugin_data_file = "x.conf"
  }
  A "missing" { plugin_data_file = "nope.conf" }
  A "badfile" { plugin_data_file = "bad.conf" }
  A "badstring" { plugin_data = "x = = 1" }
  A "list" { plugin_data = [1] }
  A "typo" { plugin_dat { } }
  A "flags" { enabled = "sometimes" }
`,
    dir,
  );
  assert.deepEqual(problems.map(formatProblem), [
    'server.conf:10: plugins.A.both.plugin_data_file: only one of [plugin_data, plugin_data_file] can be used',
    `server.conf:12: plugins.A.missing.plugin_data_file: failed to read plugin configuration: ENOENT: no such file or directory, open '${join(dir, 'nope.conf')}'`,
    "server.conf:13: plugins.A.badfile.plugin_data_file: bad.conf:3:1: expected a value (string, number, bool, list or object), got end of file",
    "server.conf:14: plugins.A.badstring.plugin_data: syntax error at line 1, column 5 of the string: expected a value (string, number, bool, list or object), got '='",
    'server.conf:15: plugins.A.list.plugin_data: expected a block { ... } or a string of HCL',
    'server.conf:16: plugins.A.typo.plugin_dat: unknown option',
    'server.conf:17: plugins.A.flags.enabled: expected a bool, got string "sometimes"',
  ]);
});

test('the same plugin twice is declared more than once; same type different names is fine', () => {
  const { problems } = load(`
  NodeAttestor "join_token" {}
  NodeAttestor "x509pop" {}
  NodeAttestor "join_token" { enabled = false }
`);
  assert.deepEqual(problems.map(formatProblem), ['server.conf:10: plugins.NodeAttestor.join_token: declared more than once']);
});

test('declarations keep config-file order across types, and nested forms are accepted', () => {
  const { config, problems } = load(`
  NodeAttestor "b" {}
  KeyManager "disk" {}
  NodeAttestor "a" {}
  Notifier { n1 { plugin_data { k = 1 } } }
  "UpstreamAuthority" "disk" plugin_data { cert_file_path = "c" }
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    config!.plugins.map((p) => `${p.type}/${p.name}`),
    ['NodeAttestor/b', 'KeyManager/disk', 'NodeAttestor/a', 'Notifier/n1', 'UpstreamAuthority/disk'],
  );
  assert.deepEqual(config!.plugins[4]!.data, { cert_file_path: 'c' });
});

test('plugin_cmd, plugin_args, plugin_checksum and enabled', () => {
  const { config } = load('NodeAttestor "ext" {\n plugin_cmd = "/bin/p"\n plugin_args = ["-a", "b"]\n plugin_checksum = "ab12"\n enabled = false\n}');
  const p = config!.plugins[0]!;
  assert.deepEqual([p.pluginCmd, p.pluginArgs, p.pluginChecksum, p.enabled], ['/bin/p', ['-a', 'b'], 'ab12', false]);
});

test('plugin_checksum and plugin_args without plugin_cmd are refused by name; an empty checksum or list is not', () => {
  const { problems } = load('KeyManager "disk" {\n plugin_checksum = "0123abcd"\n plugin_args = ["-v"]\n}');
  const why = 'applies only to an external plugin (plugin_cmd); a built-in plugin has no binary to check or start, so remove it';
  assert.deepEqual(problems.map(formatProblem), [
    `server.conf:8: plugins.KeyManager.disk.plugin_checksum: ${why}`,
    `server.conf:9: plugins.KeyManager.disk.plugin_args: ${why}`,
  ]);
  assert.deepEqual(load('KeyManager "disk" {\n plugin_checksum = ""\n plugin_args = []\n}').problems, []);
});

test('several plugins blocks are read together; a plugin in two of them is declared twice', () => {
  const ok = parseServerConfigText(`${minimalConfig('', 'DataStore "sql" {}')}plugins {\n  KeyManager "disk" {}\n}\n`, { filename: 'server.conf' });
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.config!.plugins.map((p) => `${p.type}/${p.name}`), ['DataStore/sql', 'KeyManager/disk']);
  const dup = parseServerConfigText(`${minimalConfig('', 'DataStore "sql" {}')}plugins {\n  DataStore "sql" {}\n}\n`, { filename: 'server.conf' });
  assert.deepEqual(dup.problems.map(formatProblem), ['server.conf:10: plugins.DataStore.sql: plugin "DataStore"/"sql" declared more than once']);
});
