import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientEndpointOptions, testEndpoint } from './endpoints.js';
import { isGoogleUnavailable, withTimeout } from './errors.js';

describe('plugin-gcp', () => {
  it('names the test endpoint only when the variable is set, as REST fallback options', () => {
    assert.equal(testEndpoint({}), undefined);
    assert.deepEqual(clientEndpointOptions({}), {});
    assert.deepEqual(clientEndpointOptions({ SPIRE_TEST_GCP_ENDPOINT: 'http://127.0.0.1:8080/' }), {
      apiEndpoint: '127.0.0.1',
      port: 8080,
      protocol: 'http',
      fallback: true,
    });
  });

  it('tells an unreachable Google from a refusal', () => {
    assert.equal(isGoogleUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isGoogleUnavailable(Object.assign(new Error('x'), { code: 14 })), true);
    assert.equal(isGoogleUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { status: 503 }) })), true);
    assert.equal(isGoogleUnavailable(Object.assign(new Error('x'), { code: 7 })), false);
    assert.equal(isGoogleUnavailable(Object.assign(new Error('x'), { status: 404 })), false);
  });

  it('bounds a call that never settles', async () => {
    await assert.rejects(
      withTimeout(20, 'Google', () => new Promise(() => {})),
      (e: Error) => e.name === 'TimeoutError' && e.message === 'Google did not answer within 20 ms' && isGoogleUnavailable(e),
    );
    assert.equal(await withTimeout(1000, 'Google', async () => 7), 7);
  });
});

describe('crc32c', () => {
  it('matches the Castagnoli check value', async () => {
    const { crc32c } = await import('./crc32c.js');
    assert.equal(crc32c('123456789'), 0xe3069283);
    assert.equal(crc32c(new Uint8Array()), 0);
  });
});
