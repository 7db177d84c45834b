import type { BucketClient } from './bucket-client.js';

/**
 * An in-memory bucket for unit tests: `objects` holds `bucket/object` → { data, generation },
 * `calls` records each call, and `racesLeft` makes that many uploads lose a race (412
 * conditionNotMet, as Cloud Storage answers) after another writer bumped the generation.
 */
export class FakeBucketClient implements BucketClient {
  readonly objects = new Map<string, { data: string; generation: number }>();
  readonly calls: string[] = [];
  racesLeft = 0;
  private generation = 0;

  async getObjectGeneration(bucket: string, object: string): Promise<number> {
    this.calls.push('get');
    return this.objects.get(`${bucket}/${object}`)?.generation ?? 0;
  }

  async putObject(bucket: string, object: string, data: string, generation: number): Promise<void> {
    this.calls.push(`put@${generation}`);
    const key = `${bucket}/${object}`;
    if (this.racesLeft > 0) {
      this.racesLeft--;
      this.objects.set(key, { data: 'other writer', generation: ++this.generation });
    }
    if ((this.objects.get(key)?.generation ?? 0) !== generation) {
      const message = 'At least one of the pre-conditions you specified did not hold.';
      throw Object.assign(new Error(message), { code: 412, errors: [{ reason: 'conditionNotMet', message }] });
    }
    this.objects.set(key, { data, generation: ++this.generation });
  }
}
