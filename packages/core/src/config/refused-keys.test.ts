import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { namedPipeProblem } from './experimental-section.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

// Keys this server reads but cannot act on: each is refused by name rather than ignored.

function problems(serverExtra: string): string[] {
  return parseServerConfigText(minimalConfig(serverExtra), { filename: 'server.conf' }).problems.map(formatProblem);
}

test('proxy_protocol_trusted_cidrs is refused unless empty (PROXY headers are not read)', () => {
  assert.deepEqual(problems('  proxy_protocol_trusted_cidrs = ["10.0.0.0/8", "fd00::/8"]'), [
    'server.conf:4: server.proxy_protocol_trusted_cidrs: PROXY protocol is not implemented by this server (the server API does not read PROXY headers); remove it or leave it empty',
  ]);
  assert.deepEqual(problems('  proxy_protocol_trusted_cidrs = []'), []);
});

test('experimental.require_pq_kem = true is refused (no post-quantum key exchange); false is accepted', () => {
  assert.deepEqual(problems('  experimental {\n    require_pq_kem = true\n  }'), [
    "server.conf:5: server.experimental.require_pq_kem: post-quantum key exchange is not implemented by this server's TLS listeners; remove it or set it to false",
  ]);
  assert.deepEqual(problems('  experimental {\n    require_pq_kem = false\n  }'), []);
});

test('wit_key_type, wit_issuer and the "wit-svid" feature flag are refused (WIT-SVIDs are not implemented)', () => {
  const why = 'WIT-SVIDs are not implemented by this server (the SVID API answers Unimplemented); remove it';
  assert.deepEqual(problems('  experimental {\n    wit_key_type = "ec-p256"\n    wit_issuer = "https://wit.example.org"\n    feature_flags = ["wit-svid"]\n  }'), [
    `server.conf:5: server.experimental.wit_key_type: ${why}`,
    `server.conf:6: server.experimental.wit_issuer: ${why}`,
    `server.conf:7: server.experimental.feature_flags: feature flag "wit-svid": ${why}`,
  ]);
  assert.deepEqual(problems('  experimental {\n    feature_flags = ["i_am_a_test_flag"]\n  }'), []);
});

test('experimental.named_pipe_name is refused on every platform (no named pipe listener)', () => {
  assert.deepEqual(problems('  experimental {\n    named_pipe_name = "\\\\spire-server\\\\private\\\\api"\n  }'), [
    `server.conf:5: server.experimental.named_pipe_name: ${namedPipeProblem(process.platform)}`,
  ]);
  assert.equal(namedPipeProblem('linux'), 'named_pipe_name is not supported in this platform; please use socket_path instead');
  assert.equal(namedPipeProblem('win32'), 'named_pipe_name is not supported by this server; please use socket_path instead');
});
