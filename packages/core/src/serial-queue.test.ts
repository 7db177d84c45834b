import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from './serial-queue.js';

test('runs operations one at a time, in order, and a failure stops only itself', async () => {
  const q = new SerialQueue();
  const seen: string[] = [];
  let running = 0;
  const op = (name: string, ms: number, fail = false) => async () => {
    running++;
    assert.equal(running, 1, 'never two at once');
    seen.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    running--;
    seen.push(`end ${name}`);
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const a = q.run(op('a', 20));
  const b = q.run(op('b', 5, true));
  const c = q.run(op('c', 1));
  assert.equal(await a, 'a');
  await assert.rejects(b, /b failed/);
  assert.equal(await c, 'c');
  assert.deepEqual(seen, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});
