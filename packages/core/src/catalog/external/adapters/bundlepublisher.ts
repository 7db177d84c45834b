import type { BundlePublisher } from '../../../plugins/bundlepublisher/contract.js';
import { bundleToMsg } from '../codec/common.js';
import type { ExternalPlugin } from '../external-plugin.js';

/** The BundlePublisher contract: PublishBundle. */
export function bundlePublisherAdapter(p: ExternalPlugin): BundlePublisher {
  return {
    async publishBundle(bundle) {
      await p.unary('PublishBundle', { bundle: bundleToMsg(bundle) });
    },
    close: () => p.close(),
  };
}
