import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PluginBundle } from '../types.js';
import { sampleBundle } from '../sample-bundle.js';
import type { BundlePublisher } from './contract.js';

/** What a BundlePublisher implementation gives its contract suite. */
export interface BundlePublisherHarness {
  publisher: BundlePublisher;
  /** The bundle as it now stands at the destination, read back and decoded. */
  published(): Promise<PluginBundle | undefined>;
  close(): Promise<void>;
}

/** Registers the BundlePublisher contract tests under `describe(name)`. */
export function runBundlePublisherContract(name: string, setup: () => Promise<BundlePublisherHarness>): void {
  describe(`BundlePublisher contract: ${name}`, () => {
    it('publishes the bundle and replaces it with a newer one', async () => {
      const h = await setup();
      try {
        await h.publisher.publishBundle(sampleBundle(1));
        assert.equal((await h.published())?.x509Authorities.length, 1);
        await h.publisher.publishBundle(sampleBundle(2));
        const got = await h.published();
        assert.deepEqual(got?.x509Authorities.map((a) => Buffer.from(a.asn1).toString('hex')), ['3003020102']);
      } finally {
        await h.close();
      }
    });

    it('publishing the same bundle twice is safe', async () => {
      const h = await setup();
      try {
        await h.publisher.publishBundle(sampleBundle(5));
        await h.publisher.publishBundle(sampleBundle(5));
        assert.deepEqual((await h.published())?.x509Authorities.map((a) => Buffer.from(a.asn1).toString('hex')), ['3003020105']);
      } finally {
        await h.close();
      }
    });
  });
}
