import type { BundlePublisher } from './contract.js';
import { bundleToMsg } from '../wire-common.js';
import type * as msg from '../wire-messages.js';
import type { PluginConnection } from '../wire-connection.js';

/** The BundlePublisher contract: PublishBundle. */
export function bundlePublisherAdapter(p: PluginConnection): BundlePublisher {
  return {
    async publishBundle(bundle) {
      const req: msg.PublishBundleRequest = { bundle: bundleToMsg(bundle) };
      await p.unary('PublishBundle', req);
    },
    close: () => p.close(),
  };
}
