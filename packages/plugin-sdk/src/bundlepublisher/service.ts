import { Code, SpireError, type BundlePublisher, wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bundleFromMsg } = wire;

/** spire.plugin.server.bundlepublisher.v1.BundlePublisher handlers over a BundlePublisher. */
export function bundlePublisherService(bp: () => BundlePublisher): wire.msg.BundlePublisherHandlers {
  return {
    PublishBundle: unary(async (req: wire.msg.PublishBundleRequest__Output) => {
      if (!req.bundle) throw new SpireError(Code.INVALID_ARGUMENT, 'missing bundle');
      await bp().publishBundle(bundleFromMsg(req.bundle));
      return {};
    }),
  };
}
