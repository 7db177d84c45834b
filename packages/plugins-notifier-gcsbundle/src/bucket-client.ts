import { Storage } from '@google-cloud/storage';
import { checkServiceAccountFile, googleApiError, withTimeout } from '@spire-ts/plugin-gcp';

/** The narrow view of Cloud Storage this plugin needs. Methods throw the client's error. */
export interface BucketClient {
  /** The object's generation; 0 when there is no such object. */
  getObjectGeneration(bucket: string, object: string): Promise<number>;
  /**
   * Writes `data` (Content-Type application/x-pem-file) if the object is still at `generation`
   * (0: if it does not exist). A lost race throws the 412 conditionNotMet error.
   */
  putObject(bucket: string, object: string, data: string, generation: number): Promise<void>;
}

/** True for Cloud Storage's answer to a failed generation precondition. */
export function isConditionNotMet(err: unknown): boolean {
  const g = googleApiError(err);
  return g.httpStatus === 412 && g.reasons.includes('conditionNotMet');
}

/**
 * A {@link BucketClient} over `@google-cloud/storage`: credentials from `serviceAccountFile`
 * (checked here; throws when it is unreadable or not a service account key) or Application
 * Default Credentials; `STORAGE_EMULATOR_HOST` moves the endpoint. Each call is bounded by
 * `timeoutMs`.
 */
export function gcsBucketClient(serviceAccountFile: string, timeoutMs: number): BucketClient {
  const storage = new Storage({
    ...(serviceAccountFile ? { keyFilename: checkServiceAccountFile(serviceAccountFile) } : {}),
    retryOptions: { maxRetries: 2, totalTimeout: Math.ceil(timeoutMs / 1000) },
  });
  return {
    getObjectGeneration: (bucket, object) =>
      withTimeout(timeoutMs, 'Cloud Storage objects.get', async () => {
        try {
          const [meta] = await storage.bucket(bucket).file(object).getMetadata();
          return Number(meta.generation ?? 0);
        } catch (err) {
          // As Go's client, any 404 reads as "no object" (a missing bucket then fails the upload).
          if (googleApiError(err).httpStatus === 404) return 0;
          throw err;
        }
      }),
    putObject: (bucket, object, data, generation) =>
      withTimeout(timeoutMs, 'Cloud Storage objects.insert', async () => {
        await storage.bucket(bucket).file(object).save(data, {
          resumable: false,
          contentType: 'application/x-pem-file',
          preconditionOpts: { ifGenerationMatch: generation },
        });
      }),
  };
}
