import { LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import type { AwsS3Config } from './config.js';
import { AwsS3Errors } from './errors.js';
import { s3ErrorMessage, type ObjectPutter } from './object-put.js';

/**
 * BundlePublisher "aws_s3": formats the bundle (configured format and refresh hint) and puts
 * it as the configured object. A bundle equal to the last one uploaded is not sent again;
 * after a failure nothing is remembered, so the next call (the server's 30 s tick) uploads.
 */
export class AwsS3Publisher implements BundlePublisher {
  private readonly last = new LastPublished();

  constructor(
    private readonly config: AwsS3Config,
    private readonly s3: ObjectPutter,
    private readonly log: Logger,
  ) {}

  /** Throws INVALID_ARGUMENT without a bundle, INTERNAL when formatting or the upload fails. */
  async publishBundle(bundle: PluginBundle): Promise<void> {
    const c = this.config;
    const published = await this.last.publishFormatted(bundle, {
      format: c.format,
      refreshHintSeconds: c.refreshHintSeconds,
      put: (body) => this.s3.putObject(c.bucket, c.objectKey, body),
      errors: { missingBundle: () => AwsS3Errors.missingBundle(), format: (e) => AwsS3Errors.format(e), put: (e) => AwsS3Errors.putObject(s3ErrorMessage(e), e) },
    });
    if (published) this.log.debug({ bucket: c.bucket, object_key: c.objectKey, format: c.format }, 'Bundle published');
  }

  /** Releases the S3 client. Safe to call twice. */
  close(): void {
    this.s3.close();
  }
}
