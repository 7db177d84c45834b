import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '@spire-ts/core/plugin';
import { parseGcpCloudStorageConfig } from './config.js';

test("SPIRE's sample: every option read", () => {
  const raw = parseHcl(`
    service_account_file = "/path/to/service/account/file"
    bucket_name = "spire-bundle"
    object_name = "example.org"
    format = "spiffe"
    refresh_hint = "1h"`);
  assert.deepEqual(parseGcpCloudStorageConfig(raw), {
    config: { bucketName: 'spire-bundle', objectName: 'example.org', format: 'spiffe', serviceAccountFile: '/path/to/service/account/file', refreshHintSeconds: 3600, notes: [] },
    problems: [],
  });
});

test('every missing required option is named, as SPIRE', () => {
  assert.deepEqual(parseGcpCloudStorageConfig({}).problems, [
    'configuration is missing the bucket name',
    'configuration is missing the object name',
    'configuration is missing the bundle format',
    'could not parse bundle format from configuration: unknown bundle format: ""',
  ]);
});

test('an unknown format and a bad refresh_hint are refused together; formats are case-insensitive', () => {
  const p = parseGcpCloudStorageConfig({ bucket_name: 'b', object_name: 'o', format: 'yaml', refresh_hint: 'soon' }).problems;
  assert.equal(p.length, 2);
  assert.equal(p[0], 'could not parse bundle format from configuration: unknown bundle format: "yaml"');
  assert.match(p[1]!, /^could not parse refresh_hint: could not parse refresh hint "soon": /);
  assert.equal(parseGcpCloudStorageConfig({ bucket_name: 'b', object_name: 'o', format: 'JWKS' }).config?.format, 'jwks');
});

test('refresh hints outside 1m..24h give SPIRE notes', () => {
  const c = (h: string) => parseGcpCloudStorageConfig({ bucket_name: 'b', object_name: 'o', format: 'spiffe', refresh_hint: h }).config;
  assert.deepEqual(c('30s')?.notes, ['Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute']);
  assert.match(c('48h')!.notes[0]!, /^Bundle endpoint refresh hint set to a high value/);
});

test('unknown options are refused', () => {
  assert.deepEqual(parseGcpCloudStorageConfig({ bucket_name: 'b', object_name: 'o', format: 'pem', bucket: 'x' }).problems, ['unknown option bucket']);
});
