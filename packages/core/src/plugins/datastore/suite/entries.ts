import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { makeBundle, makeEntry, rejectsWith, sortedSelectors, uid, uniqueTd, type SuiteContext } from './context.js';

/** Entry create / fetch / update / delete, similar entries and revisions. */
export function entryTests(ctx: SuiteContext): void {
  describe('entries', () => {
    it('creates an entry with a generated UUID and every field kept', async () => {
      const td = uniqueTd();
      await ctx.ds.createBundle(makeBundle(td));
      const input = makeEntry({
        selectors: [
          { type: 'unix', value: 'uid:1000' },
          { type: 'unix', value: 'gid:1000' },
        ],
        federatesWith: [`spiffe://${td}`],
        dnsNames: ['b.example.org', 'a.example.org'],
        admin: true,
        downstream: true,
        entryExpiry: 4_000_000_000,
        hint: 'web',
        x509SvidTtl: 7200,
        jwtSvidTtl: 600,
        additionalAttributes: { disableX509SvidPrefetch: true, jwtSvidIncludeJti: true },
      });
      const created = await ctx.ds.createRegistrationEntry(input);
      assert.match(created.entryId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.ok(created.createdAt >= Math.floor(Date.now() / 1000) - 5, 'createdAt is set by the store');
      assert.equal(created.revisionNumber, 0);
      const fetched = await ctx.ds.fetchRegistrationEntry(created.entryId);
      assert.ok(fetched);
      assert.equal(fetched.spiffeId, input.spiffeId);
      assert.equal(fetched.parentId, input.parentId);
      assert.deepEqual(sortedSelectors(fetched.selectors), ['unix:gid:1000', 'unix:uid:1000']);
      assert.deepEqual(fetched.federatesWith, [`spiffe://${td}`]);
      assert.deepEqual(fetched.dnsNames, ['b.example.org', 'a.example.org'], 'DNS names keep their order (the first is the CN)');
      assert.equal(fetched.admin, true);
      assert.equal(fetched.downstream, true);
      assert.equal(fetched.entryExpiry, 4_000_000_000);
      assert.equal(fetched.hint, 'web');
      assert.equal(fetched.x509SvidTtl, 7200);
      assert.equal(fetched.jwtSvidTtl, 600);
      assert.equal(fetched.createdAt, created.createdAt);
      assert.deepEqual(fetched.additionalAttributes, { disableX509SvidPrefetch: true, jwtSvidIncludeJti: true });
    });

    it('keeps a caller-supplied entry ID and refuses it twice', async () => {
      const id = `my-entry.${uid()}_X`;
      const created = await ctx.ds.createRegistrationEntry(makeEntry({ entryId: id }));
      assert.equal(created.entryId, id);
      await rejectsWith(ctx.ds.createRegistrationEntry(makeEntry({ entryId: id })), Code.ALREADY_EXISTS);
    });

    it('refuses a similar entry (same spiffe_id, parent_id and selector set, in any order)', async () => {
      const a = makeEntry({ selectors: [{ type: 't', value: 'a' }, { type: 't', value: 'b' }] });
      await ctx.ds.createRegistrationEntry(a);
      const similar = { ...a, selectors: [{ type: 't', value: 'b' }, { type: 't', value: 'a' }], hint: 'different', x509SvidTtl: 1 };
      await rejectsWith(ctx.ds.createRegistrationEntry(similar), Code.ALREADY_EXISTS);
      // A different selector set, parent or SPIFFE ID is not similar.
      await ctx.ds.createRegistrationEntry({ ...a, selectors: [{ type: 't', value: 'a' }] });
      await ctx.ds.createRegistrationEntry({ ...a, parentId: `${a.parentId}-2` });
      await ctx.ds.createRegistrationEntry({ ...a, spiffeId: `${a.spiffeId}-2` });
      assert.equal(await ctx.ds.countRegistrationEntries({ bySpiffeId: a.spiffeId }), 3);
    });

    it('lets exactly one of many concurrent similar creates win', async () => {
      const base = makeEntry();
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => ctx.ds.createRegistrationEntry({ ...base })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code: Code }).code, Code.ALREADY_EXISTS);
      }
      assert.equal(await ctx.ds.countRegistrationEntries({ bySpiffeId: base.spiffeId }), 1);
    });

    it('createOrReturn returns the similar entry instead of failing', async () => {
      const e = makeEntry();
      const first = await ctx.ds.createOrReturnRegistrationEntry(e);
      assert.equal(first.existing, false);
      const second = await ctx.ds.createOrReturnRegistrationEntry({ ...e, hint: 'ignored' });
      assert.equal(second.existing, true);
      assert.equal(second.entry.entryId, first.entry.entryId);
      assert.equal(second.entry.hint, '');
    });

    it('batch create returns one result per item, in order, failing items alone', async () => {
      const ok1 = makeEntry();
      const dup = makeEntry();
      await ctx.ds.createRegistrationEntry(dup);
      const ok2 = makeEntry();
      const results = await ctx.ds.createRegistrationEntries([ok1, { ...dup }, makeEntry({ spiffeId: 'not-an-id' }), ok2, { ...ok2 }]);
      assert.equal(results.length, 5);
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : Code[r.error.code])),
        ['ok', 'ALREADY_EXISTS', 'INVALID_ARGUMENT', 'ok', 'ALREADY_EXISTS'],
      );
      const stored = await ctx.ds.fetchRegistrationEntries(results.flatMap((r) => (r.ok ? [r.value.entryId] : [])));
      assert.equal(stored.size, 2);
    });

    it('updates with a field mask, bumping the revision each time', async () => {
      const created = await ctx.ds.createRegistrationEntry(makeEntry({ hint: 'old', x509SvidTtl: 100, dnsNames: ['x.test'] }));
      const u1 = await ctx.ds.updateRegistrationEntry({ ...created, hint: 'new', x509SvidTtl: 999, dnsNames: [] }, { hint: true });
      assert.equal(u1.hint, 'new');
      assert.equal(u1.x509SvidTtl, 100, 'unmasked fields keep their value');
      assert.deepEqual(u1.dnsNames, ['x.test']);
      assert.equal(u1.revisionNumber, 1);
      const u2 = await ctx.ds.updateRegistrationEntry({ ...created, selectors: [{ type: 'k8s', value: 'ns:a' }] }, { selectors: true });
      assert.equal(u2.revisionNumber, 2);
      const fetched = await ctx.ds.fetchRegistrationEntry(created.entryId);
      assert.ok(fetched);
      assert.equal(fetched.revisionNumber, 2);
      assert.equal(fetched.hint, 'new');
      assert.deepEqual(sortedSelectors(fetched.selectors), ['k8s:ns:a']);
      assert.deepEqual(fetched.dnsNames, ['x.test']);
      assert.equal(fetched.createdAt, created.createdAt);
    });

    it('updates every field without a mask', async () => {
      const created = await ctx.ds.createRegistrationEntry(makeEntry({ hint: 'a' }));
      const next = makeEntry({ entryId: created.entryId, hint: 'b', admin: true, dnsNames: ['n.test'] });
      const u = await ctx.ds.updateRegistrationEntry(next);
      assert.equal(u.spiffeId, next.spiffeId);
      assert.equal(u.admin, true);
      const fetched = await ctx.ds.fetchRegistrationEntry(created.entryId);
      assert.equal(fetched?.spiffeId, next.spiffeId);
      assert.deepEqual(fetched?.dnsNames, ['n.test']);
      assert.equal(fetched?.revisionNumber, 1);
    });

    it('refuses an update that would make the entry similar to another', async () => {
      const a = await ctx.ds.createRegistrationEntry(makeEntry());
      const b = await ctx.ds.createRegistrationEntry(makeEntry({ spiffeId: a.spiffeId, parentId: a.parentId, selectors: [{ type: 'x', value: uid() }] }));
      await rejectsWith(ctx.ds.updateRegistrationEntry({ ...b, selectors: a.selectors }, { selectors: true }), Code.ALREADY_EXISTS);
      const after = await ctx.ds.fetchRegistrationEntry(b.entryId);
      assert.equal(after?.revisionNumber, 0, 'a refused update changes nothing');
    });

    it('concurrent masked updates of one entry lose none', async () => {
      const created = await ctx.ds.createRegistrationEntry(makeEntry());
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => ctx.ds.updateRegistrationEntry({ ...created, hint: `h${i}` }, { hint: true })),
        ...Array.from({ length: 10 }, (_, i) => ctx.ds.updateRegistrationEntry({ ...created, x509SvidTtl: 1000 + i }, { x509SvidTtl: true })),
      ]);
      const fetched = await ctx.ds.fetchRegistrationEntry(created.entryId);
      assert.equal(fetched?.revisionNumber, 20);
      assert.match(fetched?.hint ?? '', /^h\d$/);
      assert.ok((fetched?.x509SvidTtl ?? 0) >= 1000, 'the TTL update was not overwritten by a hint update');
    });

    it('update and delete of a missing entry are NOT_FOUND', async () => {
      await rejectsWith(ctx.ds.updateRegistrationEntry(makeEntry({ entryId: `missing-${uid()}` })), Code.NOT_FOUND);
      await rejectsWith(ctx.ds.deleteRegistrationEntry(`missing-${uid()}`), Code.NOT_FOUND);
      assert.equal(await ctx.ds.fetchRegistrationEntry(`missing-${uid()}`), undefined);
    });

    it('deletes an entry and returns it', async () => {
      const created = await ctx.ds.createRegistrationEntry(makeEntry({ dnsNames: ['d.test'] }));
      const deleted = await ctx.ds.deleteRegistrationEntry(created.entryId);
      assert.equal(deleted.entryId, created.entryId);
      assert.deepEqual(deleted.dnsNames, ['d.test']);
      assert.equal(await ctx.ds.fetchRegistrationEntry(created.entryId), undefined);
      // The similar slot is free again.
      await ctx.ds.createRegistrationEntry({ ...created, entryId: '' });
    });

    it('fetches many entries at once, skipping unknown IDs', async () => {
      const a = await ctx.ds.createRegistrationEntry(makeEntry());
      const b = await ctx.ds.createRegistrationEntry(makeEntry());
      const got = await ctx.ds.fetchRegistrationEntries([a.entryId, b.entryId, `nope-${uid()}`]);
      assert.deepEqual([...got.keys()].sort(), [a.entryId, b.entryId].sort());
      assert.equal(got.get(a.entryId)?.spiffeId, a.spiffeId);
    });

    it('prunes entries that expired, and only those', async () => {
      const parentId = `spiffe://example.org/spire/agent/prune/${uid()}`;
      const t = Math.floor(Date.now() / 1000);
      const old = await ctx.ds.createRegistrationEntry(makeEntry({ parentId, entryExpiry: t - 100 }));
      const fresh = await ctx.ds.createRegistrationEntry(makeEntry({ parentId, entryExpiry: t + 1000 }));
      const never = await ctx.ds.createRegistrationEntry(makeEntry({ parentId, entryExpiry: 0 }));
      await ctx.ds.pruneRegistrationEntries(t - 10);
      assert.equal(await ctx.ds.fetchRegistrationEntry(old.entryId), undefined);
      assert.ok(await ctx.ds.fetchRegistrationEntry(fresh.entryId));
      assert.ok(await ctx.ds.fetchRegistrationEntry(never.entryId));
    });

    it('refuses a federated trust domain that has no bundle, storing nothing', async () => {
      const e = makeEntry({ federatesWith: [`spiffe://${uniqueTd()}`] });
      await rejectsWith(ctx.ds.createRegistrationEntry(e), Code.INVALID_ARGUMENT, /federates_with/);
      assert.equal(await ctx.ds.countRegistrationEntries({ bySpiffeId: e.spiffeId }), 0);
    });
  });
}
