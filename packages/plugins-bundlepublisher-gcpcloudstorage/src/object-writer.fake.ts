import type { ObjectWriter } from './object-writer.js';

/**
 * An in-memory bucket store for unit tests: `objects` holds `bucket/name` → body, `writes`
 * counts the calls and `failNext` makes the next write throw that error.
 */
export class FakeObjectWriter implements ObjectWriter {
  readonly objects = new Map<string, string>();
  writes = 0;
  failNext: Error | undefined;

  async write(bucket: string, name: string, body: string): Promise<void> {
    this.writes++;
    const err = this.failNext;
    if (err) {
      this.failNext = undefined;
      throw err;
    }
    this.objects.set(`${bucket}/${name}`, body);
  }
}
