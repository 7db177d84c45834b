import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleDocument } from './test-support/peer.js';
import { refresherFixture, spiffePeer, type RefresherFixture } from './test-support/fixture.js';

let f: RefresherFixture;
before(async () => {
  f = await refresherFixture();
});
after(() => f.close());

test('refreshStatus: the last attempt, success and error of each trust domain, and the next poll', async () => {
  const p = await spiffePeer('status.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle(120, 5)));
  await f.ds.setBundle(p.ca.bundle(300, 1));
  const m = f.manager({ federatesWith: [p.federatesWith] });
  await m.start();
  await f.waitLog('Scheduling next bundle refresh', 'status.test');
  const t0 = f.timers.now();
  assert.deepEqual(m.refreshStatus(), [{ trustDomain: 'status.test', lastAttempt: t0, lastSuccess: t0, nextRefresh: t0 + 30_000 }]);
  await p.endpoint.close();
  await assert.rejects(m.refreshBundle('status.test'));
  const [s] = m.refreshStatus();
  assert.equal(s!.lastSuccess, t0);
  assert.equal(s!.lastAttempt, f.timers.now());
  assert.equal(typeof s!.lastError, 'string');
  assert.notEqual(s!.lastError, '');
  await m.stop();
});
