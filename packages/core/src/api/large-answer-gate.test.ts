import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../errors.js';
import { LargeAnswerGate, MAX_CONCURRENT_LARGE_ANSWERS } from './large-answer-gate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const never = new AbortController().signal;

test('a fourth concurrent large answer waits until one of the three running finishes', async () => {
  assert.equal(MAX_CONCURRENT_LARGE_ANSWERS, 3);
  const gate = new LargeAnswerGate();
  const started: number[] = [];
  const finish = [deferred(), deferred(), deferred(), deferred()];
  const runs = finish.map((d, i) =>
    gate.run(never, async () => {
      started.push(i);
      await d.promise;
      return i;
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  assert.equal(gate.running, 3);
  assert.equal(gate.waiting, 1);
  finish[1]!.resolve();
  assert.equal(await runs[1], 1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.equal(gate.running, 3);
  for (const d of finish) d.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(gate.running, 0);
});

test('waiters get their turn in arrival order', async () => {
  const gate = new LargeAnswerGate(1);
  const order: string[] = [];
  const first = deferred();
  const a = gate.run(never, async () => {
    order.push('a');
    await first.promise;
  });
  const b = gate.run(never, async () => void order.push('b'));
  const c = gate.run(never, async () => void order.push('c'));
  first.resolve();
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['a', 'b', 'c']);
});

test('a turn is released when the answer fails', async () => {
  const gate = new LargeAnswerGate(1);
  await assert.rejects(
    gate.run(never, async () => {
      throw new Error('store down');
    }),
    { message: 'store down' },
  );
  assert.equal(gate.running, 0);
  assert.equal(await gate.run(never, async () => 'next'), 'next');
});

test('a caller that goes away while waiting leaves the queue with CANCELLED and never runs', async () => {
  const gate = new LargeAnswerGate(1);
  const hold = deferred();
  const first = gate.run(never, () => hold.promise);
  const ac = new AbortController();
  let ran = false;
  const waiting = gate.run(ac.signal, async () => void (ran = true));
  assert.equal(gate.waiting, 1);
  ac.abort();
  await assert.rejects(waiting, (err: unknown) => {
    assert.ok(err instanceof SpireError);
    assert.equal(err.code, Code.CANCELLED);
    assert.equal(err.message, 'the client went away while waiting for its turn to build a large answer');
    return true;
  });
  assert.equal(gate.waiting, 0);
  hold.resolve();
  await first;
  assert.equal(ran, false);
  assert.equal(gate.running, 0);
});

test('the gate refuses a limit that is not a positive integer', () => {
  assert.throws(() => new LargeAnswerGate(0), { name: 'RangeError', message: 'the large-answer limit must be a positive integer, got 0' });
});
