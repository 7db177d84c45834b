import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../log/logger.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import { startCAService } from './ca-service.js';
import { FakeCADataStore } from './test-support/datastore-subset.fake.js';
import { TD, workloadCsr } from './test-support/fixture.js';
import { RecordingNotifier } from './test-support/manager-fixture.js';
import { opensslVerify } from './test-support/openssl.js';

describe('startCAService', () => {
  it('starts a CA on real worker threads: bundle loaded, server SVID issued, SVIDs verify', async () => {
    const ds = new FakeCADataStore();
    const notifier = new RecordingNotifier();
    const svc = await startCAService(
      { caKeyType: 'ec-p384', defaultX509SvidTtlMs: 600_000 },
      { trustDomain: TD, log: silentLogger(), keyManager: new InProcessKeyManager(), dataStore: ds, notifiers: [notifier], signingThreads: 1 },
    );
    try {
      assert.equal(notifier.loaded.length, 1);
      const bundle = (await ds.fetchBundle(TD.idString()))!;
      assert.equal(notifier.loaded[0]!.sequenceNumber, bundle.sequenceNumber);
      const roots = bundle.rootCas.map((r) => r.derBytes);
      assert.ok(opensslVerify(roots, svc.serverSVID.state()!.certChain[0]!).ok);
      const { certChain } = await svc.ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
      assert.ok(opensslVerify(roots, certChain[0]!).ok);
    } finally {
      await svc.close();
      await svc.close();
    }
  });
});
