import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-support/run-cli.js';
import { runInProcess } from '../test-support/run-in-process.js';

// Configs and expected outputs from upstream's cmd/spire-server/cli/validate/validate_posix_test.go.
function serverConfigWithPlugins(plugins: string): string {
  return `server {\n\ttrust_domain = "example.org"\n  data_dir = "/opt/spire/server/data"\n}\n\nplugins {\n${plugins}\n}\n`;
}
const DS_AND_KM = `
DataStore "sql" {
    plugin_data {
        database_type = "sqlite3"
        connection_string = "/some/path/to/the/datastore.sqlite3"
    }
}
KeyManager "memory" {
    plugin_data = {}
}
`;

function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'spire-validate-shapes-'));
  writeFileSync(join(dir, 'server.conf'), text);
  return join(dir, 'server.conf');
}

test('validate: a config that does not load gets upstream\'s one line, "SPIRE server configuration file is invalid: <err>"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-validate-shapes-'));
  const missing = await runInProcess(['validate', '-config', join(dir, 'nope.conf')]);
  assert.deepEqual(missing, {
    code: 1,
    stdout: '',
    stderr: `SPIRE server configuration file is invalid: could not find config file ${join(dir, 'nope.conf')}: please use the -config flag\n`,
  });
  // Every problem is reported, each in that shape, and nothing more.
  const conf = writeConfig('server {\n  trust_domain = "example.org"\n  data_dir = "/d"\n  ca_ttl = "6x"\n  bogus_key = true\n}\nplugins {}\n');
  const broken = await runInProcess(['validate', '-config', conf]);
  assert.deepEqual(broken, {
    code: 1,
    stdout: '',
    stderr: [
      `SPIRE server configuration file is invalid: ${conf}:4: server.ca_ttl: invalid duration "6x"`,
      `SPIRE server configuration file is invalid: ${conf}:5: server.bogus_key: unknown option`,
      '',
    ].join('\n'),
  });
});

test('validate: a plugin that cannot be loaded gets "Could not validate configuration file: <err>", without a newline', async () => {
  const r = await runCli(['validate', '-config', writeConfig(serverConfigWithPlugins(`${DS_AND_KM}\nUpstreamAuthority "thisdoesnotexist" {\n\tplugin_data = {}\n}\n`))]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Could not validate configuration file: no built-in plugin "thisdoesnotexist" for type "UpstreamAuthority"; known UpstreamAuthority plugins are: [^\n]+$/);
});

test('validate: plugin problems are grouped under the plugin, as upstream prints its notes', async () => {
  const bad = await runCli([
    'validate',
    '-config',
    writeConfig(serverConfigWithPlugins(`${DS_AND_KM}\nNodeAttestor "x509pop" {\n\tplugin_data = {\n\t}\n}\n\nUpstreamAuthority "disk" {\n\tplugin_data = {\n\t\tcert_file_path = "some/file/some/where"\n\t}\n}\n`)),
  ]);
  assert.deepEqual(bad, {
    code: 1,
    stdout: '',
    stderr:
      'SPIRE server configuration file is invalid.\nValidation errors:\n' +
      '\tNodeAttestor "x509pop":\n\t\tone of ca_bundle_path or ca_bundle_paths must be configured\n' +
      '\tUpstreamAuthority "disk":\n\t\t\'cert_file_path\' and \'key_file_path\' must be set and not empty\n',
  });
  const empty = await runCli(['validate', '-config', writeConfig(serverConfigWithPlugins(''))]);
  assert.deepEqual(empty, {
    code: 1,
    stdout: '',
    stderr:
      'SPIRE server configuration file is invalid.\nValidation errors:\n' +
      '\tDataStore "sql":\n\t\t\'datastore\' must be configured\n' +
      '\tKeyManager:\n\t\tconstraint not satisfied: expected exactly 1 but got 0\n',
  });
});

test('run: an invalid config prints the problem bare, as upstream, with no Error line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-shapes-'));
  const r = await runInProcess(['run', '-config', join(dir, 'nope.conf')]);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: `could not find config file ${join(dir, 'nope.conf')}: please use the -config flag\n` });
  const flag = await runInProcess(['run', '-bogus']);
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /^flag provided but not defined: -bogus\nUsage of run:\n[^]*\nflag provided but not defined: -bogus\n$/);
});
