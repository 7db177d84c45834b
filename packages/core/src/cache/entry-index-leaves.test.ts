import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntryIndex } from './entry-index.js';
import { LeafFilter } from './leaf-filter.js';
import { entry } from './test-store.js';

// An entry's own SPIFFE ID is only numbered once something hangs off it (see EntryIndex): these
// cases make a leaf become a parent in every order the load and later updates can bring.

const TD = 'spiffe://example.org';
const A1 = `${TD}/spire/agent/x/a1`;
const NOW = 1_700_000_000;
// Fresh selectors each time: loadEntry adopts (freezes) what it is given.
const sel = () => [{ type: 'unix', value: 'uid:0' }];
const got = (ix: EntryIndex, agent: string) => ix.authorizedEntries(agent, NOW).map((x) => x.entryId).sort();

describe('EntryIndex: leaf SPIFFE IDs', () => {
  it('loads a child before its parent entry, and finds the chain once settled', () => {
    const ix = new EntryIndex('example.org');
    ix.loadEntry(entry(`${TD}/c`, `${TD}/p`, sel(), 'c'));
    ix.loadEntry(entry(`${TD}/p`, A1, sel(), 'p'));
    ix.upsertAgent(A1, NOW + 60, [], true);
    ix.settle();
    assert.deepEqual(got(ix, A1), ['c', 'p']);
  });

  it('reads without an explicit settle after a load', () => {
    const ix = new EntryIndex('example.org');
    ix.loadEntry(entry(`${TD}/c`, `${TD}/p`, sel(), 'c'));
    ix.loadEntry(entry(`${TD}/p`, A1, sel(), 'p'));
    assert.deepEqual(got(ix, A1), ['c', 'p']);
  });

  it('turns a loaded leaf into a parent when an entry is later parented to it', () => {
    const ix = new EntryIndex('example.org');
    for (let i = 0; i < 5000; i++) ix.loadEntry(entry(`${TD}/w/${i}`, A1, sel(), `w${i}`));
    ix.settle();
    const before = ix.stats().ids;
    ix.upsertEntry(entry(`${TD}/nested`, `${TD}/w/4321`, sel(), 'nested'));
    assert.equal(ix.stats().ids, before + 1, 'only the new parent was numbered');
    assert.ok(got(ix, A1).includes('nested'));
    assert.equal(got(ix, A1).length, 5001);
    // Moving the nested entry away and back, and deleting its parent entry.
    ix.upsertEntry(entry(`${TD}/nested`, `${TD}/elsewhere`, sel(), 'nested'));
    assert.equal(got(ix, A1).length, 5000);
    ix.upsertEntry(entry(`${TD}/nested`, `${TD}/w/4321`, sel(), 'nested'));
    ix.removeEntry('w4321');
    assert.equal(got(ix, A1).length, 4999);
    assert.ok(!got(ix, A1).includes('nested'));
  });

  it('reaches the entries of an agent through an entry that carries the agent ID, whichever comes first', () => {
    const a2 = `${TD}/spire/agent/x/a2`;
    const ix = new EntryIndex('example.org');
    ix.upsertEntry(entry(a2, A1, sel(), 'as-a2'));
    ix.upsertAgent(a2, NOW + 60, []);
    ix.upsertEntry(entry(`${TD}/under-a2`, a2, sel(), 'under-a2'));
    assert.deepEqual(got(ix, A1), ['as-a2', 'under-a2']);
    const iy = new EntryIndex('example.org');
    iy.upsertAgent(a2, NOW + 60, []);
    iy.upsertEntry(entry(`${TD}/under-a2`, a2, sel(), 'under-a2'));
    iy.upsertEntry(entry(a2, A1, sel(), 'as-a2'));
    assert.deepEqual(got(iy, A1), ['as-a2', 'under-a2']);
  });

  it('keeps many live leaves apart (filter rebuilds as it fills)', () => {
    const ix = new EntryIndex('example.org');
    for (let i = 0; i < 3000; i++) ix.upsertEntry(entry(`${TD}/leaf/${i}`, A1, sel(), `l${i}`));
    for (let i = 0; i < 3000; i += 97) ix.upsertEntry(entry(`${TD}/kid/${i}`, `${TD}/leaf/${i}`, sel(), `k${i}`));
    const all = got(ix, A1);
    assert.equal(all.length, 3000 + Math.ceil(3000 / 97));
    assert.ok(all.includes('k2910'));
  });
});

describe('LeafFilter', () => {
  it('never misses an added string, and rarely claims one it was not given', () => {
    const f = new LeafFilter(20_000);
    for (let i = 0; i < 20_000; i++) f.add(`spiffe://example.org/workload/${i}`);
    for (let i = 0; i < 20_000; i++) assert.ok(f.mightContain(`spiffe://example.org/workload/${i}`), `added ${i}`);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightContain(`spiffe://example.org/other/${i}`)) hits++;
    assert.ok(hits < 400, `${hits} false hits in 20,000 (expected about 1 in 200 at 16 bits a string, 3 probes)`);
  });
});
