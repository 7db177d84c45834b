import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsS3Config } from './config.js';

/** Puts one object; the narrow view of S3 this plugin needs. */
export interface ObjectPutter {
  /** Uploads `body` as `bucket`/`key`, replacing any object there. Throws the SDK's error. */
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** Releases the client's sockets. Safe to call twice. */
  close(): void;
}

/**
 * An {@link ObjectPutter} over the AWS SDK v3 S3 client, configured as SPIRE's aws_s3: the
 * configured region; static credentials only when both keys are set, else the SDK's default
 * chain (environment, shared files, web identity / IRSA, instance role); a custom endpoint
 * switches to path-style requests. Checksum behaviour is the SDK's default, as SPIRE's (the
 * `AWS_REQUEST_CHECKSUM_CALCULATION` environment variable changes it).
 */
export function s3ObjectPutter(c: AwsS3Config): ObjectPutter {
  const client = new S3Client({
    region: c.region,
    ...(c.accessKeyId && c.secretAccessKey ? { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } } : {}),
    ...(c.endpoint ? { endpoint: c.endpoint, forcePathStyle: true } : {}),
  });
  return {
    putObject: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    close: () => client.destroy(),
  };
}

/** The SDK error as one line: `<name>: <message>` for service errors, else the message. */
export function s3ErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
}
