import assert from 'node:assert/strict';
import { SpireError, type Code } from '../errors.js';

/**
 * A validator for `assert.rejects`: the error is a SpireError with exactly `code`, and exactly
 * `message` (a string) or a message that `message` matches (a RegExp).
 */
export function isSpireError(code: Code, message: string | RegExp): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof SpireError, `not a SpireError: ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

/** Asserts that `p` rejects with a SpireError of `code` and `message` (see isSpireError). */
export async function rejectsWith(p: Promise<unknown>, code: Code, message: string | RegExp): Promise<void> {
  await assert.rejects(p, isSpireError(code, message));
}
