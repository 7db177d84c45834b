import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeErrorMessage, kubeUnavailable } from './api-errors.js';

const apiErr = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });

test('a request that got no answer: its text and its cause', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
  assert.equal(kubeErrorMessage(refused), 'fetch failed: connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(kubeUnavailable(refused), true);
  assert.equal(kubeUnavailable(new Error('fetch failed')), false, 'only undici’s TypeError means no answer');
});

test('unavailable: the API server says it is overloaded or unavailable', () => {
  for (const code of [429, 502, 503, 504]) assert.equal(kubeUnavailable(apiErr(code, undefined)), true, String(code));
  for (const code of [400, 401, 403, 404, 409, 500]) assert.equal(kubeUnavailable(apiErr(code, undefined)), false, String(code));
});
