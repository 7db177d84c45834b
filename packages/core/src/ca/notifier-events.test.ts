import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../log/logger.js';
import type { Notifier } from '../plugins/notifier/contract.js';
import type { PluginBundle } from '../plugins/types.js';
import { startCAService } from './ca-service.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import { FakeCADataStore } from './test-support/datastore-subset.fake.js';
import { TD } from './test-support/fixture.js';

/** A Notifier that records every event, in order, with what the bundle held. */
class EventLog implements Notifier {
  readonly events: { event: 'BundleLoaded' | 'BundleUpdated'; x509: number; jwt: number; seq: number }[] = [];
  private add(event: 'BundleLoaded' | 'BundleUpdated', b: PluginBundle): void {
    this.events.push({ event, x509: b.x509Authorities.length, jwt: b.jwtAuthorities.length, seq: b.sequenceNumber });
  }
  async notifyAndAdviseBundleLoaded(b: PluginBundle): Promise<void> {
    this.add('BundleLoaded', b);
  }
  async notifyBundleUpdated(b: PluginBundle): Promise<void> {
    this.add('BundleUpdated', b);
  }
}

describe('Notifier events at start-up', () => {
  it('the first event is NotifyAndAdvise(BundleLoaded) with the X.509 root and the JWT key; later changes are Notify(BundleUpdated)', async () => {
    const ds = new FakeCADataStore();
    const log = new EventLog();
    const svc = await startCAService(
      { defaultX509SvidTtlMs: 600_000 },
      { trustDomain: TD, log: silentLogger(), keyManager: new InProcessKeyManager(), dataStore: ds, notifiers: [log], signingThreads: 1 },
    );
    try {
      await svc.manager.settled();
      const seq = (await ds.fetchBundle(TD.idString()))!.sequenceNumber;
      assert.deepEqual(log.events, [{ event: 'BundleLoaded', x509: 1, jwt: 1, seq }]);

      // A later bundle change reaches the Notifier as BundleUpdated.
      await svc.manager.prepareX509CA();
      await svc.manager.settled();
      assert.equal(log.events.length, 2);
      assert.deepEqual(log.events[1], { event: 'BundleUpdated', x509: 2, jwt: 1, seq: (await ds.fetchBundle(TD.idString()))!.sequenceNumber });
    } finally {
      await svc.close();
    }
  });
});
