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
  assert.deepEqual({ ...s, results: undefined }, { live: false, ready: false, details: { x: { error: 'kaput' } }, results: undefined });
  assert.throws(() => checker.add('x', async () => ({ live: true, ready: true })), /already registered/);
});

test("once started, checks run in the background: every initialMs until healthy, then every steadyMs; probes read the last run", async () => {
  const records: { msg: string; check?: string; failures?: number }[] = [];
  const log = { error: (o: object, msg: string) => records.push({ ...o, msg }), warn: (o: object, msg: string) => records.push({ ...o, msg }), info: (o: object, msg: string) => records.push({ ...o, msg }) };
  const checker = new HealthChecker({ initialMs: 30, steadyMs: 400 });
  let runs = 0;
  let up = false;
  checker.add('server.ca', async () => {
    runs++;
    return up ? { live: true, ready: true } : { live: false, ready: false, details: { sign_x509_svid_err: 'no CA' } };
  });
  await checker.start(log as unknown as Parameters<HealthChecker['start']>[0]);
  try {
    assert.equal(runs, 1, 'one run before start resolves');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(runs >= 4, `unhealthy: re-checked about every 30 ms (${runs} runs)`);
    const before = runs;
    await checker.state();
    await checker.state();
    assert.ok(runs - before <= 1, 'probes do not run the checks');
    up = true;
    await new Promise((r) => setTimeout(r, 100));
    const healthyAt = runs;
    assert.equal((await checker.state()).ready, true);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(runs, healthyAt, 'healthy: the next run waits for steadyMs');
    assert.equal(records.filter((r) => r.msg === 'Health check failed').length, 1, 'the first failure is warned once');
    assert.ok(records.filter((r) => r.msg === 'Health check has failed').length >= 4, 'each failing run is logged');
    const recovered = records.find((r) => r.msg === 'Health check recovered');
    assert.equal(recovered?.check, 'server.ca');
    assert.ok((recovered?.failures ?? 0) >= 4);
  } finally {
    checker.stop();
  }
});

test('recheck runs the checks now, once even when asked during a run, and keeps the schedule', async () => {
  const checker = new HealthChecker({ initialMs: 10_000, steadyMs: 10_000 });
  let runs = 0;
  let up = true;
  checker.add('catalog.keymanager', async () => {
    runs++;
    await new Promise((r) => setTimeout(r, 20));
    return up ? { live: true, ready: true } : { live: false, ready: false };
  });
  await checker.start();
  try {
    assert.equal(runs, 1);
    up = false;
    assert.equal((await checker.state()).live, true, 'the last run is served until the next one');
    checker.recheck();
    checker.recheck();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(runs, 3, 'one run now, and one more for the recheck asked during it');
    assert.equal((await checker.state()).live, false);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(runs, 3, 'then the schedule again');
  } finally {
    checker.stop();
  }
});
