import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runOnSignal, serialized, type SignalAction } from './signal-actions.js';
import { silentLogger } from '../log/logger.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('signal actions', () => {
  it('serialized: a call during a run queues one more run, however many calls come', async () => {
    const gates = [gate(), gate()];
    let runs = 0;
    const trigger = serialized(async () => {
      await gates[runs++]?.opened;
    });
    const first = trigger();
    const queued = [trigger(), trigger(), trigger()];
    assert.equal(runs, 1);
    gates[0]!.open();
    await first;
    gates[1]!.open();
    await Promise.all(queued);
    assert.equal(runs, 2);
    await trigger();
    assert.equal(runs, 3);
  });

  it('serialized: a failing run does not stop the next', async () => {
    let runs = 0;
    const trigger = serialized(async () => {
      runs++;
      throw new Error('boom');
    });
    await trigger();
    await trigger();
    assert.equal(runs, 2);
  });

  it('runOnSignal runs every action in order, an action pushed later too, a throwing one not stopping the rest; removal stops it', async () => {
    const order: string[] = [];
    const actions: SignalAction[] = [
      () => {
        order.push('a');
        throw new Error('a fails');
      },
    ];
    const remove = runOnSignal('SIGUSR1', actions, silentLogger());
    actions.push(() => {
      order.push('b');
    });
    process.emit('SIGUSR1', 'SIGUSR1');
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(order, ['a', 'b']);
    remove();
    remove();
    assert.equal(process.listenerCount('SIGUSR1'), 0);
  });
});
