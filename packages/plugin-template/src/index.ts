import { defineNotifier } from '@spire-ts/plugin-sdk';
import { BundleFileNotifier } from './bundle-file-notifier.js';
import { parseBundleFileConfig } from './config.js';

export { BundleFileNotifier, bundleToPem } from './bundle-file-notifier.js';
export { parseBundleFileConfig, type BundleFileConfig } from './config.js';
export { BundleFileErrors } from './errors.js';

/** The plugin's one descriptor: a Notifier named `bundle_file`. */
export const bundleFileNotifier = defineNotifier({
  name: 'bundle_file',
  parseConfig: (raw) => parseBundleFileConfig(raw),
  create: ({ config, log }) => new BundleFileNotifier(config, log),
});
