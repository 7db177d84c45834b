import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log/logger.js';
import { pinoLevelControl } from './log-levels.js';
import { startHarness } from './testing/harness.js';

// The roots below write to stderr, but nothing logs through them.
// logrus has a PANIC level above FATAL, and SPIRE's logger API reports each as itself
// (pkg/common/api/logger: APILevel / LogrusLevel map them one to one).
test('the PANIC log level is reported as PANIC, never FATAL: launch level, set, get and reset', async () => {
  const root = createLogger({ level: 'PANIC' });
  const h = await startHarness({ logLevels: pinoLevelControl(root) });
  try {
    const c = h.local('logger');
    assert.deepEqual(await c.call('GetLogger', {}), { current_level: 'PANIC', launch_level: 'PANIC' });
    assert.deepEqual(await c.call('SetLogLevel', { new_level: 'FATAL' }), { current_level: 'FATAL', launch_level: 'PANIC' });
    assert.deepEqual(await c.call('SetLogLevel', { new_level: 'PANIC' }), { current_level: 'PANIC', launch_level: 'PANIC' });
    assert.deepEqual(await c.call('SetLogLevel', { new_level: 'INFO' }), { current_level: 'INFO', launch_level: 'PANIC' });
    assert.deepEqual(await c.call('ResetLogLevel', {}), { current_level: 'PANIC', launch_level: 'PANIC' });
  } finally {
    await h.close();
  }
});

test('at PANIC even fatal records are dropped, as logrus drops them; at FATAL they are written', () => {
  const root = createLogger({ level: 'PANIC' });
  assert.equal(root.isLevelEnabled('fatal'), false);
  const ctl = pinoLevelControl(root);
  ctl.set('fatal');
  assert.equal(root.isLevelEnabled('fatal'), true);
  assert.equal(root.isLevelEnabled('error'), false);
});
