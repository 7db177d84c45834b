/**
 * S3 for tests: s3rver (a real S3 emulator from npm) on 127.0.0.1, started and read back through
 * the real S3 client. Path-style only, as s3rver serves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** A running s3rver on 127.0.0.1 (ephemeral port, temp dir) with bucket `spire-trust-bundle`. */
export class S3Emulator {
  /** Object PUTs seen, as `bucket/key`. */
  readonly puts: string[] = [];

  private server: S3rver | undefined;

  private port = 0;

  private constructor(private readonly dir: string) {}

  /** The endpoint URL, path-style. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<S3Emulator> {
    const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
    const e = new S3Emulator(dir);
    await e.listen(0);
    return e;
  }

  private async listen(port: number): Promise<void> {
    const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: this.dir, configureBuckets: [{ name: 'spire-trust-bundle' }] });
    server.on('event', (e) => {
      for (const r of e.Records) if (r.eventName === 'ObjectCreated:Put') this.puts.push(`${r.s3.bucket.name}/${r.s3.object.key}`);
    });
    this.port = (await server.run()).port;
    this.server = server;
  }

  /** plugin_data pointing at this emulator, with static credentials. */
  pluginData(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      endpoint: this.endpoint,
      region: 'us-east-1',
      access_key_id: 'S3RVER',
      secret_access_key: 'S3RVER',
      bucket: 'spire-trust-bundle',
      object_key: 'example.org',
      format: 'spiffe',
      ...over,
    };
  }

  /** The object's body read back through the real SDK, or undefined when it does not exist. */
  async read(key: string, bucket = 'spire-trust-bundle'): Promise<string | undefined> {
    const c = new S3Client({ region: 'us-east-1', endpoint: this.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const o = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await o.Body!.transformToString();
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    } finally {
      c.destroy();
    }
  }

  /** Stops the server (the port refuses connections); safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  /** Starts the server again on the same port and directory, after {@link stop}. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
