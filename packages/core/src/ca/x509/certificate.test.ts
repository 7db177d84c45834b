import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { batchedRandom, randomSerial } from './certificate.js';

test('batchedRandom: serves copies of one draw, then draws again', () => {
  const draws: number[] = [];
  const random = batchedRandom(2, (n) => {
    draws.push(n);
    return randomBytes(n);
  });
  const got = [random(16), random(16), random(16)];
  assert.deepEqual(draws, [32, 32], 'one draw for the two serials asked for, one more after');
  for (const b of got) {
    assert.equal(b.length, 16);
    assert.equal(b.buffer.byteLength, 16, 'a copy of its own, not a view of the draw');
  }
  assert.equal(new Set(got.map((b) => Buffer.from(b).toString('hex'))).size, 3);
});

test('randomSerial: re-draws an all-zero serial', () => {
  const zeros = new Uint8Array(16);
  const one = Uint8Array.of(1, ...new Uint8Array(15));
  const seq = [zeros, zeros, one];
  assert.deepEqual(randomSerial(() => seq.shift()!), one);
});
