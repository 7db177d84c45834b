import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPollDelayMs, refreshHintMs } from './interval.js';
import { PeerCA } from './test-support/peer.js';

const MIN = 60_000;
const HOUR = 3600_000;

test('the bundle hint, divided by 4, sets the next poll (SPIRE default 300 s -> 75 s)', async () => {
  const ca = await PeerCA.create('hint.test');
  assert.equal(nextPollDelayMs(ca.bundle(300)), 75_000);
  assert.equal(nextPollDelayMs(ca.bundle(86_400)), 6 * HOUR, 'no upper bound');
});

test('a hint under a minute counts as one minute: polls are at least 15 s apart', async () => {
  const ca = await PeerCA.create('short.test');
  assert.equal(refreshHintMs(ca.bundle(5)), MIN);
  assert.equal(nextPollDelayMs(ca.bundle(5)), 15_000);
});

test('no hint (0): a tenth of the shortest root lifetime, at least a minute', async () => {
  const now = Date.now();
  const long = await PeerCA.create('a.test', { notBefore: now, notAfter: now + 100 * HOUR });
  const short = await PeerCA.create('b.test', { notBefore: now, notAfter: now + 20 * HOUR });
  assert.equal(refreshHintMs(long.bundle(0, 1, [short.root.der])), 2 * HOUR);
  assert.equal(nextPollDelayMs(long.bundle(0, 1, [short.root.der])), 30 * MIN);
  const tiny = await PeerCA.create('c.test', { notBefore: now, notAfter: now + 5 * MIN });
  assert.equal(nextPollDelayMs(tiny.bundle(0)), 15_000);
});

test('no hint and no X.509 authority: one minute, then / 4', () => {
  assert.equal(nextPollDelayMs({ trustDomainId: 'spiffe://jwt.test', rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 }), 15_000);
});

test('no bundle at all (nothing stored, nothing fetched): one minute', () => {
  assert.equal(nextPollDelayMs(undefined), MIN);
});
