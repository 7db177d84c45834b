import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTestMetrics } from '../telemetry/index.js';
import { makeCsr } from './ports.fake.js';
import { startHarness } from './testing/harness.js';

test("every pass through a rate limiter is counted as SPIRE's rateLimit.<service>.<method>", async () => {
  const { sink, metrics } = prometheusTestMetrics();
  const h = await startHarness({ metrics });
  try {
    const agentId = 'spiffe://example.org/spire/agent/x/rl';
    const svid = await h.ca.issue(agentId);
    await h.ds.createAttestedNode({ spiffeId: agentId, attestationDataType: 'x', certSerialNumber: svid.serial, certNotAfter: 0, newCertSerialNumber: '', newCertNotAfter: 0, canReattest: false, agentVersion: '', selectors: [] });
    const csr = (await makeCsr()).der;
    const params = Array.from({ length: 501 }, () => ({ entry_id: 'e', csr }));
    await assert.rejects(h.tcp('svid', svid).call('BatchNewX509SVID', { params }), { code: 8 });
    await h.tcp('svid', svid).call('BatchNewX509SVID', { params: params.slice(0, 3) });
    await h.tcp('entry', svid).call('GetAuthorizedEntries', {});
    const text = await sink.text();
    assert.match(text, /^spire_server_rateLimit_svid_v1_svid_batch_new_x509svid\{status="ResourceExhausted"\} 1$/m, 'the rejected batch; the key keeps its case, as upstream');
    assert.match(text, /^spire_server_rateLimit_svid_v1_svid_batch_new_x509svid\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_rateLimit_svid_v1_svid_batch_new_x509svid_elapsed_time_count\{status="OK"\} 1$/m);
    assert.match(text, /^spire_server_rpc_entry_v1_entry_get_authorized_entries\{status="OK"\} 1$/m);
    assert.doesNotMatch(text, /rateLimit_entry/, 'a method without a limiter has no rateLimit series');
  } finally {
    await h.close();
  }
});
