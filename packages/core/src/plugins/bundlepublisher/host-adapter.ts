import type { BundlePublisher } from './contract.js';
import { bundleToMsg } from '../wire-common.js';
import type { ExternalPlugin } from '../../catalog/external/external-plugin.js';

/** The BundlePublisher contract: PublishBundle. */
export function bundlePublisherAdapter(p: ExternalPlugin): BundlePublisher {
  return {
    async publishBundle(bundle) {
      await p.unary('PublishBundle', { bundle: bundleToMsg(bundle) });
    },
    close: () => p.close(),
  };
}
