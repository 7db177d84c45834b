import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { DATASTORE_MAX_SCAN_BATCH_SIZE, type AttestedNode, type DataStore, type RegistrationEntry, type ScanAttestedNodesOptions, type ScanRegistrationEntriesOptions } from '../contract.js';
import { makeBundle, makeEntry, makeNode, rejectsWith, uid, uniqueTd, type SuiteContext } from './context.js';

/** Every batch of a scan, in order. */
async function scanAll(ds: DataStore, opts?: ScanRegistrationEntriesOptions): Promise<RegistrationEntry[][]> {
  const batches: RegistrationEntry[][] = [];
  for await (const batch of ds.scanRegistrationEntries(opts)) batches.push(batch);
  return batches;
}

/** Every batch of a node scan, in order. */
async function scanNodes(ds: DataStore, opts?: ScanAttestedNodesOptions): Promise<AttestedNode[][]> {
  const batches: AttestedNode[][] = [];
  for await (const batch of ds.scanAttestedNodes(opts)) batches.push(batch);
  return batches;
}

/** Every entry, from one unpaged list call. */
async function listAll(ds: DataStore): Promise<RegistrationEntry[]> {
  return (await ds.listRegistrationEntries({})).entries;
}

/** Entries with every field set in some of them, several selectors, DNS names and trust domains. */
async function seed(ds: DataStore, n: number): Promise<RegistrationEntry[]> {
  const tds = [uniqueTd(), uniqueTd()];
  for (const td of tds) await ds.createBundle(makeBundle(td));
  const parentId = `spiffe://example.org/spire/agent/scan/${uid()}`;
  const inputs = Array.from({ length: n }, (_, i) =>
    makeEntry({
      parentId,
      selectors: Array.from({ length: 1 + (i % 4) }, (_, k) => ({ type: k % 2 === 0 || i % 7 === 0 ? 'unix' : 'k8s', value: `v${i}-${k}-${uid()}` })),
      dnsNames: i % 3 === 0 ? [`z${i}.example.org`, `a${i}.example.org`] : [],
      federatesWith: i % 5 === 0 ? [`spiffe://${tds[1]!}`, `spiffe://${tds[0]!}`] : i % 5 === 1 ? [`spiffe://${tds[0]!}`] : [],
      admin: i % 2 === 0,
      downstream: i % 3 === 1,
      entryExpiry: i % 4 === 0 ? 4_000_000_000 + i : 0,
      storeSvid: i % 7 === 0,
      hint: i % 2 === 1 ? `hint-${i}` : '',
      x509SvidTtl: 100 + i,
      jwtSvidTtl: 50 + i,
      ...(i % 6 === 0 ? { ttl: 900 + i } : {}),
      ...(i % 3 === 2 && i % 7 !== 0 ? { additionalAttributes: { disableX509SvidPrefetch: i % 2 === 0, jwtSvidIncludeJti: true } } : {}),
    }),
  );
  const made = await ds.createRegistrationEntries(inputs);
  return made.map((r) => {
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value;
  });
}

