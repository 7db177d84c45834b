import type { BlobUploader } from './blob-upload.js';

/**
 * An in-memory blob store for unit tests: `blobs` holds `container/blob` → body, `uploads`
 * counts the calls and `failNext` makes the next upload throw that error.
 */
export class FakeBlobStore implements BlobUploader {
  readonly blobs = new Map<string, string>();
  uploads = 0;
  failNext: unknown;

  async upload(container: string, blob: string, body: string): Promise<void> {
    this.uploads++;
    const err = this.failNext;
    if (err !== undefined) {
      this.failNext = undefined;
      throw err;
    }
    this.blobs.set(`${container}/${blob}`, body);
  }
}
