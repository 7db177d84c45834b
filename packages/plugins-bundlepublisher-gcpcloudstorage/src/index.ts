import { defineBundlePublisher } from '@spire-ts/core/plugin';
import { parseGcpCloudStorageConfig, type GcpCloudStorageConfig } from './config.js';
import { GcpCloudStorageErrors } from './errors.js';
import { GcpCloudStoragePublisher } from './gcp-cloudstorage-publisher.js';
import { gcsObjectWriter, type ObjectWriter } from './object-writer.js';

export { GcpCloudStoragePublisher } from './gcp-cloudstorage-publisher.js';
export { parseGcpCloudStorageConfig, type GcpCloudStorageConfig } from './config.js';
export { gcsObjectWriter, type ObjectWriter } from './object-writer.js';
export { GcpCloudStorageErrors } from './errors.js';

/** Bounds each Cloud Storage upload. */
export const GCS_CALL_TIMEOUT_MS = 30_000;

/** The descriptor of BundlePublisher "gcp_cloudstorage". */
export const gcpCloudStorageBundlePublisher = defineBundlePublisher<GcpCloudStorageConfig>({
  name: 'gcp_cloudstorage',
  parseConfig: (raw) => parseGcpCloudStorageConfig(raw),
  create: ({ config, log }) => {
    for (const note of config.notes) log.warn(note);
    let writer: ObjectWriter;
    try {
      writer = gcsObjectWriter(config.serviceAccountFile, GCS_CALL_TIMEOUT_MS);
    } catch (err) {
      throw GcpCloudStorageErrors.createClient(err);
    }
    return new GcpCloudStoragePublisher(config, writer, log);
  },
});
