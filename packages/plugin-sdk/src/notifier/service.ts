import { Code, SpireError, type Notifier, wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bundleFromMsg } = wire;
type BundleMsg = wire.BundleMsg;

type Event = { bundle?: BundleMsg | null } | null | undefined;

/** spire.plugin.server.notifier.v1.Notifier handlers over a Notifier. */
export function notifierService(n: () => Notifier) {
  return {
    Notify: unary(async (req: { event?: string; bundleUpdated?: Event }) => {
      if (req.event !== 'bundleUpdated' || !req.bundleUpdated) throw new SpireError(Code.INVALID_ARGUMENT, 'request missing event');
      await n().notifyBundleUpdated(bundleFromMsg(req.bundleUpdated.bundle));
      return {};
    }),
    NotifyAndAdvise: unary(async (req: { event?: string; bundleLoaded?: Event }) => {
      if (req.event !== 'bundleLoaded' || !req.bundleLoaded) throw new SpireError(Code.INVALID_ARGUMENT, 'request missing event');
      await n().notifyAndAdviseBundleLoaded(bundleFromMsg(req.bundleLoaded.bundle));
      return {};
    }),
  };
}
