import { formatPluginBundle, LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
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
    if (!bundle) throw AzureBlobErrors.missingBundle();
    if (this.last.same(bundle)) return;
    const c = this.config;
    let body: string;
    try {
      body = formatPluginBundle(c.refreshHintSeconds ? { ...bundle, refreshHint: c.refreshHintSeconds } : bundle, c.format);
    } catch (err) {
      throw AzureBlobErrors.format(err);
    }
    try {
      await this.blobs.upload(c.containerName, c.blobName, body);
    } catch (err) {
      throw AzureBlobErrors.upload(err);
    }
    this.last.remember(bundle);
    this.log.debug({ container_name: c.containerName, blob_name: c.blobName, format: c.format }, 'Bundle published');
  }
}
