import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Code, SpireError } from '../errors.js';
import { isSpireError, rejectsWith } from './spire-error-matcher.js';

it('isSpireError accepts only a SpireError with that code and exact message (or a matching RegExp)', async () => {
  const e = new SpireError(Code.NOT_FOUND, 'no such thing');
  assert.equal(isSpireError(Code.NOT_FOUND, 'no such thing')(e), true);
  assert.equal(isSpireError(Code.NOT_FOUND, /such/)(e), true);
  assert.throws(() => isSpireError(Code.INTERNAL, 'no such thing')(e));
  assert.throws(() => isSpireError(Code.NOT_FOUND, 'no such')(e));
  assert.throws(() => isSpireError(Code.NOT_FOUND, 'no such thing')(new Error('no such thing')));
  await rejectsWith(Promise.reject(e), Code.NOT_FOUND, 'no such thing');
  await assert.rejects(rejectsWith(Promise.resolve(1), Code.NOT_FOUND, 'no such thing'));
});
