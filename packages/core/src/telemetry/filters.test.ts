import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricFilter } from './filters.js';

const none = { allowedPrefixes: [], blockedPrefixes: [], allowedLabels: [], blockedLabels: [] };

test('without filters every metric and label is kept', () => {
  const f = new MetricFilter(none);
  assert.equal(f.allowsMetric('spire_server.rpc.entry'), true);
  assert.equal(f.allowsLabel('host'), true);
});

test('the longest matching prefix decides; unmatched keys are allowed', () => {
  const f = new MetricFilter({ ...none, allowedPrefixes: ['spire_server.rpc.entry'], blockedPrefixes: ['spire_server.rpc'] });
  assert.equal(f.allowsMetric('spire_server.rpc.entry.v1.entry.list_entries'), true);
  assert.equal(f.allowsMetric('spire_server.rpc.svid.v1.svid.new_jwtsvid'), false);
  assert.equal(f.allowsMetric('spire_server.started'), true);
});

test('AllowedLabels, when set, keeps only those labels; else BlockedLabels drops its labels', () => {
  const allow = new MetricFilter({ ...none, allowedLabels: ['status'], blockedLabels: ['status', 'host'] });
  assert.equal(allow.allowsLabel('status'), true);
  assert.equal(allow.allowsLabel('host'), false);
  const block = new MetricFilter({ ...none, blockedLabels: ['host'] });
  assert.equal(block.allowsLabel('host'), false);
  assert.equal(block.allowsLabel('status'), true);
});
