import type { PluginBundle } from '../types.js';
import type { BundlePublisher } from './contract.js';

/** A BundlePublisher that keeps the last bundle in memory; for tests. */
export class FakeBundlePublisher implements BundlePublisher {
  published?: PluginBundle;
  count = 0;

  async publishBundle(bundle: PluginBundle): Promise<void> {
    this.published = structuredClone(bundle);
    this.count++;
  }
}
