import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTestMetrics } from '../../telemetry/index.js';
import { bundleDocument } from './test-support/peer.js';
import { refresherFixture, spiffePeer, type RefresherFixture } from './test-support/fixture.js';

let f: RefresherFixture;
before(async () => {
  f = await refresherFixture();
});
after(() => f.close());

test("each poll is counted as SPIRE's bundle_manager.fetch.federated_bundle, each stored change as bundle_manager.update.federated_bundle", async () => {
  const { sink, metrics } = prometheusTestMetrics();
  const p = await spiffePeer('metrics.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle(120, 5)));
  await f.ds.setBundle(p.ca.bundle(300, 1));
  const m = f.manager({ federatesWith: [p.federatesWith], metrics });
  await m.start();
  await f.waitLog('Scheduling next bundle refresh', 'metrics.test');
  f.timers.advance(30_000);
  await f.waitLog('Scheduling next bundle refresh', 'metrics.test', 2);
  p.endpoint.serve('not a bundle');
  f.timers.advance(30_000);
  await f.waitLog('Scheduling next bundle refresh', 'metrics.test', 3);
  await m.stop();
  await p.endpoint.close();
  const text = await sink.text();
  assert.match(text, /^spire_server_bundle_manager_fetch_federated_bundle\{status="OK",trust_domain_id="metrics_test"\} 2$/m);
  assert.match(text, /^spire_server_bundle_manager_fetch_federated_bundle\{status="Unavailable",trust_domain_id="metrics_test"\} 1$/m);
  assert.match(text, /^spire_server_bundle_manager_update_federated_bundle\{trust_domain_id="metrics_test"\} 1$/m, 'only the first fetch changed the stored bundle');
});
