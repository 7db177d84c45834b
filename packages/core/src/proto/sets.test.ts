import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protoSet } from './sets.js';

test('a set gives its files and its options with real constructors', () => {
  const api = protoSet('api');
  assert.ok(api.files.includes('spire/api/server/entry/v1/entry.proto'));
  assert.equal(api.options.keepCase, true);
  assert.equal(api.options.longs, Number);
  assert.equal(api.options.enums, String);
  assert.equal(api.options.bytes, Buffer);
  assert.equal(protoSet('plugin').options.keepCase, false);
  assert.deepEqual(protoSet('journal').files, ['spirets/ca/journal/journal.proto']);
  assert.deepEqual(protoSet('workload').files, ['spiffe/workload/workload.proto']);
});

test('an unknown set is refused by name', () => {
  assert.throws(() => protoSet('nope' as 'api'), /proto set "nope" is not in sets.json/);
});
