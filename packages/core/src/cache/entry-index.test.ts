import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntryIndex } from './entry-index.js';
import { entry, FAR, SERVER_ID } from './test-store.js';

const A1 = 'spiffe://example.org/spire/agent/x/a1';
const A2 = 'spiffe://example.org/spire/agent/x/a2';
const A3 = 'spiffe://example.org/spire/agent/x/a3';
const NOW = 1_700_000_000;
const cluster = (v: string) => ({ type: 'k8s', value: `cluster:${v}` });
const zone = (v: string) => ({ type: 'k8s', value: `zone:${v}` });

function e(id: string, spiffe: string, parent: string, sels = [{ type: 'unix', value: 'uid:0' }]) {
  return entry(`spiffe://example.org/${spiffe}`.replace('spiffe://example.org/spiffe://', 'spiffe://'), parent, sels, id);
}
const got = (ix: EntryIndex, agent: string, now = NOW) => ix.authorizedEntries(agent, now).map((x) => x.entryId).sort();

describe('EntryIndex', () => {
  it('gives an agent the entries parented to it, and nothing to another agent', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('w1', 'w1', A1));
    ix.upsertEntry(e('w2', 'w2', A1));
    ix.upsertEntry(e('w3', 'w3', A2));
    assert.deepEqual(got(ix, A1), ['w1', 'w2']);
    assert.deepEqual(got(ix, A2), ['w3']);
    assert.deepEqual(got(ix, A3), []);
  });

  it('follows descendants recursively, and survives cycles', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('p', 'p', A1));
    ix.upsertEntry(e('c1', 'c1', 'spiffe://example.org/p'));
    ix.upsertEntry(e('c2', 'c2', 'spiffe://example.org/c1'));
    ix.upsertEntry(e('loop', 'p', 'spiffe://example.org/c2'));
    ix.upsertEntry(e('other', 'o', 'spiffe://example.org/unrelated'));
    assert.deepEqual(got(ix, A1), ['c1', 'c2', 'loop', 'p']);
  });

  it('lets a node alias grant an entry to every agent holding all its selectors, without handing out the alias', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('alias', 'cluster/c1', SERVER_ID, [cluster('c1'), zone('z')]));
    ix.upsertEntry(e('w', 'w', 'spiffe://example.org/cluster/c1'));
    ix.upsertEntry(e('wchild', 'wc', 'spiffe://example.org/w'));
    ix.upsertAgent(A1, FAR, [cluster('c1'), zone('z'), { type: 'x', value: 'extra' }]);
    ix.upsertAgent(A2, FAR, [zone('z'), cluster('c1')]);
    ix.upsertAgent(A3, FAR, [cluster('c1')]);
    assert.deepEqual(got(ix, A1), ['w', 'wchild']);
    assert.deepEqual(got(ix, A2), ['w', 'wchild']);
    assert.deepEqual(got(ix, A3), [], 'a subset of the alias selectors is not enough');
    assert.equal(ix.stats().aliases, 1);
    assert.equal(ix.stats().entries, 2);
  });

  it('never matches an alias without selectors', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('alias', 'all', SERVER_ID, []));
    ix.upsertEntry(e('w', 'w', 'spiffe://example.org/all'));
    ix.upsertAgent(A1, FAR, [cluster('c1')]);
    assert.deepEqual(got(ix, A1), []);
  });

  it('drops alias grants when the alias is removed or the node selectors change', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('alias', 'cluster/c1', SERVER_ID, [cluster('c1')]));
    ix.upsertEntry(e('w', 'w', 'spiffe://example.org/cluster/c1'));
    ix.upsertAgent(A1, FAR, [cluster('c1')]);
    ix.upsertAgent(A2, FAR, [cluster('c1')]);
    assert.deepEqual(got(ix, A1), ['w']);
    ix.upsertAgent(A1, FAR, [cluster('c2')]);
    assert.deepEqual(got(ix, A1), []);
    assert.deepEqual(got(ix, A2), ['w']);
    assert.ok(ix.removeEntry('alias'));
    assert.deepEqual(got(ix, A2), []);
    ix.upsertEntry(e('alias', 'cluster/c1', SERVER_ID, [cluster('c1')]));
    assert.deepEqual(got(ix, A2), ['w']);
    assert.ok(ix.removeAgent(A2));
    assert.deepEqual(got(ix, A2), []);
  });

  it('gives an expired agent only what is parented to its own ID', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('alias', 'cluster/c1', SERVER_ID, [cluster('c1')]));
    ix.upsertEntry(e('w', 'w', 'spiffe://example.org/cluster/c1'));
    ix.upsertEntry(e('direct', 'd', A1));
    ix.upsertAgent(A1, NOW - 1, [cluster('c1')]);
    assert.deepEqual(got(ix, A1), ['direct']);
    assert.deepEqual(got(ix, A1, NOW - 1), ['direct', 'w'], 'still valid at its expiry second');
    assert.equal(ix.pruneExpiredAgents(NOW), 1);
    assert.equal(ix.stats().agents, 0);
  });

  it('applies updates (moving an entry to another parent) and deletes', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('w1', 'w1', A1));
    ix.upsertEntry(e('w2', 'w2', A1));
    ix.upsertEntry(e('w3', 'w3', A1));
    ix.upsertEntry({ ...e('w2', 'w2', A2), revisionNumber: 1 });
    assert.deepEqual(got(ix, A1), ['w1', 'w3']);
    assert.deepEqual(got(ix, A2), ['w2']);
    assert.equal(ix.authorizedEntries(A2, NOW)[0]!.revisionNumber, 1);
    assert.ok(ix.removeEntry('w3'));
    assert.ok(!ix.removeEntry('w3'));
    assert.deepEqual(got(ix, A1), ['w1']);
    ix.upsertEntry(e('w4', 'w4', A1));
    assert.deepEqual(got(ix, A1), ['w1', 'w4'], 'a freed slot is reused cleanly');
    assert.equal(ix.stats().entries, 3);
  });

  it('ignores entries and agents of another trust domain, also on update', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('w', 'w', A1));
    ix.upsertEntry(entry('spiffe://other.org/w', A1, undefined, 'foreign-id'));
    ix.upsertEntry(entry('spiffe://example.org/w2', 'spiffe://other.org/spire/agent/a', undefined, 'foreign-parent'));
    ix.upsertEntry(entry('spiffe://other.org/w', A1, undefined, 'w'));
    assert.deepEqual(got(ix, A1), []);
    ix.upsertAgent('spiffe://other.org/spire/agent/a', FAR, [cluster('c1')]);
    assert.equal(ix.stats().agents, 0);
  });

  it('returns frozen entries that carry the stored fields', () => {
    const ix = new EntryIndex('example.org');
    const src = { ...e('w', 'w', A1), dnsNames: ['a.example.org'], federatesWith: ['b.org'], hint: 'h', x509SvidTtl: 60, revisionNumber: 7 };
    ix.upsertEntry(src);
    const [out] = ix.authorizedEntries(A1, NOW);
    assert.deepEqual(out, src);
    assert.ok(Object.isFrozen(out) && Object.isFrozen(out!.selectors) && Object.isFrozen(out!.selectors[0]));
    assert.throws(() => (out!.dnsNames as string[]).push('x'));
    assert.ok(!Object.isFrozen(src) && !Object.isFrozen(src.selectors), "the caller's object is copied, not frozen");
    const owned = e('w2', 'w2', A1);
    ix.upsertEntry(owned, true);
    assert.ok(Object.isFrozen(owned) && Object.isFrozen(owned.selectors), 'adopted in place');
    assert.equal(ix.authorizedEntries(A1, NOW).find((x) => x.entryId === 'w2'), owned);
  });

  it('looks up only the requested entries', () => {
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(e('w1', 'w1', A1));
    ix.upsertEntry(e('w2', 'w2', A1));
    ix.upsertEntry(e('w3', 'w3', A2));
    const m = ix.lookupAuthorizedEntries(A1, new Set(['w2', 'w3', 'nope']), NOW);
    assert.deepEqual([...m.keys()], ['w2']);
    assert.equal(ix.lookupAuthorizedEntries(A1, new Set(), NOW).size, 0);
  });
});
