import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { TD, workloadCsr } from '../test-support/fixture.js';
import { HOUR, newWorld, startManager } from '../test-support/manager-fixture.js';
import { opensslVerify } from '../test-support/openssl.js';
import { FakeCADataStore } from '../test-support/datastore-subset.fake.js';
import { hex, readCertificate } from '../x509/certificate.js';
import { activationThreshold, preparationThreshold } from './slots.js';
import { decodeJournalEntries } from './journal-codec.js';

const td = TD.idString();

describe('CA rotation with a fake clock', () => {
  it('thresholds follow SPIRE: prepare at min(life/2, 30d), activate at min(life/6, 7d) before expiry', () => {
    const day = 24 * HOUR;
    assert.equal(preparationThreshold(0, 24 * HOUR), 12 * HOUR);
    assert.equal(activationThreshold(0, 24 * HOUR), 20 * HOUR);
    assert.equal(preparationThreshold(0, 365 * day), 335 * day);
    assert.equal(activationThreshold(0, 365 * day), 358 * day);
  });

  it('starts with an active X.509 CA and JWT key, both in the bundle, and notifies', async () => {
    const w = newWorld();
    const { m, ca } = await startManager(w);
    const bundle = (await w.ds.fetchBundle(td))!;
    assert.equal(bundle.rootCas.length, 1);
    assert.equal(bundle.jwtSigningKeys.length, 1);
    const x = m.getX509AuthorityState();
    assert.equal(x.active?.authorityId, hex(readCertificate(bundle.rootCas[0]!.derBytes).subjectKeyId));
    assert.equal(x.prepared, undefined);
    assert.equal(ca.getJWTKey()?.kid, bundle.jwtSigningKeys[0]!.kid);
    // As SPIRE: start-up tells Notifiers BundleLoaded (the complete bundle), not BundleUpdated.
    assert.equal(w.notifier.updated.length, 0);
    assert.equal(w.notifier.loaded.length, 1);
    assert.equal(w.notifier.loaded[0]!.sequenceNumber, bundle.sequenceNumber);
    assert.ok(w.notifier.published.length >= 1);
    await m.close();
  });

  it('prepares the next CA at the preparation threshold, swaps at activation, prunes after expiry', async () => {
    const w = newWorld();
    const { m, ca } = await startManager(w);
    const first = m.getX509AuthorityState().active!;
    const firstJwt = m.getJWTAuthorityState().active!;
    const seq0 = (await w.ds.fetchBundle(td))!.sequenceNumber;

    // Before the threshold nothing happens.
    w.clock.add(11 * HOUR);
    await m.rotate();
    await m.settled();
    assert.equal(m.getX509AuthorityState().prepared, undefined);
    assert.equal((await w.ds.fetchBundle(td))!.sequenceNumber, seq0);

    // Past 12h of 24h: the next authorities are prepared and join the bundle.
    w.clock.add(1 * HOUR + 1000);
    const notices = w.notifier.updated.length;
    await m.rotate();
    await m.settled();
    const prepared = m.getX509AuthorityState().prepared!;
    assert.ok(prepared && prepared.authorityId !== first.authorityId);
    assert.ok(m.getJWTAuthorityState().prepared);
    const b1 = (await w.ds.fetchBundle(td))!;
    assert.equal(b1.rootCas.length, 2);
    assert.equal(b1.jwtSigningKeys.length, 2);
    assert.ok(b1.sequenceNumber > seq0);
    assert.ok(w.notifier.updated.length > notices, 'notifiers told of the new authorities');
    assert.equal(w.notifier.updated.at(-1)!.sequenceNumber, b1.sequenceNumber);
    assert.equal(hex(ca.getX509CA()!.certificate.subjectKeyId), first.authorityId, 'still signing with the first CA');

    // Past 20h: the prepared CA becomes active, the first becomes old.
    w.clock.add(8 * HOUR);
    await m.rotate();
    await m.settled();
    const st = m.getX509AuthorityState();
    assert.equal(st.active!.authorityId, prepared.authorityId);
    assert.equal(st.old!.authorityId, first.authorityId);
    assert.equal(m.getJWTAuthorityState().old!.authorityId, firstJwt.authorityId);
    assert.equal(hex(ca.getX509CA()!.certificate.subjectKeyId), prepared.authorityId);

    // SVIDs from the new CA verify against the bundle, which still trusts the old one.
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    const v = opensslVerify(b1.rootCas.map((r) => r.derBytes), certChain[0]!, [], Math.floor(w.clock.now() / 1000));
    assert.ok(v.ok, v.out);

    // A day after the first CA expired, pruning drops it and bumps the sequence number.
    const firstNotAfter = Date.parse(new X509Certificate(Buffer.from(b1.rootCas[0]!.derBytes)).validTo);
    w.clock.set(firstNotAfter + 24 * HOUR + 1000);
    const seqBefore = (await w.ds.fetchBundle(td))!.sequenceNumber;
    const seen = w.notifier.updated.length;
    assert.equal(await m.pruneBundle(), true);
    await m.settled();
    const b2 = (await w.ds.fetchBundle(td))!;
    assert.equal(b2.rootCas.length, 1);
    assert.equal(hex(readCertificate(b2.rootCas[0]!.derBytes).subjectKeyId), prepared.authorityId);
    assert.equal(b2.sequenceNumber, seqBefore + 1);
    assert.ok(w.notifier.updated.length > seen);
    assert.equal(await m.pruneBundle(), false, 'nothing more to prune');
    await m.close();
  });
});

