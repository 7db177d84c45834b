import type { BundlePublisher } from './contract.js';
import { bundleToMsg } from '../wire-common.js';
import type { PluginConnection } from '../wire-connection.js';

/** The BundlePublisher contract: PublishBundle. */
export function bundlePublisherAdapter(p: PluginConnection): BundlePublisher {
  return {
    async publishBundle(bundle) {
      await p.unary('PublishBundle', { bundle: bundleToMsg(bundle) });
    },
    close: () => p.close(),
  };
}
