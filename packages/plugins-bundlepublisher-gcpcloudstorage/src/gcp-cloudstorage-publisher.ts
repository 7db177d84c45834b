import { Code, LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import { googleApiError } from '@spire-ts/plugin-gcp';
import type { GcpCloudStorageConfig } from './config.js';
import { GcpCloudStorageErrors } from './errors.js';
import type { ObjectWriter } from './object-writer.js';

/** A failed write: UNAVAILABLE when Cloud Storage is out of reach or too slow, else INTERNAL. */
function writeError(err: unknown): Error {
  const g = googleApiError(err);
  const code = g.status === 'UNAVAILABLE' || g.status === 'DEADLINE_EXCEEDED' ? Code.UNAVAILABLE : Code.INTERNAL;
  return GcpCloudStorageErrors.write(code, g.message, err);
}

/**
 * BundlePublisher "gcp_cloudstorage": formats the bundle (configured format and refresh hint)
 * and writes it as the configured Cloud Storage object. A bundle equal to the last one written
 * is not sent again; after a failure nothing is remembered, so the next call (the server's 30 s
 * tick) writes.
 */
export class GcpCloudStoragePublisher implements BundlePublisher {
  private readonly last = new LastPublished();

  constructor(
    private readonly config: GcpCloudStorageConfig,
    private readonly writer: ObjectWriter,
    private readonly log: Logger,
  ) {}

  /**
   * Throws INVALID_ARGUMENT without a bundle, INTERNAL when formatting or the upload fails
   * (UNAVAILABLE when Cloud Storage is out of reach or too slow).
   */
  async publishBundle(bundle: PluginBundle): Promise<void> {
    const c = this.config;
    const published = await this.last.publishFormatted(bundle, {
      format: c.format,
      refreshHintSeconds: c.refreshHintSeconds,
      put: (body) => this.writer.write(c.bucketName, c.objectName, body),
      errors: { missingBundle: () => GcpCloudStorageErrors.missingBundle(), format: (e) => GcpCloudStorageErrors.format(e), put: writeError },
    });
    if (published) this.log.debug({ bucket_name: c.bucketName, object_name: c.objectName }, 'Bundle published');
  }
}
