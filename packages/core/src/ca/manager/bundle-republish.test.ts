import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingLogger } from '../../log/recording-logger.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import type { BundlePublisher } from '../../plugins/bundlepublisher/contract.js';
import type { PluginBundle } from '../../plugins/types.js';
import { TrustDomain } from '../../spiffeid/trust-domain.js';
import { systemClock } from '../clock.js';
import type { CADataStore } from '../ca-datastore.js';
import { BundleUpdates } from './bundle-updates.js';

// SPIRE's publishing manager publishes again every 30 s: a failed publish is retried, and a bundle
// changed by someone else is published. The CA manager's timer calls republish(); these tests call
// it directly.

function setup(failFirst: number) {
  let seq = 1;
  const stored = (): Bundle => ({ trustDomainId: 'spiffe://example.org', rootCas: [{ derBytes: new Uint8Array([seq]), taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: seq });
  const dataStore = { fetchBundle: async () => stored() } as unknown as CADataStore;
  const published: PluginBundle[] = [];
  let failures = failFirst;
  const publisher: BundlePublisher = {
    publishBundle: async (b) => {
      if (failures-- > 0) throw new Error('cluster unreachable');
      published.push(b);
    },
  };
  const { log, records } = recordingLogger();
  const updates = new BundleUpdates({ trustDomain: TrustDomain.parse('example.org'), clock: systemClock, log, dataStore, bundlePublishers: [publisher] });
  return { updates, published, records, bump: () => seq++ };
}

describe('bundle republishing', () => {
  it('does nothing before the bundle is loaded', async () => {
    const s = setup(0);
    await s.updates.republish();
    assert.equal(s.published.length, 0);
  });

  it('retries a publish that failed at load, with the stored bundle, and logs the failure at error level', async () => {
    const s = setup(1);
    await s.updates.notifyLoaded();
    assert.equal(s.published.length, 0);
    const failed = s.records.find((r) => r.msg === 'Failed to publish bundle');
    assert.ok(failed, 'failure logged');
    assert.equal(failed.level, 50);
    assert.equal(failed.error, 'cluster unreachable');
    await s.updates.republish();
    assert.equal(s.published.length, 1);
    assert.equal(s.published[0]!.sequenceNumber, 1);
  });

  it('publishes a bundle changed elsewhere (through the API) at the next tick', async () => {
    const s = setup(0);
    await s.updates.notifyLoaded();
    s.bump();
    await s.updates.republish();
    assert.deepEqual(
      s.published.map((b) => b.sequenceNumber),
      [1, 2],
    );
  });
});

describe('bundle republishing, slow publishers', () => {
  it('queues at most one republish while one is waiting', async () => {
    const s = setup(0);
    await s.updates.notifyLoaded();
    const a = s.updates.republish();
    s.updates.republish();
    s.updates.republish();
    await a;
    await s.updates.settled();
    assert.equal(s.published.length, 2, 'the load, then one republish');
  });
});
