import type { Notifier } from './contract.js';
import { bundleToMsg } from '../wire-common.js';
import type * as msg from '../wire-messages.js';
import type { PluginConnection } from '../wire-connection.js';

/** The Notifier contract: Notify(bundle_updated) and NotifyAndAdvise(bundle_loaded). */
export function notifierAdapter(p: PluginConnection): Notifier {
  return {
    async notifyBundleUpdated(bundle) {
      const req: msg.NotifyRequest = { bundleUpdated: { bundle: bundleToMsg(bundle) } };
      await p.unary('Notify', req);
    },
    async notifyAndAdviseBundleLoaded(bundle) {
      const req: msg.NotifyAndAdviseRequest = { bundleLoaded: { bundle: bundleToMsg(bundle) } };
      await p.unary('NotifyAndAdvise', req);
    },
    close: () => p.close(),
  };
}
