import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGcsBundleConfig } from './config.js';

describe('gcs_bundle configuration', () => {
  it('reads bucket, object_path and service_account_file', () => {
    assert.deepEqual(parseGcsBundleConfig({ bucket: 'b', object_path: 'o/p.pem', service_account_file: '/k.json' }).config, {
      bucket: 'b',
      objectPath: 'o/p.pem',
      serviceAccountFile: '/k.json',
    });
  });

  it("names every missing option with SPIRE's messages, and unknown options", () => {
    assert.deepEqual(parseGcsBundleConfig({ object: 'x' }).problems, ['bucket must be set', 'object_path must be set', 'unknown option object']);
  });
});
