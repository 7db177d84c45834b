import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadSource } from './load-lib.mjs';

// The app's HTTP client run against a stub fetch and a stub location: what the browser is told
// to do when the session has gone.
let A;
const realFetch = globalThis.fetch;
const assigned = [];
before(async () => {
  A = await loadSource('src/api.ts');
  globalThis.location = { assign: (url) => assigned.push(url) };
});
after(() => {
  globalThis.fetch = realFetch;
  delete globalThis.location;
});

test('several calls refused with 401 at once send the browser to the login page once', async () => {
  globalThis.fetch = async () => new globalThis.Response('{"error":{"code":"UNAUTHENTICATED","message":"no session"}}', { status: 401 });
  const results = await Promise.allSettled([
    A.rpc('entry/ListEntries', {}),
    A.rpc('entry/CountEntries', {}),
    A.getServer(),
  ]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal(r.reason.code, 'UNAUTHENTICATED');
    assert.equal(r.reason.status, 401);
  }
  // A second navigation would abort the first one mid-flight.
  assert.deepEqual(assigned, [A.LOGIN_EXPIRED]);
});
