import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

function load(block: string) {
  const r = parseServerConfigText(`${minimalConfig()}${block}`, { filename: 'server.conf', cwd: '/etc/spire' });
  return { config: r.config, problems: r.problems.map(formatProblem) };
}

test('without a console block the console is off', () => {
  const { config, problems } = load('');
  assert.deepEqual(problems, []);
  assert.equal(config?.console, undefined);
});

test('an empty console block takes every default (loopback, 8444, 15m idle, 5m links)', () => {
  const { config, problems } = load('console {}\n');
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.console, { bindAddress: '127.0.0.1', bindPort: 8444, sessionIdleTimeoutMs: 900_000, loginLinkTtlMs: 300_000 });
});

test('every key is read; relative certificate paths resolve against the working directory', () => {
  const { config, problems } = load(`console {
  bind_address = "[::1]"
  bind_port = 9000
  cert_file = "console.crt"
  key_file = "/keys/console.key"
  session_idle_timeout = "1h"
  login_link_ttl = "30s"
  public_url = "https://console.example.org:9000/"
}
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.console, {
    bindAddress: '::1',
    bindPort: 9000,
    certFile: '/etc/spire/console.crt',
    keyFile: '/keys/console.key',
    sessionIdleTimeoutMs: 3_600_000,
    loginLinkTtlMs: 30_000,
    publicUrl: 'https://console.example.org:9000',
  });
});

test('every problem of the block is reported at once, each naming its key', () => {
  const { problems } = load(`console {
  bind_address = "not an ip"
  bind_port = 70000
  cert_file = "c.pem"
  session_idle_timeout = "0s"
  login_link_ttl = "soon"
  public_url = "http://x"
  colour = "blue"
}
`);
  assert.deepEqual(problems, [
    'server.conf:9: console.key_file: must be configured when cert_file is set',
    'server.conf:10: console.bind_address: must be an IP address or localhost, got "not an ip"',
    'server.conf:11: console.bind_port: 70000 is out of range [0, 65535]',
    'server.conf:13: console.session_idle_timeout: must be a positive duration, got "0s"',
    'server.conf:14: console.login_link_ttl: invalid duration "soon"',
    'server.conf:15: console.public_url: must be an https:// URL, got "http://x"',
    'server.conf:16: console.colour: unknown option',
  ]);
});

test('key_file without cert_file names cert_file', () => {
  const { problems } = load('console {\n  key_file = "k.pem"\n}\n');
  assert.deepEqual(problems, ['server.conf:9: console.cert_file: must be configured when key_file is set']);
});
