import { Code, SpireError, type BundlePublisher } from '@spire-ts/core';
import { bundleFromMsg, type BundleMsg } from '@spire-ts/core/external';
import { unary } from './handlers.js';

/** spire.plugin.server.bundlepublisher.v1.BundlePublisher handlers over a BundlePublisher. */
export function bundlePublisherService(bp: () => BundlePublisher) {
  return {
    PublishBundle: unary(async (req: { bundle?: BundleMsg | null }) => {
      if (!req.bundle) throw new SpireError(Code.INVALID_ARGUMENT, 'missing bundle');
      await bp().publishBundle(bundleFromMsg(req.bundle));
      return {};
    }),
  };
}
