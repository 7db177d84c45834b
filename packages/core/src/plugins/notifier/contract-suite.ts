import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PluginBundle } from '../types.js';
import { sampleBundle } from '../sample-bundle.js';
import type { Notifier } from './contract.js';

/** What a Notifier implementation gives its contract suite. */
export interface NotifierHarness {
  notifier: Notifier;
  /** The bundle as last delivered to the notifier's destination, read back from there. */
  delivered(): Promise<PluginBundle | undefined>;
  close(): Promise<void>;
}

/** Registers the Notifier contract tests under `describe(name)`. */
export function runNotifierContract(name: string, setup: () => Promise<NotifierHarness>): void {
  describe(`Notifier contract: ${name}`, () => {
    it('delivers the bundle on load and on every update', async () => {
      const h = await setup();
      try {
        await h.notifier.notifyAndAdviseBundleLoaded(sampleBundle(1));
        assert.equal((await h.delivered())?.sequenceNumber, 1);
        await h.notifier.notifyBundleUpdated(sampleBundle(2));
        const got = await h.delivered();
        assert.equal(got?.sequenceNumber, 2);
        assert.deepEqual(got?.x509Authorities.map((a) => Buffer.from(a.asn1).toString('hex')), ['3003020102']);
      } finally {
        await h.close();
      }
    });

    it('accepts the same update twice', async () => {
      const h = await setup();
      try {
        await h.notifier.notifyBundleUpdated(sampleBundle(3));
        await h.notifier.notifyBundleUpdated(sampleBundle(3));
        assert.equal((await h.delivered())?.sequenceNumber, 3);
      } finally {
        await h.close();
      }
    });
  });
}
