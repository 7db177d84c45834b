import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenName, metricKeyPart, rpcMetricKey, sanitizeLabel } from './metric-names.js';

test("method names become SPIRE's snake_case key parts", () => {
  const cases: [string, string][] = [
    ['BatchCreateEntry', 'batch_create_entry'],
    ['BatchNewX509SVID', 'batch_new_x509svid'],
    ['NewJWTSVID', 'new_jwtsvid'],
    ['TrustDomain', 'trust_domain'],
    ['LocalAuthority', 'local_authority'],
    ['GetInfo', 'get_info'],
    ['AttestAgent', 'attest_agent'],
    ['v1', 'v1'],
    ['x-y', 'x_y'],
  ];
  for (const [input, want] of cases) assert.equal(metricKeyPart(input), want, input);
});

test('RPC paths become rpc keys, with the server prefix stripped and the short service names', () => {
  assert.deepEqual(rpcMetricKey('/spire.api.server.entry.v1.Entry/BatchCreateEntry'), ['entry', 'v1', 'entry', 'batch_create_entry']);
  assert.deepEqual(rpcMetricKey('/spire.api.server.trustdomain.v1.TrustDomain/ListFederationRelationships'), ['trustdomain', 'v1', 'trust_domain', 'list_federation_relationships']);
  assert.deepEqual(rpcMetricKey('/spire.api.server.svid.v1.SVID/BatchNewX509SVID'), ['svid', 'v1', 'svid', 'batch_new_x509svid']);
  assert.deepEqual(rpcMetricKey('/spire.api.server.logger.v1.Logger/SetLogLevel'), ['logger', 'set_log_level']);
  assert.deepEqual(rpcMetricKey('/grpc.health.v1.Health/Check'), ['health', 'check']);
  assert.deepEqual(rpcMetricKey('/spire.api.server.debug.v1.Debug/GetInfo'), ['debug', 'v1', 'debug', 'get_info']);
  assert.deepEqual(rpcMetricKey('/x.Workload/SubscribeToX509SVIDs'), ['x', 'workload', 'subscribe_to_x509_svids']);
});

test('keys flatten with _ and keep their case; labels are sanitized', () => {
  assert.equal(flattenName(['spire_server', 'rpc', 'entry', 'v1']), 'spire_server_rpc_entry_v1');
  assert.equal(flattenName(['spire_server', 'rateLimit', 'a.b', 'c-d', 'e/f', 'g h', 'i=j']), 'spire_server_rateLimit_a_b_c_d_e_f_g_h_i_j');
  assert.equal(sanitizeLabel('spiffe://something.something/something.else'), 'spiffe_something_something_something_else');
  assert.equal(sanitizeLabel('trailing/\\-$^_s'), 'trailing_s');
  assert.equal(sanitizeLabel('example.org'), 'example_org');
  assert.equal(sanitizeLabel('OK'), 'OK');
});
