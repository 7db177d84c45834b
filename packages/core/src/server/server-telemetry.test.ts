import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInProcess } from '../cli/test-support/run-in-process.js';
import { VERSION } from '../version.js';
import { freePort, startRealServer } from './real-server.test-support.js';

test('telemetry.Prometheus serves started, uptime and the rpc call counters of an entry create', async () => {
  const port = await freePort();
  const { server, socketPath, dir } = await startRealServer({ blocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${port}\n  }\n  EnableHostnameLabel = false\n}` });
  try {
    assert.equal(server.metricsPort, port);
    const r = await runInProcess(['entry', 'create', '-socketPath', socketPath, '-parentID', 'spiffe://example.org/agent', '-spiffeID', 'spiffe://example.org/w', '-selector', 'unix:uid:1'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const health = await runInProcess(['healthcheck', '-socketPath', socketPath], { cwd: dir });
    assert.equal(health.code, 0, health.stderr);
    const missing = await runInProcess(['entry', 'show', '-socketPath', socketPath, '-entryID', 'no-such-entry'], { cwd: dir });
    assert.notEqual(missing.code, 0);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    const v = VERSION.replace(/\W+_?/g, '_');
    assert.match(text, new RegExp(`^spire_server_started\\{trust_domain_id="example_org",version="${v}"\\} 1$`, 'm'));
    assert.match(text, /^spire_server_uptime_in_ms \d+$/m);
    assert.match(text, /^# TYPE spire_server_rpc_entry_v1_entry_batch_create_entry counter$/m);
    assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time_count\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_rpc_entry_v1_entry_get_entry\{status="NotFound"\} 1$/m, 'a failed call is counted under its code name');
    assert.match(text, /^process_cpu_seconds_total /m, "prom-client's process metrics are exported too");
    // The CA manager's series, from the start-up prepare and activate (SPIRE's names).
    assert.match(text, /^spire_server_ca_manager_x509_ca_prepare\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_ca_manager_jwt_key_prepare\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_ca_manager_x509_ca_activate 1$/m);
    assert.match(text, /^spire_server_manager_jwt_key_activate 1$/m);
    const ttl = /^spire_server_manager_x509_ca_rotate_ttl\{trust_domain_id="example_org"\} (\S+)$/m.exec(text);
    assert.ok(ttl && Number(ttl[1]) > 23 * 3600 && Number(ttl[1]) <= 24 * 3600, `rotate_ttl: the new CA's remaining seconds (ca_ttl 24h): ${ttl?.[1]}`);
    assert.match(text, /^spire_server_manager_x509_ca_rotate_expiration\{trust_domain_id="example_org"\} \d+$/m);
    // Every DataStore call, as SPIRE's datastore wrapper names it.
    assert.match(text, /^spire_server_datastore_registration_entry_create\{status="OK"\} [1-9]\d*$/m);
    assert.match(text, /^spire_server_datastore_registration_entry_fetch\{status="OK"\} [1-9]\d*$/m);
    assert.match(text, /^spire_server_datastore_bundle_append_elapsed_time_count\{status="OK"\} [1-9]\d*$/m);
    assert.match(text, /^spire_server_datastore_ca_journal_set\{status="OK"\} [1-9]\d*$/m);
    // The CA: the server's own SVID and the KeyManager calls behind the CA's keys.
    assert.match(text, /^spire_server_server_ca_sign_x509_svid [1-9]\d*$/m);
    assert.match(text, /^spire_server_svid_rotate\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_server_key_manager_generate_key\{status="OK"\} 2$/m, 'one X.509 CA key and one JWT key');
    // Node's figures under SPIRE's runtime names.
    assert.match(text, /^spire_server_runtime_alloc_bytes \d+$/m);
    assert.match(text, /^spire_server_runtime_num_goroutines \d+$/m);
    // grpc.health.v1 Check on the admin socket (the `server` health check's GetBundle is rpc.bundle).
    assert.match(text, /^spire_server_rpc_health_check\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_rpc_bundle_v1_bundle_get_bundle\{status="OK"\} [1-9]\d*$/m);
  } finally {
    await server.stop();
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the listener stops with the server');
});

test('without a telemetry sink no metrics listener runs', async () => {
  const { server } = await startRealServer();
  try {
    assert.equal(server.metricsPort, undefined);
  } finally {
    await server.stop();
  }
});
