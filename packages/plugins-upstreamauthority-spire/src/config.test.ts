import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseSpireUpstreamConfig } from './config.js';

const ok = { server_address: 'upstream', server_port: '8081', workload_api_socket: '/run/agent.sock' };

describe('spire UpstreamAuthority configuration', () => {
  it("reads SPIRE's options", () => {
    assert.deepEqual(parseSpireUpstreamConfig(ok), { config: { serverAddress: 'upstream', serverPort: '8081', workloadApiSocket: '/run/agent.sock' }, problems: [] });
  });

  it('takes a numeric port as HCL does and makes the socket path absolute', () => {
    const r = parseSpireUpstreamConfig({ ...ok, server_port: 8081, workload_api_socket: 'agent.sock' });
    assert.deepEqual(r.config, { serverAddress: 'upstream', serverPort: '8081', workloadApiSocket: resolve('agent.sock') });
  });

  it('names every missing option', () => {
    assert.deepEqual(parseSpireUpstreamConfig({}).problems, ['server_address is required', 'server_port is required', 'workload_api_socket is required']);
  });

  it("refuses the Windows named pipe with SPIRE's message", () => {
    assert.deepEqual(parseSpireUpstreamConfig({ ...ok, experimental: { workload_api_named_pipe_name: '\\spire-agent\\public\\api' } }).problems, [
      'configuration: workload_api_named_pipe_name is not supported on this platform; please use workload_api_socket instead',
    ]);
  });

  it('refuses require_pq_kem, which this TLS stack cannot honour, and accepts it false', () => {
    assert.deepEqual(parseSpireUpstreamConfig({ ...ok, experimental: { require_pq_kem: true } }).problems, [
      `experimental.require_pq_kem is not supported: Node.js ${process.versions.node} with OpenSSL ${process.versions.openssl} cannot require a post-quantum key exchange`,
    ]);
    assert.deepEqual(parseSpireUpstreamConfig({ ...ok, experimental: { require_pq_kem: false } }).problems, []);
  });

  it('refuses unknown options, also in the experimental block', () => {
    assert.deepEqual(parseSpireUpstreamConfig({ ...ok, server_addr: 'x', experimental: { other: 1 } }).problems, ['unknown option server_addr', 'unknown option experimental.other']);
  });
});
