import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

test('flags win over the file', () => {
  const text = minimalConfig(`bind_address = "127.0.0.1"
bind_port = 1000
log_level = "WARN"
log_format = "text"
log_file = "/a.log"
socket_path = "/a.sock"`);
  const { config, problems } = parseServerConfigText(text, {
    filename: 'server.conf',
    cwd: '/cwd',
    flags: {
      bindAddress: '10.1.2.3',
      serverPort: 2000,
      dataDir: 'flagdata',
      logFile: '/b.log',
      logFormat: 'json',
      logLevel: 'error',
      logSourceLocation: true,
      socketPath: '/b.sock',
      trustDomain: 'flag.test',
    },
  });
  assert.deepEqual(problems, []);
  const s = config!.server;
  assert.deepEqual(
    [s.bindAddress, s.bindPort, s.dataDir, s.logFile, s.logFormat, s.logLevel, s.logSourceLocation, s.socketPath, s.trustDomain.name],
    ['10.1.2.3', 2000, '/cwd/flagdata', '/b.log', 'json', 'ERROR', true, '/b.sock', 'flag.test'],
  );
});

test('empty and zero flags do not override (as SPIRE merges them)', () => {
  const { config } = parseServerConfigText(minimalConfig('bind_port = 1000'), {
    filename: 'server.conf',
    flags: { serverPort: 0, trustDomain: '', logSourceLocation: false },
  });
  assert.deepEqual([config?.server.bindPort, config?.server.trustDomain.name], [1000, 'example.org']);
});

test('flags alone can supply the server section', () => {
  const { config, problems } = parseServerConfigText('plugins {}\n', {
    filename: 'server.conf',
    cwd: '/x',
    flags: { trustDomain: 'example.org', dataDir: '/data' },
  });
  assert.deepEqual(problems, []);
  assert.equal(config?.server.trustDomain.name, 'example.org');
});

test('a bad flag value is reported against its option and names the flag', () => {
  const { problems } = parseServerConfigText(minimalConfig(), {
    filename: 'server.conf',
    flags: { trustDomain: 'Bad Domain', logLevel: 'loud' },
  });
  assert.deepEqual(problems.map(formatProblem), [
    'server.trust_domain: could not parse trust_domain "Bad Domain": trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (set by -trustDomain)',
    'server.log_level: invalid log level "loud"; must be one of DEBUG, INFO, WARN or ERROR (set by -logLevel)',
  ]);
});

test('-expandEnv in flags turns on expansion', () => {
  const { config } = parseServerConfigText(minimalConfig('bind_address = "$ADDR"'), {
    filename: 'server.conf',
    flags: { expandEnv: true },
    env: { ADDR: '192.0.2.1' },
  });
  assert.equal(config?.server.bindAddress, '192.0.2.1');
});
