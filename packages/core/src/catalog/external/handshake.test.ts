import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../errors.js';
import { handshakeEnv, parseHandshakeLine } from './handshake.js';

describe('go-plugin handshake', () => {
  it('parses the line a Go (or SDK) plugin prints for a Unix socket', () => {
    assert.deepEqual(parseHandshakeLine('1|1|unix|/tmp/plugin123|grpc|\n'), {
      network: 'unix',
      address: '/tmp/plugin123',
      target: 'unix:///tmp/plugin123',
    });
  });

  it('accepts TCP, and the optional multiplexing field', () => {
    assert.deepEqual(parseHandshakeLine('1|1|tcp|127.0.0.1:10000|grpc||true'), {
      network: 'tcp',
      address: '127.0.0.1:10000',
      target: '127.0.0.1:10000',
    });
  });

  const bad: [string, string][] = [
    ['hello world', 'failed to launch plugin: unrecognized remote plugin message; handshake line was "hello world"'],
    ['2|1|unix|/x|grpc|', 'failed to launch plugin: incompatible core API version with plugin: plugin version 2, core version 1; handshake line was "2|1|unix|/x|grpc|"'],
    ['1|2|unix|/x|grpc|', 'failed to launch plugin: incompatible API version with plugin: plugin version 2, client versions [1]; handshake line was "1|2|unix|/x|grpc|"'],
    ['1|1|unix|/x|netrpc|', 'failed to launch plugin: unsupported plugin protocol "netrpc"; supported: [grpc]; handshake line was "1|1|unix|/x|netrpc|"'],
    ['1|1|unix|/x', 'failed to launch plugin: unsupported plugin protocol "netrpc"; supported: [grpc]; handshake line was "1|1|unix|/x"'],
    ['1|1|pipe|/x|grpc|', 'failed to launch plugin: unknown address type: /x; handshake line was "1|1|pipe|/x|grpc|"'],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${JSON.stringify(line)}`, () => {
      assert.throws(() => parseHandshakeLine(line), { code: Code.FAILED_PRECONDITION, message });
    });
  }

  it('sets the magic cookie named after the plugin type, as SPIRE does', () => {
    assert.deepEqual(handshakeEnv('KeyManager', '/tmp/d'), {
      KeyManager: 'KeyManager',
      PLUGIN_MIN_PORT: '10000',
      PLUGIN_MAX_PORT: '25000',
      PLUGIN_PROTOCOL_VERSIONS: '1',
      PLUGIN_UNIX_SOCKET_DIR: '/tmp/d',
    });
  });
});
