import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { CallerSvid } from '../api/caller.js';
import { SpiffeId } from '../spiffeid/index.js';
import { SessionStore } from './session.js';

const MIN = 60_000;

test('a session ends after the idle timeout without use', () => {
  let now = 1_000_000;
  const store = new SessionStore(15 * MIN, () => now);
  const s = store.create({ via: 'login_link', remote: '127.0.0.1' });
  assert.equal(s.idleExpiresAt, 1_000_000 + 15 * MIN);
  now += 15 * MIN - 1;
  assert.equal(store.get(s.id)?.id, s.id);
  now += 1;
  assert.equal(store.get(s.id), undefined);
  assert.equal(store.size, 0, 'an expired session is forgotten');
});

test('each use with touch moves the idle expiry forward', () => {
  let now = 0;
  const store = new SessionStore(10 * MIN, () => now);
  const s = store.create({ via: 'login_link', remote: '127.0.0.1' });
  for (let i = 0; i < 5; i++) {
    now += 9 * MIN;
    assert.ok(store.get(s.id, { touch: true }), `use ${i}`);
  }
  assert.equal(s.idleExpiresAt, now + 10 * MIN);
  now += 9 * MIN;
  assert.ok(store.get(s.id), 'a read without touch does not move it');
  now += 1 * MIN;
  assert.equal(store.get(s.id), undefined);
});

test('a login-link session is named after its id; ids and CSRF tokens are 256-bit and distinct', () => {
  const store = new SessionStore(MIN);
  const a = store.create({ via: 'login_link', remote: '::1' });
  const b = store.create({ via: 'login_link', remote: '::1' });
  assert.match(a.id, /^[0-9a-f]{64}$/);
  assert.match(a.csrfToken, /^[0-9a-f]{64}$/);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.id, a.csrfToken);
  assert.equal(a.user, `link:${a.id.slice(0, 8)}`);
});

test('a client-certificate session is named after its SPIFFE ID and ends when the certificate expires', () => {
  let now = 0;
  const store = new SessionStore(60 * MIN, () => now);
  const svid = { id: SpiffeId.parse('spiffe://example.org/admin'), serialNumber: '1', notAfter: new Date(5 * MIN), cert: {} as X509Certificate } satisfies CallerSvid;
  const s = store.create({ via: 'client_certificate', remote: '127.0.0.1', svid });
  assert.equal(s.user, 'spiffe://example.org/admin');
  now = 5 * MIN - 1;
  assert.ok(store.get(s.id));
  now = 5 * MIN;
  assert.equal(store.get(s.id), undefined);
});

test('delete ends a session; unknown and missing ids find nothing', () => {
  const store = new SessionStore(MIN);
  const s = store.create({ via: 'login_link', remote: '127.0.0.1' });
  store.delete(s.id);
  assert.equal(store.get(s.id), undefined);
  assert.equal(store.get(undefined), undefined);
  assert.equal(store.get('nope'), undefined);
  store.delete('nope');
});
