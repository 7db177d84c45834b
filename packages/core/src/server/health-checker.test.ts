import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthChecker, startHealthListener } from './health-checker.js';
import { silentLogger } from '../log/logger.js';

test('live and ready paths answer 200 or 500 with per-subsystem details', async () => {
  const checker = new HealthChecker();
  let dbUp = true;
  checker.add('catalog.datastore', async () => (dbUp ? { live: true, ready: true } : { live: false, ready: false, details: { datastore_err: 'down' } }));
  const l = await startHealthListener(checker, { bindAddress: '127.0.0.1', bindPort: 0, livePath: '/live', readyPath: '/ready' }, silentLogger());
  try {
    const base = `http://127.0.0.1:${l.port}`;
    let r = await fetch(`${base}/ready`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { 'catalog.datastore': {} });
    dbUp = false;
    await new Promise((res) => setTimeout(res, 1100));
    r = await fetch(`${base}/ready`);
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { 'catalog.datastore': { datastore_err: 'down' } });
    r = await fetch(`${base}/live`);
    assert.equal(r.status, 500);
    r = await fetch(`${base}/other`);
    assert.equal(r.status, 404);
  } finally {
    await l.close();
  }
});

test('a check that throws counts as not live and not ready; names are unique', async () => {
  const checker = new HealthChecker();
  checker.add('x', async () => {
    throw new Error('kaput');
  });
  const s = await checker.state();
  assert.deepEqual(s, { live: false, ready: false, details: { x: { error: 'kaput' } } });
  assert.throws(() => checker.add('x', async () => ({ live: true, ready: true })), /already registered/);
});
