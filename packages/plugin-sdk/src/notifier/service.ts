import { Code, SpireError, type Notifier, wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bundleFromMsg } = wire;

/** spire.plugin.server.notifier.v1.Notifier handlers over a Notifier. */
export function notifierService(n: () => Notifier): wire.msg.NotifierHandlers {
  return {
    Notify: unary(async (req: wire.msg.NotifyRequest__Output) => {
      if (req.event !== 'bundleUpdated' || !req.bundleUpdated) throw new SpireError(Code.INVALID_ARGUMENT, 'request missing event');
      await n().notifyBundleUpdated(bundleFromMsg(req.bundleUpdated.bundle));
      return {};
    }),
    NotifyAndAdvise: unary(async (req: wire.msg.NotifyAndAdviseRequest__Output) => {
      if (req.event !== 'bundleLoaded' || !req.bundleLoaded) throw new SpireError(Code.INVALID_ARGUMENT, 'request missing event');
      await n().notifyAndAdviseBundleLoaded(bundleFromMsg(req.bundleLoaded.bundle));
      return {};
    }),
  };
}