/** scanRegistrationEntries: the same entries as listing, in batches, from one snapshot. */
export function scanTests(ctx: SuiteContext): void {
  describe('scanning entries', () => {
    // Registered first, so the store under test has no entries yet unless it was reused.
    it('yields no batch from a store without entries', async (t) => {
      if ((await ctx.ds.countRegistrationEntries({})) > 0) {
        t.skip('the store under test already holds entries (reused); the empty case cannot be checked');
        return;
      }
      assert.deepEqual(await scanAll(ctx.ds), []);
      assert.deepEqual(await scanAll(ctx.ds, { batchSize: 1 }), []);
    });

    it('yields the same entries as listRegistrationEntries, every field, across batch boundaries', async () => {
      const made = await seed(ctx.ds, 23);
      const want = await listAll(ctx.ds);
      assert.ok(want.length >= made.length);
      for (const size of [1, 7, want.length, 100_000]) {
        const batches = await scanAll(ctx.ds, { batchSize: size });
        const limit = Math.min(size, DATASTORE_MAX_SCAN_BATCH_SIZE);
        for (const b of batches) {
          assert.ok(b.length > 0, 'no empty batch');
          assert.ok(b.length <= limit, `a batch of ${b.length} exceeds ${limit}`);
        }
        assert.equal(batches.length, Math.ceil(want.length / limit), `batch size ${size}: every batch but the last is full`);
        assert.deepEqual(batches.flat(), want, `batch size ${size}: same entries, fields and order as the list`);
      }
      assert.deepEqual((await scanAll(ctx.ds)).flat(), want, 'default batch size');
      const byId = new Map(want.map((e) => [e.entryId, e]));
      for (const m of made) {
        const got = byId.get(m.entryId);
        assert.ok(got, `${m.entryId} is scanned`);
        assert.deepEqual(got.dnsNames, m.dnsNames, 'DNS names keep their order');
        assert.deepEqual([...got.federatesWith].sort(), [...m.federatesWith].sort());
        assert.equal(got.ttl, m.ttl);
        assert.deepEqual(got.additionalAttributes, m.additionalAttributes);
      }
    });

    it('reads one snapshot: writes made during a scan are not seen by it', async () => {
      await seed(ctx.ds, 6);
      const before = await listAll(ctx.ds);
      const last = before[before.length - 1]!;
      const seen: RegistrationEntry[] = [];
      let wrote = false;
      let created: RegistrationEntry | undefined;
      for await (const batch of ctx.ds.scanRegistrationEntries({ batchSize: 2 })) {
        seen.push(...batch);
        if (!wrote) {
          wrote = true;
          await ctx.ds.deleteRegistrationEntry(last.entryId);
          created = await ctx.ds.createRegistrationEntry(makeEntry());
          await ctx.ds.updateRegistrationEntry({ ...before[before.length - 2]!, hint: 'changed-during-scan' }, { hint: true });
        }
      }
      assert.deepEqual(seen, before, 'the scan shows the store as it was when it began');
      const after = (await scanAll(ctx.ds)).flat();
      assert.ok(!after.some((e) => e.entryId === last.entryId), 'a later scan misses the deleted entry');
      assert.ok(after.some((e) => e.entryId === created!.entryId), 'a later scan sees the new entry');
      assert.equal(after.find((e) => e.entryId === before[before.length - 2]!.entryId)?.hint, 'changed-during-scan');
    });

    it('ends its snapshot when the caller stops early', async () => {
      await seed(ctx.ds, 3);
      for await (const batch of ctx.ds.scanRegistrationEntries({ batchSize: 1 })) {
        assert.equal(batch.length, 1);
        break;
      }
      // A write right after the early exit must not wait on the abandoned scan.
      const e = await ctx.ds.createRegistrationEntry(makeEntry());
      assert.ok((await scanAll(ctx.ds, { batchSize: 1000 })).flat().some((x) => x.entryId === e.entryId));
    });

    it('yields no node from a store without nodes', async (t) => {
      if ((await ctx.ds.countAttestedNodes({})) > 0) {
        t.skip('the store under test already holds nodes (reused); the empty case cannot be checked');
        return;
      }
      assert.deepEqual(await scanNodes(ctx.ds), []);
    });

    it('yields the same nodes with selectors as listAttestedNodes, every field, across batch boundaries', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 9; i++) {
        const n = makeNode({
          certNotAfter: i % 4 === 3 ? now - 100 : now + 3600 + i,
          newCertSerialNumber: i % 2 === 0 ? `new-${i}` : '',
          newCertNotAfter: i % 2 === 0 ? now + 7200 : 0,
          canReattest: i % 3 === 0,
          agentVersion: `1.${i}.0`,
        });
        await ctx.ds.createAttestedNode(n);
        if (i % 3 !== 1) await ctx.ds.setNodeSelectors(n.spiffeId, Array.from({ length: 1 + (i % 3) }, (_, k) => ({ type: 'aws', value: `v${i}-${k}-${uid()}` })));
      }
      const all = (await ctx.ds.listAttestedNodes({ fetchSelectors: true })).nodes;
      const valid = (await ctx.ds.listAttestedNodes({ fetchSelectors: true, validAt: now })).nodes;
      assert.ok(valid.length < all.length, 'some nodes are expired');
      for (const size of [1, 4, 100_000]) {
        const batches = await scanNodes(ctx.ds, { batchSize: size });
        for (const b of batches) assert.ok(b.length > 0 && b.length <= Math.min(size, DATASTORE_MAX_SCAN_BATCH_SIZE));
        assert.deepEqual(batches.flat(), all, `batch size ${size}: same nodes, fields, selectors and order as the list`);
        assert.deepEqual((await scanNodes(ctx.ds, { batchSize: size, validAt: now })).flat(), valid, `batch size ${size}, validAt`);
      }
      await rejectsWith(ctx.ds.scanAttestedNodes({ batchSize: 0 })[Symbol.asyncIterator]().next(), Code.INVALID_ARGUMENT, /batch_size/);
    });

    it('returns values holding control characters (the ASCII separators among them) exactly as stored', async () => {
      const odd = ['a\x1fb', 'c\x1ed\x1d', '\x1f', 'tab\tnew\nline', 'ünï\u2028çødé'];
      const made = await ctx.ds.createRegistrationEntries(
        odd.map((v, i) => makeEntry({ hint: v, selectors: [{ type: 'unix', value: `${v}-${uid()}` }, { type: `t${i}`, value: v }] })),
      );
      const ids = made.map((r) => {
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        return r.value.entryId;
      });
      const want = await listAll(ctx.ds);
      for (const size of [1, 3, 1000]) assert.deepEqual((await scanAll(ctx.ds, { batchSize: size })).flat(), want, `batch size ${size}`);
      const got = new Map((await scanAll(ctx.ds)).flat().map((e) => [e.entryId, e]));
      odd.forEach((v, i) => {
        assert.equal(got.get(ids[i]!)?.hint, v);
        assert.equal(got.get(ids[i]!)?.selectors.find((x) => x.type === `t${i}`)?.value, v);
      });

      const node = makeNode({ agentVersion: 'v\x1f1', certSerialNumber: `s\x1f${uid()}` });
      await ctx.ds.createAttestedNode(node);
      await ctx.ds.setNodeSelectors(node.spiffeId, [{ type: 'x\x1fy', value: 'p\x1eq\x1f' }]);
      const all = (await ctx.ds.listAttestedNodes({ fetchSelectors: true })).nodes;
      for (const size of [1, 1000]) assert.deepEqual((await scanNodes(ctx.ds, { batchSize: size })).flat(), all, `nodes, batch size ${size}`);
      const n = (await scanNodes(ctx.ds)).flat().find((x) => x.spiffeId === node.spiffeId);
      assert.equal(n?.agentVersion, 'v\x1f1');
      assert.deepEqual(n?.selectors, [{ type: 'x\x1fy', value: 'p\x1eq\x1f' }]);
    });

    it('refuses a batch size that is not a positive integer, naming batch_size', async () => {
      for (const batchSize of [0, -1, 1.5, Number.NaN]) {
        const it = ctx.ds.scanRegistrationEntries({ batchSize })[Symbol.asyncIterator]();
        await rejectsWith(it.next(), Code.INVALID_ARGUMENT, /batch_size/);
      }
    });
  });
}
