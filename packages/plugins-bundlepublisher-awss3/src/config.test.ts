import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '@spire-ts/core/plugin';
import { parseAwsS3Config } from './config.js';

test('SPIRE Minio sample: every option read', () => {
  const raw = parseHcl(`
    endpoint = "https://my-org-minio.example.org"
    region = "minio-sample-region"
    access_key_id  = "minio-key-id"
    secret_access_key = "minio-access-key"
    bucket = "spire-trust-bundle"
    object_key = "example.org"
    format = "SPIFFE"
    refresh_hint = "10m"`);
  assert.deepEqual(parseAwsS3Config(raw), {
    config: {
      accessKeyId: 'minio-key-id',
      secretAccessKey: 'minio-access-key',
      region: 'minio-sample-region',
      bucket: 'spire-trust-bundle',
      objectKey: 'example.org',
      format: 'spiffe',
      endpoint: 'https://my-org-minio.example.org',
      refreshHintSeconds: 600,
      notes: [],
    },
    problems: [],
  });
});

test('without credentials or endpoint: default chain, AWS endpoint', () => {
  const c = parseAwsS3Config({ region: 'us-east-1', bucket: 'b', object_key: 'k', format: 'pem' }).config;
  assert.deepEqual([c?.accessKeyId, c?.secretAccessKey, c?.endpoint, c?.refreshHintSeconds], ['', '', '', 0]);
});

test('every missing required option is named, as SPIRE', () => {
  assert.deepEqual(parseAwsS3Config({}).problems, [
    'configuration is missing the region',
    'configuration is missing the bucket name',
    'configuration is missing the object key',
    'configuration is missing the bundle format',
    'could not parse bundle format from configuration: unknown bundle format: ""',
  ]);
});

test('an unknown format, a bad endpoint and a bad refresh_hint are refused together', () => {
  const p = parseAwsS3Config({ region: 'r', bucket: 'b', object_key: 'k', format: 'yaml', endpoint: 'not a url', refresh_hint: 'soon' }).problems;
  assert.equal(p.length, 3);
  assert.equal(p[0], 'could not parse endpoint url: parse "not a url": invalid URI for request');
  assert.equal(p[1], 'could not parse bundle format from configuration: unknown bundle format: "yaml"');
  assert.match(p[2]!, /^could not parse refresh_hint: could not parse refresh hint "soon": /);
});

test('refresh hints outside 1m..24h give SPIRE notes', () => {
  const c = (h: string) => parseAwsS3Config({ region: 'r', bucket: 'b', object_key: 'k', format: 'spiffe', refresh_hint: h }).config;
  assert.deepEqual(c('30s')?.notes, ['Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute']);
  assert.equal(c('30s')?.refreshHintSeconds, 30);
  assert.match(c('48h')!.notes[0]!, /^Bundle endpoint refresh hint set to a high value/);
});

test('unknown options are refused', () => {
  assert.deepEqual(parseAwsS3Config({ region: 'r', bucket: 'b', object_key: 'k', format: 'pem', use_path_style: true }).problems, ['unknown option use_path_style']);
});
