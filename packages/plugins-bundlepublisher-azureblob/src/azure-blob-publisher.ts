import { LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import type { BlobUploader } from './blob-upload.js';
import type { AzureBlobConfig } from './config.js';
import { AzureBlobErrors } from './errors.js';

/**
 * BundlePublisher "azure_blob": formats the bundle (configured format and refresh hint) and
 * uploads it as the configured blob. A bundle equal to the last one uploaded is not sent again;
 * after a failure nothing is remembered, so the next call (the server's 30 s tick) uploads.
 */
export class AzureBlobPublisher implements BundlePublisher {
  private readonly last = new LastPublished();

  constructor(
    private readonly config: AzureBlobConfig,
    private readonly blobs: BlobUploader,
    private readonly log: Logger,
  ) {}

  /** Throws INVALID_ARGUMENT without a bundle; INTERNAL when formatting or the upload fails (UNAVAILABLE when the service is unreachable). */
  async publishBundle(bundle: PluginBundle): Promise<void> {
    const c = this.config;
    const published = await this.last.publishFormatted(bundle, {
      format: c.format,
      refreshHintSeconds: c.refreshHintSeconds,
      put: (body) => this.blobs.upload(c.containerName, c.blobName, body),
      errors: { missingBundle: () => AzureBlobErrors.missingBundle(), format: (e) => AzureBlobErrors.format(e), put: (e) => AzureBlobErrors.upload(e) },
    });
    if (published) this.log.debug({ container_name: c.containerName, blob_name: c.blobName, format: c.format }, 'Bundle published');
  }
}
