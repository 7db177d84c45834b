import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../../errors.js';
import { httpStatusOf, responseOfError } from './http-status.js';

test('gRPC codes map to the HTTP statuses of the console contract; others are 500', () => {
  const table: [Code, number][] = [
    [Code.INVALID_ARGUMENT, 400],
    [Code.UNAUTHENTICATED, 401],
    [Code.PERMISSION_DENIED, 403],
    [Code.NOT_FOUND, 404],
    [Code.ALREADY_EXISTS, 409],
    [Code.FAILED_PRECONDITION, 412],
    [Code.RESOURCE_EXHAUSTED, 429],
    [Code.UNIMPLEMENTED, 501],
    [Code.UNAVAILABLE, 503],
    [Code.INTERNAL, 500],
    [Code.UNKNOWN, 500],
    [Code.DEADLINE_EXCEEDED, 500],
  ];
  for (const [code, status] of table) assert.equal(httpStatusOf(code), status, Code[code]);
});

test('errors answer {"error":{"code","message"}}: a SpireError keeps its code and message, anything else is INTERNAL', () => {
  assert.deepEqual(responseOfError(new SpireError(Code.ALREADY_EXISTS, 'similar entry already exists')), {
    status: 409,
    json: { error: { code: 'ALREADY_EXISTS', message: 'similar entry already exists' } },
  });
  assert.deepEqual(responseOfError(new TypeError('boom')), { status: 500, json: { error: { code: 'INTERNAL', message: 'internal error: boom' } } });
});
