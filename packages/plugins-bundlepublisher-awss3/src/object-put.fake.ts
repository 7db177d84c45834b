import type { ObjectPutter } from './object-put.js';

/**
 * An in-memory bucket store for unit tests: `objects` holds `bucket/key` → body, `puts` counts
 * the calls and `failNext` makes the next put throw that error.
 */
export class FakeObjectStore implements ObjectPutter {
  readonly objects = new Map<string, string>();
  puts = 0;
  failNext: Error | undefined;

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    this.puts++;
    const err = this.failNext;
    if (err) {
      this.failNext = undefined;
      throw err;
    }
    this.objects.set(`${bucket}/${key}`, body);
  }

  close(): void {}
}
