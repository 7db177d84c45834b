import { Code, SpireError, type BundlePublisher, wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bundleFromMsg } = wire;
type BundleMsg = wire.BundleMsg;

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
