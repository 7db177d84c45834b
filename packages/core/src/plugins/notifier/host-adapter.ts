import type { Notifier } from './contract.js';
import { bundleToMsg } from '../wire-common.js';
import type { PluginConnection } from '../wire-connection.js';

/** The Notifier contract: Notify(bundle_updated) and NotifyAndAdvise(bundle_loaded). */
export function notifierAdapter(p: PluginConnection): Notifier {
  return {
    async notifyBundleUpdated(bundle) {
      await p.unary('Notify', { bundleUpdated: { bundle: bundleToMsg(bundle) } });
    },
    async notifyAndAdviseBundleLoaded(bundle) {
      await p.unary('NotifyAndAdvise', { bundleLoaded: { bundle: bundleToMsg(bundle) } });
    },
    close: () => p.close(),
  };
}
