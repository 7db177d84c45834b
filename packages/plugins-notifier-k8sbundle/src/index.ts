import { defineNotifier } from '@spire-ts/core/plugin';
import { parseK8sBundleConfig, type K8sBundleConfig } from './config.js';
import { K8sBundleNotifier } from './k8sbundle-notifier.js';

export { K8sBundleNotifier } from './k8sbundle-notifier.js';
export { parseK8sBundleConfig, type K8sBundleConfig, type K8sBundleCluster } from './config.js';
export { K8sBundleErrors } from './errors.js';

/** The descriptor of Notifier "k8sbundle". */
export const k8sbundleNotifier = defineNotifier<K8sBundleConfig>({
  name: 'k8sbundle',
  parseConfig: (raw) => parseK8sBundleConfig(raw),
  create: ({ config, log, host }) => K8sBundleNotifier.start(config, log, host),
});
