import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { S3Emulator } from '@spire-ts/emulator-aws';
import { ServerProcess } from './harness.js';

const until = async (what: string, cond: () => Promise<boolean>, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const publisher = (s3: S3Emulator, format: string, key: string) => `BundlePublisher "aws_s3" {
    plugin_data {
      region = "us-east-1"
      bucket = "spire-trust-bundle"
      object_key = "${key}"
      format = "${format}"
      endpoint = "${s3.endpoint}"
      access_key_id = "S3RVER"
      secret_access_key = "S3RVER"
    }
  }`;

describe('BundlePublisher aws_s3 in a real spire-server run, on s3rver', { timeout: 180_000 }, () => {
  let s3: S3Emulator;
  const server = new ServerProcess();
  let caFingerprint = '';

  before(async () => {
    s3 = await S3Emulator.start();
  });
  after(async () => {
    await server.stop();
    await s3.close();
  });

  /** Runs the server with the publisher in `format` and returns the object it put. */
  async function published(format: string, key: string): Promise<string> {
    await server.start({ extraPlugins: publisher(s3, format, key) });
    try {
      caFingerprint = new X509Certificate(await server.bundlePem()).fingerprint256;
      let body: string | undefined;
      await until(`the ${format} object`, async () => (body = await s3.read(key)) !== undefined, 40_000);
      return body!;
    } finally {
      await server.stop({ keepDir: true });
    }
  }

  it('spiffe: the SPIFFE bundle with the server CA as x509-svid key and the JWT key', async () => {
    const doc = JSON.parse(await published('spiffe', 'bundle.spiffe')) as { keys: { use: string; kid?: string; x5c?: string[] }[]; spiffe_sequence?: number };
    const x509 = doc.keys.filter((k) => k.use === 'x509-svid');
    assert.equal(x509.length, 1);
    assert.equal(new X509Certificate(Buffer.from(x509[0]!.x5c![0]!, 'base64')).fingerprint256, caFingerprint);
    assert.ok(doc.keys.some((k) => k.use === 'jwt-svid' && typeof k.kid === 'string'));
    assert.ok((doc.spiffe_sequence ?? 0) > 0);
  });

  it('jwks: the same keys with no "use"', async () => {
    const doc = JSON.parse(await published('jwks', 'bundle.jwks')) as { keys: { use?: string; kid?: string; x5c?: string[] }[] };
    assert.ok(doc.keys.every((k) => k.use === undefined));
    const x509 = doc.keys.filter((k) => k.x5c);
    assert.equal(new X509Certificate(Buffer.from(x509[0]!.x5c![0]!, 'base64')).fingerprint256, caFingerprint);
    assert.ok(doc.keys.some((k) => k.kid && !k.x5c), 'the JWT key is there');
  });

  it('pem: the X.509 authorities only, as PEM', async () => {
    const text = await published('pem', 'bundle.pem');
    assert.equal(text.match(/-----BEGIN CERTIFICATE-----/g)?.length, 1);
    assert.equal(new X509Certificate(text).fingerprint256, caFingerprint);
    assert.deepEqual(s3.puts.filter((p) => p === 'spire-trust-bundle/bundle.pem').length >= 1, true);
  });
});
