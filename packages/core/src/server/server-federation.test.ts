import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LogCapture } from '../api/testing/harness.js';
import { PeerCA, PeerEndpoint, waitFor } from '../federation/refresher/test-support/peer.js';
import { startRealServer } from './real-server.test-support.js';

test("server.conf's federates_with is polled from start-up and stops with the server", async () => {
  const ca = await PeerCA.create('fed.test');
  const endpoint = await PeerEndpoint.start(await ca.issue({ uri: 'spiffe://fed.test/spire/server' }));
  const logs = new LogCapture();
  const bundleClient = (msg: string) => logs.lines.filter((l) => l.msg === msg && l.subsystem_name === 'bundle_client');
  const { server, dir } = await startRealServer({
    log: logs.logger,
    extra: `federation {
      federates_with "fed.test" {
        bundle_endpoint_url = "${endpoint.url}"
        bundle_endpoint_profile "https_spiffe" { endpoint_spiffe_id = "spiffe://fed.test/spire/server" }
      }
    }`,
  });
  try {
    const managed = bundleClient('Trust domain is now managed');
    assert.deepEqual(
      managed.map((l) => [l.trust_domain, l.bundle_endpoint_url, l.bundle_endpoint_profile]),
      [['fed.test', endpoint.url, 'https_spiffe']],
    );
    // No bootstrap bundle yet: SPIRE's error, and nothing fetched.
    await waitFor(() => bundleClient('Error updating bundle').length === 1, 'the first poll');
    assert.equal(bundleClient('Error updating bundle')[0]!.error, "can't perform SPIFFE Authentication: local copy of bundle not found");
    assert.equal(endpoint.requests, 0);
  } finally {
    await server.stop();
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(bundleClient('No longer polling for updates').length, 1);
  assert.equal(bundleClient('Shutting down').length, 1);
});
