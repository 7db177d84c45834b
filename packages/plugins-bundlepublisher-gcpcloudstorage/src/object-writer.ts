import { Storage } from '@google-cloud/storage';
import { checkServiceAccountFile, withTimeout } from '@spire-ts/plugin-gcp';

/** Writes one object; the narrow view of Cloud Storage this plugin needs. */
export interface ObjectWriter {
  /** Uploads `body` as `bucket`/`name`, replacing any object there. Throws the client's error. */
  write(bucket: string, name: string, body: string): Promise<void>;
}

/**
 * An {@link ObjectWriter} over `@google-cloud/storage`: credentials from `serviceAccountFile`
 * (checked here; throws when it is unreadable or not a service account key) or Application
 * Default Credentials; `STORAGE_EMULATOR_HOST` moves the endpoint. Each upload (one multipart
 * request) is bounded by `timeoutMs`.
 */
export function gcsObjectWriter(serviceAccountFile: string, timeoutMs: number): ObjectWriter {
  const storage = new Storage({
    ...(serviceAccountFile ? { keyFilename: checkServiceAccountFile(serviceAccountFile) } : {}),
    retryOptions: { maxRetries: 2, totalTimeout: Math.ceil(timeoutMs / 1000) },
  });
  return {
    write: (bucket, name, body) =>
      withTimeout(timeoutMs, 'Cloud Storage objects.insert', async () => {
        await storage.bucket(bucket).file(name).save(body, { resumable: false });
      }),
  };
}
