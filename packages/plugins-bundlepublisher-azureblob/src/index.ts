import { defineBundlePublisher } from '@spire-ts/core/plugin';
import { AzureBlobPublisher } from './azure-blob-publisher.js';
import { makeBlobUploader } from './blob-upload.js';
import { parseAzureBlobConfig, type AzureBlobConfig } from './config.js';

export { AzureBlobPublisher } from './azure-blob-publisher.js';
export { parseAzureBlobConfig, DEFAULT_SERVICE_ENDPOINT, type AzureBlobConfig } from './config.js';
export { makeBlobUploader, type BlobUploader } from './blob-upload.js';
export { AzureBlobErrors } from './errors.js';

/** The bound of one upload. */
export const UPLOAD_TIMEOUT_MS = 30_000;

/** The descriptor of BundlePublisher "azure_blob". */
export const azureBlobBundlePublisher = defineBundlePublisher<AzureBlobConfig>({
  name: 'azure_blob',
  parseConfig: (raw) => parseAzureBlobConfig(raw),
  create: ({ config, log }) => {
    for (const note of config.notes) log.warn(note);
    return new AzureBlobPublisher(config, makeBlobUploader(config, UPLOAD_TIMEOUT_MS), log);
  },
});