describe('journal recovery', () => {
  it('a restart reuses the active keys and does not rotate', async () => {
    const w = newWorld();
    const a = await startManager(w);
    const before = a.m.getX509AuthorityState().active!;
    const jwtBefore = a.m.getJWTAuthorityState().active!;
    const keysBefore = (await w.km.getPublicKeys()).map((k) => k.fingerprint).sort();
    const bundleBefore = (await w.ds.fetchBundle(td))!;
    await a.m.close();

    w.clock.add(HOUR);
    const b = await startManager(w);
    assert.deepEqual(b.m.getX509AuthorityState().active, before);
    assert.deepEqual(b.m.getJWTAuthorityState().active, jwtBefore);
    assert.deepEqual((await w.km.getPublicKeys()).map((k) => k.fingerprint).sort(), keysBefore, 'no key generated');
    assert.equal((await w.ds.fetchBundle(td))!.sequenceNumber, bundleBefore.sequenceNumber, 'bundle unchanged');
    assert.equal(hex(b.ca.getX509CA()!.certificate.subjectKeyId), before.authorityId);
    await b.m.close();
  });

  it('a restart keeps a prepared next authority and activates it on time', async () => {
    const w = newWorld();
    const a = await startManager(w);
    w.clock.add(13 * HOUR);
    await a.m.rotate();
    const prepared = a.m.getX509AuthorityState().prepared!;
    await a.m.close();

    const b = await startManager(w);
    assert.deepEqual(b.m.getX509AuthorityState().prepared, prepared);
    w.clock.add(8 * HOUR);
    await b.m.rotate();
    assert.equal(b.m.getX509AuthorityState().active!.authorityId, prepared.authorityId);
    await b.m.close();
  });

  it('ignores a journal entry whose key the KeyManager no longer has, and starts a fresh CA', async () => {
    const w = newWorld();
    const a = await startManager(w);
    const old = a.m.getX509AuthorityState().active!;
    await a.m.close();
    // The KeyManager replaced the slot's key (e.g. keys.json restored from elsewhere).
    await w.km.generateKey('x509-CA-A', 'ec-p256');
    await w.km.generateKey('x509-CA-B', 'ec-p256');
    const b = await startManager(w);
    assert.notEqual(b.m.getX509AuthorityState().active!.authorityId, old.authorityId);
    await b.m.close();
  });

  it('prunes journals whose authorities all expired two weeks ago', async () => {
    const w = newWorld();
    const a = await startManager(w);
    await a.m.close();
    const ds = w.ds as FakeCADataStore;
    assert.equal((await ds.listJournals()).length, 1);
    const [rec] = await ds.listJournals();
    const entries = decodeJournalEntries(rec!.data);
    const lastExpiry = Math.max(...entries.x509CAs.map((e) => e.notAfter), ...entries.jwtKeys.map((e) => e.notAfter));
    assert.equal(rec!.expiresAt, lastExpiry, 'the record tells a real DataStore when it may be pruned');
    w.clock.add(24 * HOUR + 13 * 24 * HOUR);
    await a.m.pruneCAJournals();
    assert.equal((await ds.listJournals()).length, 1, 'not yet two weeks past expiry');
    w.clock.add(2 * 24 * HOUR);
    await a.m.pruneCAJournals();
    assert.equal((await ds.listJournals()).length, 0);
  });
});

describe('a KeyManager outside this process', () => {
  it('prepares, activates and signs through signData only', async () => {
    const { remoteLike } = await import('../test-support/fixture.js');
    const w = newWorld();
    const inner = w.km;
    w.km = remoteLike(inner);
    const pool = w.pool as unknown as { tasks: unknown[] };
    const { m, ca } = await startManager(w);
    assert.equal(pool.tasks.length, 0, 'nothing was signed in the worker pool');
    const bundle = (await w.ds.fetchBundle(td))!;
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    const v = opensslVerify(bundle.rootCas.map((r) => r.derBytes), certChain[0]!, [], Math.floor(w.clock.now() / 1000));
    assert.ok(v.ok, v.out);
    assert.ok(ca.getJWTKey());
    await m.close();
  });
});

describe('failed rotations (the server.ca.rotator health check)', () => {
  it('counts each failed X.509 CA and JWT key preparation, and never resets the count', async () => {
    const w = newWorld();
    const { m } = await startManager(w);
    assert.equal(m.rotationFailures(), 0);
    w.clock.add(12 * HOUR + 1000);
    const generateKey = w.km.generateKey.bind(w.km);
    w.km.generateKey = async () => {
      throw new Error('key manager is gone');
    };
    await assert.rejects(m.rotate(), /key manager is gone/);
    assert.equal(m.rotationFailures(), 2, 'the X.509 CA and the JWT key each failed to prepare');
    w.km.generateKey = generateKey;
    await m.rotate();
    assert.equal(m.rotationFailures(), 2, 'a later success does not reset the count');
    await m.close();
  });
});
