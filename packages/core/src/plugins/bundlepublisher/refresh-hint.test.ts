import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRefreshHint } from './refresh-hint.js';

test('a refresh hint in range: whole seconds, no notes', () => {
  assert.deepEqual(parseRefreshHint('10m'), { seconds: 600, notes: [] });
  assert.deepEqual(parseRefreshHint('90500ms'), { seconds: 90, notes: [] });
});

test('under 1 minute or 24 h and more: SPIRE notes', () => {
  assert.deepEqual(parseRefreshHint('30s').notes, ['Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute']);
  assert.match(parseRefreshHint('24h').notes[0]!, /^Bundle endpoint refresh hint set to a high value/);
});

test('not a duration: the error quotes it', () => {
  assert.throws(() => parseRefreshHint('soon'), { message: 'could not parse refresh hint "soon": invalid duration "soon"' });
});
