import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { googleApiCode, googleApiError } from './google-api-error.js';

describe('googleApiError', () => {
  it('reads a REST fallback rejection (HTTP status, Google JSON as the message)', () => {
    const body = { error: { code: 409, message: "Resource 'x' already exists", status: 'ALREADY_EXISTS' } };
    const g = googleApiError(Object.assign(new Error(JSON.stringify(body)), { status: 409 }));
    assert.deepEqual(g, { httpStatus: 409, status: 'ALREADY_EXISTS', message: "Resource 'x' already exists", reasons: [] });
    assert.equal(googleApiCode(g, Code.UNKNOWN), Code.ALREADY_EXISTS);
  });

  it('reads a Cloud Storage ApiError (code, errors[].reason) and a GaxiosError (response.data)', () => {
    const api = googleApiError(Object.assign(new Error('At least one of the pre-conditions you specified did not hold.'), { code: 412, errors: [{ reason: 'conditionNotMet' }] }));
    assert.deepEqual([api.httpStatus, api.status, api.reasons], [412, 'FAILED_PRECONDITION', ['conditionNotMet']]);
    const data = { error: { code: 412, message: 'pre-conditions', errors: [{ reason: 'conditionNotMet' }] } };
    const gx = googleApiError(Object.assign(new Error('Request failed with status code 412'), { status: 412, response: { status: 412, data } }));
    assert.deepEqual([gx.httpStatus, gx.message, gx.reasons], [412, 'pre-conditions', ['conditionNotMet']]);
  });

  it('a network failure or a deadline is UNAVAILABLE / DEADLINE_EXCEEDED', () => {
    const refused = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    assert.equal(googleApiError(refused).status, 'UNAVAILABLE');
    assert.equal(googleApiError(Object.assign(new Error('slow'), { name: 'TimeoutError' })).status, 'DEADLINE_EXCEEDED');
    assert.equal(googleApiCode(googleApiError(new Error('odd')), Code.INTERNAL), Code.INTERNAL);
  });
});
