import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataStoreAuthorizedEntries } from '../api/authorized-entries.js';
import type { DataStore, RegistrationEntry, Selector } from '../plugins/datastore/contract.js';
import type { AuthorizedEntryCache } from './authorized-entry-cache.js';
import { attest, entry, ids, newCache, openSqlStore, SERVER_ID, TD } from './test-store.js';

// Random entry graphs, checked against the store-reading reference implementation the API used
// before the cache (DataStoreAuthorizedEntries). The reference also hands out the node alias
// entries themselves, which SPIRE does not; those are left out of its answer before comparing.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENTS = Array.from({ length: 6 }, (_, i) => `spiffe://example.org/spire/agent/fz/a${i}`);
const ALIAS_IDS = Array.from({ length: 3 }, (_, i) => `spiffe://example.org/alias/${i}`);
const WORKLOADS = Array.from({ length: 14 }, (_, i) => `spiffe://example.org/w/${i}`);
const SELECTORS: Selector[] = Array.from({ length: 5 }, (_, i) => ({ type: 'fz', value: `s${i}` }));

class Gen {
  private n = 0;
  constructor(readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  subset(min: number, max: number): Selector[] {
    const k = min + Math.floor(this.r() * (max - min + 1));
    return [...SELECTORS].sort(() => this.r() - 0.5).slice(0, k);
  }
  entry(): RegistrationEntry {
    const uniq = { type: 'unix', value: `uid:${this.n++}` };
    if (this.r() < 0.15) return entry(this.pick(ALIAS_IDS), SERVER_ID, this.subset(1, 3));
    const parents = [...AGENTS, ...ALIAS_IDS, ...WORKLOADS, 'spiffe://example.org/nobody'];
    const spiffe = this.r() < 0.05 ? this.pick(AGENTS) : this.pick(WORKLOADS);
    return entry(spiffe, this.pick(parents), [uniq]);
  }
}

async function compare(ds: DataStore, cache: AuthorizedEntryCache, label: string): Promise<number> {
  const ref = new DataStoreAuthorizedEntries(ds, TD);
  let total = 0;
  for (const a of [...AGENTS, 'spiffe://example.org/spire/agent/fz/unknown']) {
    const want = ids((await ref.fetchAuthorizedEntries(a)).filter((e) => e.parentId !== SERVER_ID));
    const got = await cache.fetchAuthorizedEntries(a);
    assert.deepEqual(ids(got), want, `${label}: ${a}`);
    const stored = await ds.fetchRegistrationEntries(ids(got));
    for (const e of got) assert.deepEqual(e, stored.get(e.entryId), `${label}: ${e.entryId} as stored`);
    total += want.length;
  }
  return total;
}

describe('AuthorizedEntryCache fuzz against the store-reading reference', () => {
  let store: Awaited<ReturnType<typeof openSqlStore>>;
  before(async () => {
    store = await openSqlStore();
  });
  after(() => store.close());

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: build, then random changes through events and through reloads`, async () => {
      const ds = store.ds;
      // Clean slate on the shared store.
      for (const e of (await ds.listRegistrationEntries({})).entries) await ds.deleteRegistrationEntry(e.entryId);
      for (const n of (await ds.listAttestedNodes({})).nodes) await ds.deleteAttestedNode(n.spiffeId);
      const g = new Gen(rng(seed));
      for (const a of AGENTS) await attest(ds, a, g.subset(0, 4));
      const live: RegistrationEntry[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await ds.createOrReturnRegistrationEntry(g.entry());
        if (!res.existing) live.push(res.entry);
      }
      const events = await newCache(ds, { eventsBasedCache: true });
      const reloads = await newCache(ds);
      let seen = await compare(ds, events, `seed ${seed} build`);

      for (let round = 0; round < 4; round++) {
        for (let op = 0; op < 8; op++) {
          const x = g.r();
          if (x < 0.3) {
            const res = await ds.createOrReturnRegistrationEntry(g.entry());
            if (!res.existing) live.push(res.entry);
          } else if (x < 0.5 && live.length > 0) {
            const victim = live.splice(Math.floor(g.r() * live.length), 1)[0]!;
            await ds.deleteRegistrationEntry(victim.entryId);
          } else if (x < 0.7 && live.length > 0) {
            const i = Math.floor(g.r() * live.length);
            const cur = live[i]!;
            if (cur.parentId === SERVER_ID) {
              live[i] = await ds.updateRegistrationEntry({ ...cur, selectors: g.subset(1, 3) }, { selectors: true });
            } else {
              const parent = g.pick([...AGENTS, ...ALIAS_IDS, ...WORKLOADS]);
              try {
                live[i] = await ds.updateRegistrationEntry({ ...cur, parentId: parent }, { parentId: true });
              } catch {
                // Similar to another entry: left as it was.
              }
            }
          } else if (x < 0.85) {
            // Selectors of a node that is not attested count for nothing in SPIRE (nor in the
            // cache), while the reference would use them: only re-select attested nodes.
            const a = g.pick(AGENTS);
            if (await ds.fetchAttestedNode(a)) await ds.setNodeSelectors(a, g.subset(0, 4));
          } else {
            const a = g.pick(AGENTS);
            if (await ds.fetchAttestedNode(a)) await ds.deleteAttestedNode(a);
            else await attest(ds, a, g.subset(0, 4));
          }
        }
        await events.refresh();
        seen += await compare(ds, events, `seed ${seed} round ${round} (events)`);
        await reloads.refresh();
        await compare(ds, reloads, `seed ${seed} round ${round} (reload)`);
      }
      assert.ok(seen > 0, 'the graphs authorized something');
    });
  }
});
