import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BundleCache, sameJwtKeys, sameRoots } from './bundle-cache.js';

const root = (b: number, tainted = false) => ({ asn1: new Uint8Array([b]), tainted });
const key = (kid: string, expiresAt = 1) => ({ publicKey: new Uint8Array([1]), keyId: kid, expiresAt, tainted: false });

describe('bundle cache', () => {
  it('keeps a poll result only when no local change happened since the poll began', () => {
    const c = new BundleCache();
    const v = c.version;
    c.setJwtAuthorities([key('minted')]);
    assert.equal(c.setIfVersion({ x509Authorities: [root(1)], jwtAuthorities: [] }, v), false);
    assert.deepEqual(c.get().jwtAuthorities.map((k) => k.keyId), ['minted']);
    assert.equal(c.setIfVersion({ x509Authorities: [root(1)], jwtAuthorities: [key('polled')] }, c.version), true);
    assert.deepEqual(c.get().jwtAuthorities.map((k) => k.keyId), ['polled']);
  });

  it('wakes waiters on every change', async () => {
    const c = new BundleCache();
    const woke = c.changed();
    c.setX509Authorities([root(2)]);
    await woke;
    const again = c.changed();
    assert.notEqual(again, woke);
    c.setIfVersion({ x509Authorities: [], jwtAuthorities: [] }, c.version);
    await again;
  });

  it('compares roots and keys in order, every field', () => {
    assert.ok(sameRoots([root(1), root(2)], [root(1), root(2)]));
    assert.ok(!sameRoots([root(1), root(2)], [root(2), root(1)]));
    assert.ok(!sameRoots([root(1)], [root(1, true)]));
    assert.ok(sameJwtKeys([key('a')], [key('a')]));
    assert.ok(!sameJwtKeys([key('a')], [key('a', 2)]));
    assert.ok(!sameJwtKeys([key('a')], []));
  });
});
