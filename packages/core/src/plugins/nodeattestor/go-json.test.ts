import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goField } from './go-json.js';

// encoding/json (decode.go, fold.go) maps each key of the object, in order, to the struct field
// whose name equals it exactly or under its case folding; a later key for the same field
// overwrites an earlier one.
describe('goField reads a JSON object as encoding/json fills a struct field', () => {
  it('matches names without regard to case', () => {
    assert.equal(goField({ NONCE: 'a' }, 'Nonce'), 'a');
  });

  it('lets the last key for a field win, even when an earlier key matched it exactly', () => {
    assert.equal(goField({ Nonce: 'a', nonce: 'b' }, 'Nonce'), 'b');
    assert.equal(goField({ nonce: 'a', Nonce: 'b' }, 'Nonce'), 'b');
  });

  it('folds as Go does: the Kelvin sign is k and the long s is s; ß is not ss', () => {
    assert.equal(goField({ '\u212Aey': 'a' }, 'key'), 'a');
    assert.equal(goField({ '\u017Figs': 'a' }, 'sigs'), 'a');
    assert.equal(goField({ 'cla\u00DF': 'a' }, 'class'), undefined);
  });

  it('never reads inherited properties, and reads nothing from a non-object', () => {
    assert.equal(goField({}, 'constructor'), undefined);
    assert.equal(goField({}, 'toString'), undefined);
    assert.equal(goField(null, 'a'), undefined);
    assert.equal(goField(['x'], '0'), undefined);
    assert.equal(goField('s', 'length'), undefined);
  });
});
