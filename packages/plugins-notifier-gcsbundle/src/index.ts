import { defineNotifier } from '@spire-ts/core/plugin';
import { gcsBucketClient } from './bucket-client.js';
import { parseGcsBundleConfig, type GcsBundleConfig } from './config.js';
import { GcsBundleNotifier } from './gcs-bundle-notifier.js';

export { GcsBundleNotifier, type BucketClientFactory } from './gcs-bundle-notifier.js';
export { parseGcsBundleConfig, type GcsBundleConfig } from './config.js';
export { GcsBundleErrors } from './errors.js';
export { gcsBucketClient, isConditionNotMet, type BucketClient } from './bucket-client.js';

/** Bounds each Cloud Storage call. */
export const GCS_CALL_TIMEOUT_MS = 30_000;

/** The descriptor of Notifier "gcs_bundle". */
export const gcsBundleNotifier = defineNotifier<GcsBundleConfig>({
  name: 'gcs_bundle',
  parseConfig: (raw) => parseGcsBundleConfig(raw),
  create: ({ config, log, host }) => new GcsBundleNotifier(config, (file) => gcsBucketClient(file, GCS_CALL_TIMEOUT_MS), log, host),
});
