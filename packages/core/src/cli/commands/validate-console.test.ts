import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../test-support/run-in-process.js';

const BASE = `server {
  trust_domain = "example.org"
  data_dir = "./.data"
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "./.data/datastore.sqlite3"
    }
  }
  KeyManager "memory" {}
}
`;

function validate(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'spire-validate-console-'));
  writeFileSync(join(dir, 'server.conf'), text);
  return runInProcess(['validate', '-config', 'server.conf'], { cwd: dir }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('validate checks the console block, naming each key', async () => {
  const r = await validate(`${BASE}console {\n  bind_port = "x"\n  login_link_ttl = "-1m"\n}\n`);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'SPIRE server configuration file is invalid: server.conf:15: console.bind_port: expected an integer, got string "x"\n' +
      'SPIRE server configuration file is invalid: server.conf:16: console.login_link_ttl: must be a positive duration, got "-1m"\n',
  );
});

test('validate accepts a console block with its defaults', async () => {
  const r = await validate(`${BASE}console {}\n`);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'SPIRE server configuration file is valid.\n');
  assert.equal(r.code, 0);
});
