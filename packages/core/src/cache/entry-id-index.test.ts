import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { EntryIdIndex } from './entry-id-index.js';

/** An index over a plain slot table, as EntryIndex uses it. */
function table(): { ix: EntryIdIndex; at: (string | undefined)[] } {
  const at: (string | undefined)[] = [];
  return { ix: new EntryIdIndex((slot) => at[slot]), at };
}

describe('EntryIdIndex', () => {
  it('finds every loaded ID after the load, and nothing else', () => {
    const { ix, at } = table();
    for (let i = 0; i < 200_000; i++) {
      at.push(i % 3 === 0 ? `custom-entry-${i}` : randomUUID());
      ix.load(at[i]!, i);
    }
    ix.finishLoad();
    for (let i = 0; i < at.length; i++) assert.equal(ix.get(at[i]!), i);
    assert.equal(ix.get('never-loaded'), undefined);
    assert.equal(ix.get(''), undefined);
  });

  it('sorts on the first look-up when the load was not finished', () => {
    const { ix, at } = table();
    for (let i = 0; i < 5000; i++) ix.load((at[i] = `e${i}`), i);
    assert.equal(ix.get('e4999'), 4999);
    ix.load((at[5000] = 'late-load'), 5000);
    assert.equal(ix.get('late-load'), 5000);
    assert.equal(ix.get('e0'), 0);
  });

  it('retires a loaded ID when its slot is freed or reused, and prefers IDs set later', () => {
    const { ix, at } = table();
    for (let i = 0; i < 100; i++) ix.load((at[i] = `e${i}`), i);
    ix.finishLoad();
    // e7 removed: its slot freed.
    ix.delete('e7');
    at[7] = undefined;
    assert.equal(ix.get('e7'), undefined);
    // Slot 7 reused for a new entry.
    at[7] = 'new';
    ix.set('new', 7);
    assert.equal(ix.get('new'), 7);
    assert.equal(ix.get('e7'), undefined);
    // e9 replaced: removed from slot 9, stored again in slot 100.
    ix.delete('e9');
    at[9] = undefined;
    at[100] = 'e9';
    ix.set('e9', 100);
    assert.equal(ix.get('e9'), 100);
    // e9 moved back into its old slot.
    ix.delete('e9');
    at[100] = undefined;
    at[9] = 'e9';
    ix.set('e9', 9);
    assert.equal(ix.get('e9'), 9);
    // A later ID removed again.
    ix.delete('new');
    at[7] = undefined;
    assert.equal(ix.get('new'), undefined);
  });
});
